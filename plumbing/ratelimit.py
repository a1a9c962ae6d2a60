"""Limits per client address that stop floods, not crowds.

A limit is one or more (requests, seconds) pairs, each counted in a fixed
window: `30/60,100/600` takes 30 a minute and 100 in ten minutes, so thirty
people behind one address (a newsroom, a carrier's NAT, a Tor exit) all get
through, while a flood gets at most twice the per-minute number in any minute
(two windows can meet inside it).

A request holds its place in every window while the view runs and gives it
back when it was not taken (a form sent back with errors), so only accepted
submissions use up the allowance, and requests running at the same time
cannot overshoot it.

Every onion reader comes from one /64 (plumbing.net): each Tor circuit is
counted as its own client, and all circuits together also share an onion
allowance (RATE_LIMIT_ONION_SUBMIT, RATE_LIMIT_ONION_CONFIRM), large enough for
a crowd, small enough to bound a flood from fresh circuits. A confirmation whose
link is invalid (400) costs its sender only, never that shared allowance.

The counts live in a small SQLite file that every worker process of the
machine shares (atomic upserts, WAL, no fsync per request, writers taking
turns on one lock), or, when the
default cache is Redis or Memcached (CACHE_URL), in that cache, shared by
every host. Keys are a keyed hash of the address, never the address.
"""

import contextlib
import fcntl
import functools
import hashlib
import logging
import os
import sqlite3
import threading
import time
import weakref
from pathlib import Path
from time import sleep as _pause  # the module's `time` is a clock tests replace

from django.conf import settings
from django.core import checks
from django.core.cache import cache
from django.shortcuts import render

from plumbing.net import client_address, is_onion

logger = logging.getLogger(__name__)

try:  # Redis's own errors (a server down, a connection reset), when Redis is installed
    from redis.exceptions import RedisError
except ImportError:  # pragma: no cover
    RedisError = OSError
# What a store that cannot be reached raises: the file's, the file system's, Redis's.
STORE_ERRORS = (sqlite3.Error, OSError, RedisError)

# Cache backends that every process (and host) shares; any other default
# cache (local memory) counts per process, so the file store is used instead.
SHARED_CACHES = ("redis", "memcached")


def windows(value):
    """The (requests, seconds) pairs of a limit setting: one pair or several."""
    if value and isinstance(value[0], int):
        return [tuple(value)]
    return [tuple(pair) for pair in value]


def _key(scope, address, window, now):
    digest = hashlib.blake2b(f"{scope}|{address}".encode(), key=settings.SECRET_KEY.encode()[:64], digest_size=16)
    return f"rl:{scope}:{digest.hexdigest()}:{window}:{int(now // window)}"


# --- Stores: add one to several counters at once, take one back ---------------------


