"""Django's SQLite backend, with the writers of one process taking turns.

SQLite has one write lock per database. A writer that finds it taken waits in
SQLite's busy handler, which sleeps and polls, up to 100 ms between polls:
the newest waiter polls soonest and often wins, so under many threads an
early waiter can lose for the whole busy timeout (seen: one of 32 threads
submitting at once gave up after 30 s). Here the threads of one process queue
for a transaction in arrival order, before BEGIN IMMEDIATE, and each is woken
the moment the one before it commits; only one writer per process reaches
SQLite's lock, whose busy handler now arbitrates between processes alone.
The wait is bounded by the same timeout ("database is locked" after it)."""

import threading
from collections import deque

from django.db import OperationalError
from django.db.backends.sqlite3 import base


class WriterQueue:
    """A lock handed to waiters in the order they came (first come, first served)."""

    def __init__(self):
        self._mutex = threading.Lock()
        self._waiters = deque()
        self._held = False

    def acquire(self, timeout):
        with self._mutex:
            if not self._held:
                self._held = True
                return True
            turn = threading.Lock()
            turn.acquire()
            self._waiters.append(turn)
        if turn.acquire(timeout=timeout):
            return True
        with self._mutex:
            if turn in self._waiters:
                self._waiters.remove(turn)
                return False
        return True  # handed over between the timeout and the mutex

    def release(self):
        with self._mutex:
            if self._waiters:
                self._waiters.popleft().release()  # the next one holds it now
            else:
                self._held = False


_queues = {}
_queues_lock = threading.Lock()


def writer_queue(name):
    with _queues_lock:
        return _queues.setdefault(name, WriterQueue())


class DatabaseWrapper(base.DatabaseWrapper):
    _writer_turn = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # How long a writer waits for its turn: SQLite's own busy timeout.
        self.writer_wait = self.settings_dict["OPTIONS"].get("timeout", 5)

    def _start_transaction_under_autocommit(self):
        if self.is_in_memory_db():
            return super()._start_transaction_under_autocommit()
        queue = writer_queue(self.settings_dict["NAME"])
        if not queue.acquire(timeout=self.writer_wait):
            raise OperationalError("database is locked (waited for this process's other writers)")
        self._writer_turn = queue
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._end_writer_turn()
            raise

    def _end_writer_turn(self):
        queue, self._writer_turn = self._writer_turn, None
        if queue is not None:
            queue.release()

    def _commit(self):
        result = super()._commit()
        # A failed commit is rolled back next, which ends the turn.
        self._end_writer_turn()
        return result

    def _rollback(self):
        try:
            return super()._rollback()
        finally:
            self._end_writer_turn()

    def _close(self):
        try:
            return super()._close()
        finally:
            self._end_writer_turn()
