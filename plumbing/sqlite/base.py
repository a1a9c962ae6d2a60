"""Django's SQLite backend, with the writers of one process taking turns.

SQLite has one write lock per database. A writer that finds it taken waits in
SQLite's busy handler, which sleeps and polls, up to 100 ms between polls:
the newest waiter polls soonest and often wins, so under many threads an
early waiter can lose for the whole busy timeout (seen: one of 32 threads
submitting at once gave up after 30 s). Here the threads of one process queue
for a transaction in arrival order, before BEGIN IMMEDIATE, and each is woken
the moment the one before it commits; only one writer per process reaches
SQLite's lock. Between processes (gunicorn's workers, the task worker) that
one writer then waits on an exclusive flock of a file beside the database:
the kernel wakes it when the holder lets go, instead of a poll that may come
too late every time (with two workers: p99 of a sign POST 2.9 s before,
0.5 s after). The wait for a turn is bounded by the busy timeout ("database
is locked" after it). A write outside any transaction (an autocommit
statement) takes no turn; SQLite's busy handler, with the same timeout,
bounds the wait for such a writer, so in the worst case a transaction waits
for its turn and then for one of those."""

import fcntl
import logging
import os
import threading
import time
from collections import deque

from django.db import OperationalError
from django.db.backends.sqlite3 import base

logger = logging.getLogger(__name__)


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


class ProcessGate:
    """An exclusive flock of `path` for one thread of this process at a time,
    waited for at most `timeout`. The file is opened once in each process (a
    descriptor inherited through fork would be one lock for both); created by
    root, it is given the database's owner, as SQLite does with its -wal file.
    flock has no timeout of its own, so a contended lock is waited for by a
    helper thread; the asking thread gives up after `timeout`, and a lock the
    helper gets for nobody is let go at once. Where the file cannot be used
    (or no helper started), writers go on without it: SQLite's busy handler
    then arbitrates between processes, as in Django's own backend."""

    def __init__(self, path, owner_of):
        self.path, self.owner_of = path, owner_of
        self._fd, self._pid = None, None
        self._mutex = threading.Lock()
        self._changed = threading.Condition(self._mutex)
        # free; waiting (the helper); granted (to the asking thread); off (no file lock)
        self._state = "free"
        self._wanted = False

    def _off(self, error):
        logger.warning("SQLite writers' lock file not used (%s): processes take turns in SQLite's busy handler", error)
        self._state = "off"

    def _descriptor(self):
        if self._pid != os.getpid():
            self._pid, self._state = os.getpid(), "free"
            try:
                self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
                if os.geteuid() == 0 and os.path.exists(self.owner_of):
                    owner = os.stat(self.owner_of)
                    os.fchown(self._fd, owner.st_uid, owner.st_gid)
            except OSError as error:
                self._off(type(error).__name__)
        return self._fd

    def _wait_for_it(self, fd):
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)  # the GIL is let go while it waits
        except OSError as error:
            with self._mutex:
                self._off(type(error).__name__)
                self._changed.notify_all()
            return
        with self._mutex:
            if self._wanted:
                self._state = "granted"
            else:
                fcntl.flock(fd, fcntl.LOCK_UN)
                self._state = "free"
            self._changed.notify_all()

    def acquire(self, timeout):
        """True when this thread may write: it holds the file lock, or the
        file lock is not in use here. False after `timeout`."""
        with self._mutex:
            fd = self._descriptor()
            if self._state == "off":
                return True
            if self._state == "free":
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    self._state = "granted"
                    return True
                except BlockingIOError:
                    pass
                except OSError as error:
                    self._off(type(error).__name__)
                    return True
                try:
                    threading.Thread(target=self._wait_for_it, args=(fd,), daemon=True).start()
                except RuntimeError:  # no thread to wait with: SQLite's busy handler waits instead
                    return True
                self._state = "waiting"
            self._wanted = True
            self._changed.wait_for(lambda: self._state != "waiting", timeout)
            self._wanted = False
            return self._state in ("granted", "off")

    def release(self):
        with self._mutex:
            if self._state == "granted":
                fcntl.flock(self._fd, fcntl.LOCK_UN)
                self._state = "free"


class WriterTurn:
    """A thread's turn to write: first among this process's writers, then
    among the processes."""

    def __init__(self, name):
        self.queue = WriterQueue()
        self.gate = ProcessGate(f"{name}-writers.lock", owner_of=name)

    def acquire(self, timeout):
        deadline = time.monotonic() + timeout
        if not self.queue.acquire(timeout):
            return False
        try:
            if self.gate.acquire(max(0.0, deadline - time.monotonic())):
                return True
        except BaseException:
            self.queue.release()
            raise
        self.queue.release()
        return False

    def release(self):
        try:
            self.gate.release()
        finally:
            self.queue.release()


_turns = {}
_turns_lock = threading.Lock()


def writer_turn(name):
    with _turns_lock:
        if name not in _turns:
            _turns[name] = WriterTurn(str(name))
        return _turns[name]


class DatabaseWrapper(base.DatabaseWrapper):
    _writer_turn = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # How long a writer waits for its turn: SQLite's own busy timeout.
        self.writer_wait = self.settings_dict["OPTIONS"].get("timeout", 5)

    def _start_transaction_under_autocommit(self):
        if self.is_in_memory_db():
            return super()._start_transaction_under_autocommit()
        turn = writer_turn(self.settings_dict["NAME"])
        if not turn.acquire(timeout=self.writer_wait):
            raise OperationalError("database is locked (waited for this process's other writers)")
        self._writer_turn = turn
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._end_writer_turn()
            raise

    def _end_writer_turn(self):
        turn, self._writer_turn = self._writer_turn, None
        if turn is not None:
            turn.release()

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