class FileStore:
    """Counters in one SQLite file, shared by every process that opens it.
    One statement adds to all of a request's windows and returns the counts;
    expired windows are deleted at most once a minute per process.

    Writers take turns: one connection per process, used by one thread at a
    time, and an exclusive lock on a file beside the counters (flock) across
    processes, so a writer waits in a queue and is woken when its turn comes.
    Left to SQLite, every thread would hold its own connection and a writer
    that found the file busy would sleep and try again (1, 2, 5 … 100 ms),
    which under a crowd made some answers wait for a second.

    A request waits at most WAIT seconds for its process's turn, and SQLite
    at most SQLITE_WAIT for a writer outside the site (an operator's shell):
    past that, the store counts as unavailable and the request goes through."""

    PRUNE_EVERY = 60
    WAIT = 2.0
    SQLITE_WAIT = 1.0

    def __init__(self, directory):
        self.path, self.lock_path = self.files(directory)
        self._turn = threading.Lock()
        self._pruned = 0.0
        self._opened = None  # (pid, the two files' identities, connection, lock file)
        _opened_stores.add(self)

    @staticmethod
    def files(directory):
        """The counters' file in `directory`, and the lock their writers take turns on."""
        path = Path(directory) / "ratelimit.sqlite3"
        return path, Path(f"{path}.lock")

    def _forget(self):
        """In a forked child: take turns afresh, and hold nothing the parent's
        threads held. The inherited connection is kept, never used or closed
        (SQLite's advice across a fork); the child's copy of the lock file is
        closed, so it never keeps a lock alive after its parent is gone."""
        if self._opened is not None:
            connection, lock = self._opened[2:]
            _inherited.append(connection)
            lock.close()
        self._turn, self._opened = threading.Lock(), None

    def _where(self):
        return _inode(self.path), _inode(self.lock_path)

    def _open(self):
        """This process's connection to the file now at `path`, and its lock
        file. A file deleted or replaced while the site runs (another inode
        there, or none; the lock file's too) is opened again, so every process
        counts in the same file, and queues on the same lock, instead of some
        in an unlinked one (whose writes SQLite refuses). Whoever opens it
        holds the lock meanwhile: of two processes finding it gone, one makes
        it, and neither removes the other's journal."""
        if self._opened is not None:
            pid, where, connection, lock = self._opened
            if pid == os.getpid() and where == self._where():
                return connection, lock
            self._close()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        lock = open(self.lock_path, "a+b")  # noqa: SIM115 (kept open with the connection)
        try:
            with _flocked(lock):
                if not self.path.exists():
                    # A journal left beside a deleted file belongs to that file, not to a new one.
                    for suffix in ("-wal", "-shm"):
                        Path(f"{self.path}{suffix}").unlink(missing_ok=True)
                connection = sqlite3.connect(
                    self.path, timeout=self.SQLITE_WAIT, isolation_level=None, check_same_thread=False
                )
                try:
                    _wal_on(connection)
                    # Counts may be lost with the machine, never corrupted; no fsync per request.
                    connection.execute("PRAGMA synchronous=NORMAL")
                    connection.execute(
                        "CREATE TABLE IF NOT EXISTS counter "
                        "(key TEXT PRIMARY KEY, n INTEGER NOT NULL, expires INTEGER NOT NULL) WITHOUT ROWID"
                    )
                except BaseException:
                    connection.close()
                    raise
                where = self._where()
        except BaseException:
            lock.close()
            raise
        self._opened = (os.getpid(), where, connection, lock)
        return connection, lock

    def _close(self):
        connection, lock = self._opened[2:]
        self._opened = None
        with contextlib.suppress(sqlite3.Error):
            connection.close()
        lock.close()

    @contextlib.contextmanager
    def _writing(self):
        """The connection, for this thread alone and this process alone."""
        if not self._turn.acquire(timeout=self.WAIT):
            raise TimeoutError(f"no turn to write the rate limit counters within {self.WAIT} s")
        try:
            connection, lock = self._open()
            with _flocked(lock):
                yield connection
        finally:
            self._turn.release()

    def add(self, keys, now):
        with self._writing() as connection:
            if now - self._pruned > self.PRUNE_EVERY:
                self._pruned = now
                connection.execute("DELETE FROM counter WHERE expires < ?", (int(now),))
            values = ", ".join(["(?, 1, ?)"] * len(keys))
            rows = connection.execute(
                f"INSERT INTO counter (key, n, expires) VALUES {values} "  # noqa: S608 (placeholders only)
                "ON CONFLICT (key) DO UPDATE SET n = n + 1 RETURNING key, n",
                [value for key, expires in keys for value in (key, int(expires))],
            ).fetchall()
        counts = dict(rows)
        return [counts[key] for key, _expires in keys]

    def subtract(self, keys):
        with self._writing() as connection:
            connection.execute(
                f"UPDATE counter SET n = n - 1 WHERE key IN ({', '.join(['?'] * len(keys))})",  # noqa: S608
                [key for key, _expires in keys],
            )

    def clear(self):
        with self._writing() as connection:
            connection.execute("DELETE FROM counter")


