"""SQLite's writers in one process take turns in the order they came, and a
writer that waits too long is told so, writing nothing."""

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.db import OperationalError, connection, connections, transaction

from events.models import Organisation

ROOT = Path(__file__).resolve().parent.parent

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's write lock"),
]


def _in_thread(work):
    def run(*args):
        try:
            return work(*args)
        finally:
            connections.close_all()

    return run


def _holding_a_transaction(release, holding):
    with transaction.atomic():
        Organisation.objects.create(name="first")
        holding.set()
        release.wait(10)


def test_waiting_writers_take_their_turns_in_the_order_they_came():
    release, holding = threading.Event(), threading.Event()
    holder = threading.Thread(target=_in_thread(_holding_a_transaction), args=(release, holding))
    holder.start()
    assert holding.wait(10)

    def write(name):
        with transaction.atomic():
            Organisation.objects.create(name=name)

    waiters = []
    for name in ["second", "third", "fourth", "fifth"]:
        waiters.append(threading.Thread(target=_in_thread(write), args=(name,)))
        waiters[-1].start()
        time.sleep(0.1)  # each is waiting before the next comes
    release.set()
    for thread in [holder, *waiters]:
        thread.join(20)
    names = list(Organisation.objects.filter(name__in=["first", "second", "third", "fourth", "fifth"]).order_by("pk"))
    assert [o.name for o in names] == ["first", "second", "third", "fourth", "fifth"]


def test_a_writer_that_waits_past_the_timeout_is_refused_and_writes_nothing():
    release, holding = threading.Event(), threading.Event()
    holder = threading.Thread(target=_in_thread(_holding_a_transaction), args=(release, holding))
    holder.start()
    assert holding.wait(10)
    outcome = {}

    def write():
        connection.writer_wait = 0.5  # this thread's connection only
        started = time.perf_counter()
        try:
            with transaction.atomic():
                Organisation.objects.create(name="too late")
        except OperationalError as error:
            outcome["error"] = str(error)
        outcome["waited"] = time.perf_counter() - started

    waiter = threading.Thread(target=_in_thread(write))
    waiter.start()
    waiter.join(20)
    release.set()
    holder.join(20)
    assert outcome["error"].startswith("database is locked")
    assert 0.4 < outcome["waited"] < 5
    assert not Organisation.objects.filter(name="too late").exists()
    # The turn went on: the next writer writes at once.
    with transaction.atomic():
        Organisation.objects.create(name="after")
    assert Organisation.objects.filter(name__in=["first", "after"]).count() == 2


def test_a_rolled_back_transaction_ends_its_turn():
    def fail():
        with transaction.atomic():
            Organisation.objects.create(name="rolled back")
            raise ValueError("a form's error, say")

    with pytest.raises(ValueError, match="a form's error"):
        fail()

    done = threading.Event()

    def write():
        with transaction.atomic():
            Organisation.objects.create(name="next")
        done.set()

    thread = threading.Thread(target=_in_thread(write))
    thread.start()
    thread.join(10)
    assert done.is_set()
    assert list(Organisation.objects.values_list("name", flat=True).filter(name__in=["rolled back", "next"])) == [
        "next"
    ]


_HOLD = """
import sys, time
import django
django.setup()
from django.db import transaction
from events.models import Organisation
with transaction.atomic():
    Organisation.objects.create(name="other process")
    print("holding", flush=True)
    time.sleep(float(sys.argv[1]))
"""


def _holding(script, *args, env=None):
    """Another process running `script`, once it says it holds its lock."""
    process = subprocess.Popen(  # noqa: S603
        [sys.executable, "-c", script, *map(str, args)], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True
    )
    assert process.stdout.readline().strip() == "holding"
    return process


def _other_process_holding(seconds):
    """A second process (as a second gunicorn worker is) in a write
    transaction for `seconds`; returns once it holds it."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "forum_site.settings",
        "DATABASE_URL": f"sqlite:///{connection.settings_dict['NAME']}",
    }
    return _holding(_HOLD, seconds, env=env)


@pytest.fixture
def wait_setting():
    before = connection.writer_wait
    yield
    connection.writer_wait = before


def test_a_writer_waits_for_another_process_and_writes_when_it_is_done(wait_setting):
    connection.writer_wait = 10
    other = _other_process_holding(1.5)
    started = time.perf_counter()
    with transaction.atomic():
        Organisation.objects.create(name="this process")
    waited = time.perf_counter() - started
    other.communicate(timeout=10)
    assert other.returncode == 0
    assert 0.8 < waited < 8
    names = list(Organisation.objects.filter(name__endswith="process").order_by("pk").values_list("name", flat=True))
    assert names == ["other process", "this process"]


def test_waiting_for_another_process_is_bounded_too_and_the_lock_is_not_kept(wait_setting):
    connection.writer_wait = 0.5
    other = _other_process_holding(2)
    started = time.perf_counter()
    with pytest.raises(OperationalError, match="database is locked"), transaction.atomic():
        Organisation.objects.create(name="too late")
    assert 0.4 < time.perf_counter() - started < 1.9
    other.communicate(timeout=10)
    assert other.returncode == 0
    # The file lock, got after the waiter gave up, was let go: the next writer writes at once.
    started = time.perf_counter()
    with transaction.atomic():
        Organisation.objects.create(name="next")
    assert time.perf_counter() - started < 0.5
    assert not Organisation.objects.filter(name="too late").exists()


_FLOCK = """
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT)
fcntl.flock(fd, fcntl.LOCK_EX)
print("holding", flush=True)
time.sleep(float(sys.argv[2]))
"""


def test_without_a_helper_thread_writers_go_on_and_the_lock_works_again_after(tmp_path, monkeypatch):
    from plumbing.sqlite.base import ProcessGate

    path = tmp_path / "db.sqlite3-writers.lock"
    gate = ProcessGate(str(path), owner_of=str(tmp_path / "db.sqlite3"))
    other = _holding(_FLOCK, path, 1)

    def cannot_start(self):
        raise RuntimeError("can't start new thread")

    with monkeypatch.context() as patched:
        patched.setattr(threading.Thread, "start", cannot_start)
        # No helper to wait with: this writer goes on (SQLite's own busy handler waits for it).
        assert gate.acquire(0.5) is True
        gate.release()
    other.communicate(timeout=10)
    # Nothing was left waiting: the next writer takes the file lock at once, and holds it.
    started = time.perf_counter()
    assert gate.acquire(0.5) is True
    assert time.perf_counter() - started < 0.4
    probe = subprocess.run(  # noqa: S603
        [
            sys.executable,
            "-c",
            "import fcntl, os, sys; fcntl.flock(os.open(sys.argv[1], os.O_RDWR), fcntl.LOCK_EX | fcntl.LOCK_NB)",
            str(path),
        ],
        capture_output=True,
        text=True,
    )
    assert "BlockingIOError" in probe.stderr
    gate.release()


def test_without_the_lock_file_writers_go_on(tmp_path, caplog):
    from plumbing.sqlite.base import ProcessGate

    gate = ProcessGate(str(tmp_path / "missing" / "db.sqlite3-writers.lock"), owner_of=str(tmp_path / "db.sqlite3"))
    assert gate.acquire(0.5) is True
    gate.release()
    assert gate.acquire(0.5) is True
    assert "lock file not used (FileNotFoundError)" in caplog.text