# A forked child opens the file again and takes turns afresh (FileStore._forget).
_opened_stores = weakref.WeakSet()
_inherited = []


def _after_fork_in_child():
    global _file_stores_lock  # a lock a parent's thread may have held
    _file_stores_lock = threading.Lock()
    for opened in list(_opened_stores):
        opened._forget()


os.register_at_fork(after_in_child=_after_fork_in_child)


@contextlib.contextmanager
def _flocked(lock):
    fcntl.flock(lock, fcntl.LOCK_EX)
    try:
        yield
    finally:
        fcntl.flock(lock, fcntl.LOCK_UN)


def _wal_on(connection, tries=100):
    """Switch a new file to WAL. Two processes creating the file at the same
    moment may find the switch refused at once ("database is locked": SQLite
    does not wait on that lock), and a store that answers nothing lets every
    request through: try again for a moment, then give up as before."""
    for attempt in range(tries):
        try:
            connection.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError:
            if attempt == tries - 1:
                raise
            _pause(0.01)


def _inode(path):
    try:
        found = os.stat(path)
    except FileNotFoundError:
        return None
    return (found.st_dev, found.st_ino)


class CacheStore:
    """Counters in Django's default cache (Redis INCR is atomic)."""

    def add(self, keys, now):
        counts = []
        for key, expires in keys:
            timeout = int(expires - now) + 1
            if cache.add(key, 1, timeout=timeout):
                counts.append(1)
                continue
            try:
                count = cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.add(key, 1, timeout=timeout)
                count = 1
            if count == 1:  # Redis created it again without an expiry
                cache.touch(key, timeout)
            counts.append(count)
        return counts

    def subtract(self, keys):
        for key, _expires in keys:
            with contextlib.suppress(ValueError):  # expired meanwhile: nothing to give back
                cache.decr(key)

    def clear(self):
        cache.clear()


_file_stores = {}
_file_stores_lock = threading.Lock()


def _kind():
    return settings.RATE_LIMIT_STORE or (
        "cache" if any(name in settings.CACHES["default"]["BACKEND"].lower() for name in SHARED_CACHES) else "file"
    )


def store():
    """The store settings choose: RATE_LIMIT_STORE `file` or `cache`; empty
    means the cache when it is shared (Redis, Memcached), else the file."""
    if _kind() == "cache":
        return CacheStore()
    directory = str(settings.RATE_LIMIT_DIR)
    with _file_stores_lock:
        if directory not in _file_stores:
            _file_stores[directory] = FileStore(directory)
        return _file_stores[directory]


# A store that cannot be opened is logged at most once a minute per process:
# a flood must not turn into a flood of log lines.
LOG_UNAVAILABLE_EVERY = 60
_unavailable_logged = [float("-inf")]


def _unavailable():
    now = time.time()
    with _file_stores_lock:
        if now - _unavailable_logged[0] < LOG_UNAVAILABLE_EVERY:
            return
        _unavailable_logged[0] = now
    if _kind() == "cache":
        logger.exception("rate limit store unavailable (the cache of CACHE_URL)")
        return
    logger.exception(
        "rate limit store unavailable or busy (RATE_LIMIT_DIR %s must be a directory the site may write)",
        settings.RATE_LIMIT_DIR,
    )


def _add(keys, now):
    """The counts after adding one to each key, or None when the store cannot
    be written (then nobody is refused: a person is never turned away because
    a counter file is missing; the log says so, without the address)."""
    try:
        return store().add(keys, now)
    except STORE_ERRORS:
        _unavailable()
        return None


def _subtract(keys):
    try:
        store().subtract(keys)
    except STORE_ERRORS:
        _unavailable()


def hit(scope, address, *, limit, window):
    """Count one request; True while the address is within its limit."""
    now = time.time()
    key = _key(scope, address, window, now)
    counts = _add([(key, (now // window + 1) * window)], now)
    return counts is None or counts[0] <= limit


@checks.register(checks.Tags.security)
def check_rate_limit_dir(app_configs=None, **kwargs):
    """With the file store, RATE_LIMIT_DIR must be a directory the site may
    write (or one it may create): otherwise no limit holds."""
    if _kind() != "file":
        return []
    directory = Path(settings.RATE_LIMIT_DIR)
    existing = next((path for path in (directory, *directory.parents) if path.exists()), None)
    writable = (
        existing is not None
        and existing.is_dir()
        and os.access(existing, os.W_OK | os.X_OK)
        and all(
            not file.exists() or (file.is_file() and os.access(file, os.R_OK | os.W_OK))
            for file in FileStore.files(directory)
        )
    )
    if writable:
        return []
    return [
        checks.Error(
            f"RATE_LIMIT_DIR ({directory}) is not a directory this account can write: rate limits would not hold.",
            hint="Point RATE_LIMIT_DIR at a directory the site's account owns and may write (the units "
            "allow only /srv/forum-site/var, the default), or count in Redis (CACHE_URL).",
            id="plumbing.E001",
        )
    ]


# --- The decorator ------------------------------------------------------------------


def _taken(response):
    """A submission is taken when the view sends the person on (a redirect to
    "check your mail"); a form sent back with its errors uses up nothing."""
    return 300 <= response.status_code < 400


def _answered(response):
    """A confirmation or withdrawal has no form to get wrong: every answer counts."""
    return True


def _valid_link(response):
    """An invalid link (400) is the sender's own doing: it never uses up what
    every onion reader shares."""
    return response.status_code != 400


# Which answers use up a scope's allowance (a scope not named here: every answer).
COUNTED = {"submit": _taken}
# Which answers use up the allowance shared by every onion client, beyond COUNTED.
SHARED_COUNTED = {"confirm": _valid_link}


def onion_setting(setting):
    """The shared onion allowance beside a per-client setting: RATE_LIMIT_SUBMIT
    has RATE_LIMIT_ONION_SUBMIT."""
    return setting.replace("RATE_LIMIT_", "RATE_LIMIT_ONION_", 1)


def limit_posts(scope, setting):
    """Refuse POSTs beyond the limits in `setting` with a translated 429 page.

    Each window's count is raised before the view runs and lowered again when
    the request was refused or its answer does not count (COUNTED)."""
    counts = COUNTED.get(scope, _answered)
    shared_counts = SHARED_COUNTED.get(scope, _answered)

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method != "POST":
                return view(request, *args, **kwargs)
            now = time.time()
            address = client_address(request)
            limits = [
                (limit, window, _key(scope, address, window, now))
                for limit, window in windows(getattr(settings, setting))
            ]
            own = len(limits)
            if is_onion(address):
                limits += [
                    (limit, window, _key(f"onion:{scope}", "onion", window, now))
                    for limit, window in windows(getattr(settings, onion_setting(setting)))
                ]
            keys = [(key, (now // window + 1) * window) for _limit, window, key in limits]
            reached = _add(keys, now)
            if reached is None:
                return view(request, *args, **kwargs)
            over = [window for (limit, window, _key_), count in zip(limits, reached, strict=True) if count > limit]
            if over:
                _subtract(keys)
                return _refused(request, max(over))
            try:
                response = view(request, *args, **kwargs)
            except BaseException:
                _subtract(keys)
                raise
            if not counts(response):
                _subtract(keys)
            elif own < len(keys) and not shared_counts(response):
                _subtract(keys[own:])
            return response

        return wrapped

    return decorator


def _refused(request, seconds):
    """The 429 page: nothing was saved; go back (the form keeps what was typed)
    and send it again after `seconds`, which Retry-After repeats."""
    minutes = max(1, -(-seconds // 60))
    response = render(request, "429.html", {"retry_minutes": minutes}, status=429)
    response["Retry-After"] = str(seconds)
    return response
