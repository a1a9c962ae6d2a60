"""Rate limits stop floods, not crowds: people behind one address get through,
a flood does not, and every worker (and, with Redis, every host) counts together."""

import fcntl
import os
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.test import Client
from django.utils import timezone

from plumbing.ratelimit import hit
from registrations.models import MediaRegistration, Signature
from tests.factories import make_accreditation, make_event
from tests.html import soup, text
from tests.rawdb import raw_rows

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent.parent
SIGN = "/{lang}/events/new-belarus-against-torture/declaration/sign/"
TOO_MANY = {"en": "Too many attempts", "ru": "Слишком много попыток", "be": "Занадта шмат спроб"}


@pytest.fixture(autouse=True)
def clock_inside_a_window(monkeypatch):
    """Windows are fixed (a minute, ten minutes): a test that crossed into the
    next one would find its counts gone. The limiter's clock here stands in
    the middle of a minute and of ten minutes, 5 minutes at most from now."""
    now = time.time()
    still = now - now % 600 + 330
    monkeypatch.setattr("plumbing.ratelimit.time", SimpleNamespace(time=lambda: still))
    return still


def _signature(n, **values):
    return {
        "name": f"Signatory {n}",
        "country": "BY",
        "email": f"signatory{n}@example.org",
        "visibility": "full",
        "mail_language": "be",
        "consent": "on",
        **values,
    }


def _registration(n, **values):
    return {
        "name": f"Journalist {n}",
        "outlet": "Newsroom",
        "role": "journalist",
        "country": "LT",
        "email": f"journalist{n}@example.org",
        "work_url": "https://example.org/work",
        "languages": ["ru"],
        "mail_language": "ru",
        "consent": "on",
        **values,
    }


def _redis_or_skip():
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        if os.environ.get("REQUIRE_REDIS"):
            pytest.fail("Redis is required here (127.0.0.1:6379)")
        pytest.skip("no Redis on 127.0.0.1:6379")


def test_thirty_people_behind_one_address_all_sign_under_the_defaults(client, demo_event):
    statuses = [client.post(SIGN.format(lang="en"), _signature(n)).status_code for n in range(30)]
    assert statuses == [302] * 30
    assert len(raw_rows("registrations_signature")) == 30


def test_thirty_journalists_behind_one_address_all_register_under_the_defaults(client):
    event = make_event(start=timezone.now() + timedelta(days=7))
    make_accreditation(event)
    url = f"/ru/events/{event.slug}/media/"
    statuses = [client.post(url, _registration(n)).status_code for n in range(30)]
    assert statuses == [302] * 30
    assert MediaRegistration.objects.filter(event=event).count() == 30


def test_flood_of_300_in_a_minute_gets_at_most_60_through(client, demo_event):
    started = time.monotonic()
    responses = [
        (lang, client.post(SIGN.format(lang=lang), _signature(n)))
        for n, lang in zip(range(300), ["en", "ru", "be"] * 100, strict=True)
    ]
    assert time.monotonic() - started < 60
    accepted = [response for _lang, response in responses if response.status_code == 302]
    refused = [(lang, response) for lang, response in responses if response.status_code != 302]
    assert 30 <= len(accepted) <= 60
    assert Signature.objects.count() == len(accepted)
    assert {response.status_code for _lang, response in refused} == {429}
    assert {lang: text(soup(response).h1) for lang, response in refused} == TOO_MANY
    assert {response["Retry-After"] for _lang, response in refused} <= {"60", "600"}


def test_form_errors_do_not_use_up_the_allowance(client, demo_event, settings):
    settings.RATE_LIMIT_SUBMIT = ((2, 60), (3, 600))
    for n in range(10):
        response = client.post(SIGN.format(lang="en"), _signature(n, consent=""))
        assert response.status_code == 200
        assert soup(response).select_one("#id_consent_error") is not None
    taken = [client.post(SIGN.format(lang="en"), _signature(n)).status_code for n in range(10, 13)]
    assert taken == [302, 302, 429]
    assert Signature.objects.count() == 2


def test_refused_page_says_to_go_back_and_when_to_retry(client, demo_event, settings):
    settings.RATE_LIMIT_SUBMIT = ((1, 60), (5, 600))
    assert client.post(SIGN.format(lang="en"), _signature(1)).status_code == 302
    pages = {lang: client.post(SIGN.format(lang=lang), _signature(2)) for lang in ("en", "ru", "be")}
    assert {lang: response.status_code for lang, response in pages.items()} == {"en": 429, "ru": 429, "be": 429}
    assert {response["Retry-After"] for response in pages.values()} == {"60"}
    assert {lang: text(soup(response).select_one(".retry")) for lang, response in pages.items()} == {
        "en": "Nothing you typed is lost: go back with your browser's Back button, where the form still holds it, "
        "wait 1 minute and send it again.",
        "ru": "Ничего из того, что вы ввели, не потеряно: вернитесь кнопкой «Назад» в браузере — "
        "форма сохранила ваши данные, — подождите 1 минуту и отправьте её снова.",
        "be": "Нічога з таго, што вы ўвялі, не страчана: вярніцеся кнопкай «Назад» у браўзеры — "
        "форма захавала вашы даныя, — пачакайце 1 хвіліну і адпраўце яе зноў.",
    }
    assert "no-store" in pages["en"]["Cache-Control"]
    assert Signature.objects.count() == 1


def test_refused_page_counts_minutes_in_each_language(client, demo_event, settings):
    settings.RATE_LIMIT_SUBMIT = ((1, 600),)
    assert client.post(SIGN.format(lang="en"), _signature(1)).status_code == 302
    retry = {
        lang: text(soup(client.post(SIGN.format(lang=lang), _signature(2))).select_one(".retry"))
        for lang in ("en", "ru", "be")
    }
    assert "wait 10 minutes and" in retry["en"]
    assert "подождите 10 минут и" in retry["ru"]
    assert "пачакайце 10 хвілін і" in retry["be"]


def test_another_address_is_not_held_up_by_a_flood(client, demo_event, settings):
    settings.RATE_LIMIT_SUBMIT = ((1, 60),)
    assert client.post(SIGN.format(lang="en"), _signature(1)).status_code == 302
    assert client.post(SIGN.format(lang="en"), _signature(2)).status_code == 429
    other = Client(REMOTE_ADDR="192.0.2.7")
    assert other.post(SIGN.format(lang="en"), _signature(3)).status_code == 302


def test_counter_file_holds_no_address(client, demo_event, settings):
    client.post(SIGN.format(lang="en"), _signature(1), REMOTE_ADDR="198.51.100.23")
    files = list(Path(settings.RATE_LIMIT_DIR).iterdir())
    assert files
    raw = b"".join(path.read_bytes() for path in files)
    assert b"rl:submit:" in raw
    assert b"198.51.100.23" not in raw
    assert "198.51.100.23".encode("utf-16-le") not in raw


def test_old_windows_are_pruned(settings):
    path = Path(settings.RATE_LIMIT_DIR) / "ratelimit.sqlite3"
    assert hit("prune", "192.0.2.1", limit=5, window=60)
    rows = sqlite3.connect(path).execute("SELECT count(*) FROM counter").fetchone()
    assert rows == (1,)
    # An hour later: the first request of a new window deletes the expired one.
    from plumbing.ratelimit import FileStore, store

    current = store()
    assert isinstance(current, FileStore)
    later = time.time() + 3600
    current.add([("rl:prune:other:60:1", later + 60)], later)
    keys = [row[0] for row in sqlite3.connect(path).execute("SELECT key FROM counter")]
    assert keys == ["rl:prune:other:60:1"]


def test_a_writer_waits_for_its_turn_on_the_lock_beside_the_counters(settings):
    """Every process takes the same lock before it writes the counters: while
    another holds it, a request's count waits, and is counted when its turn comes."""
    assert hit("turns", "192.0.2.4", limit=5, window=60)
    path = Path(settings.RATE_LIMIT_DIR) / "ratelimit.sqlite3"
    answers = []
    with open(f"{path}.lock", "a+b") as held:  # another process's open lock file, as far as flock knows
        fcntl.flock(held, fcntl.LOCK_EX)
        waiting = threading.Thread(target=lambda: answers.append(hit("turns", "192.0.2.4", limit=5, window=60)))
        waiting.start()
        waiting.join(timeout=0.5)
        assert (waiting.is_alive(), answers) == (True, [])
        fcntl.flock(held, fcntl.LOCK_UN)
    waiting.join(timeout=30)
    assert answers == [True]
    assert sqlite3.connect(path).execute("SELECT sum(n) FROM counter").fetchone() == (2,)


def _counted(settings, key_part):
    path = Path(settings.RATE_LIMIT_DIR) / "ratelimit.sqlite3"
    rows = sqlite3.connect(path).execute("SELECT n FROM counter WHERE key LIKE ?", (f"rl:{key_part}:%",))
    return sum(n for (n,) in rows)


def test_a_writer_outside_the_site_holding_the_file_delays_each_request_a_bounded_time_then_lets_it_through(
    settings, monkeypatch
):
    """An operator's shell left in a write transaction: requests queue for
    their turn, but none waits longer than the store's bounds; each goes
    through (the store counts as unavailable), and counting resumes after."""
    from plumbing.ratelimit import FileStore

    monkeypatch.setattr(FileStore, "WAIT", 0.3)
    monkeypatch.setattr(FileStore, "SQLITE_WAIT", 0.2)
    assert hit("outside", "192.0.2.6", limit=1, window=60)
    shell = sqlite3.connect(Path(settings.RATE_LIMIT_DIR) / "ratelimit.sqlite3", isolation_level=None)
    shell.execute("BEGIN IMMEDIATE")
    answers = []
    crowd = [
        threading.Thread(target=lambda: answers.append(hit("outside", "192.0.2.6", limit=1, window=60)))
        for _ in range(6)
    ]
    for thread in crowd:
        thread.start()
    for thread in crowd:
        thread.join(timeout=30)
    assert [thread.is_alive() for thread in crowd] == [False] * 6
    assert answers == [True] * 6  # over the limit of 1, but nothing could count them
    shell.execute("ROLLBACK")
    assert not hit("outside", "192.0.2.6", limit=1, window=60)  # counting again: the second in the window
    assert _counted(settings, "outside") == 2  # the first and this one; none of the six


def test_a_store_whose_lock_fails_once_lets_that_request_through_and_the_next_ones_count(settings, monkeypatch):
    from plumbing import ratelimit

    assert hit("lockfail", "192.0.2.7", limit=5, window=60)
    real = ratelimit.fcntl.flock
    failures = []

    def flock_failing_once(lock, operation):
        if operation == ratelimit.fcntl.LOCK_EX and not failures:
            failures.append(operation)
            raise OSError("no lock")
        return real(lock, operation)

    monkeypatch.setattr(ratelimit.fcntl, "flock", flock_failing_once)
    assert hit("lockfail", "192.0.2.7", limit=5, window=60)  # let through, not counted
    assert failures
    assert hit("lockfail", "192.0.2.7", limit=5, window=60)  # the turn was given back
    assert _counted(settings, "lockfail") == 2


def test_a_child_forked_while_a_thread_writes_takes_its_own_turn_and_counts(settings):
    """A process forked while one of its threads held the turn and the lock
    (the child has no such thread): the child opens its own lock, waits for
    the parent's to be released, and its request is counted, not let through."""
    from plumbing.ratelimit import store

    assert hit("fork", "192.0.2.8", limit=5, window=60)
    with store()._writing():
        child = os.fork()
        if child == 0:  # pragma: no cover (the child's exit status is the assertion)
            code = 3
            try:
                code = 0 if hit("fork", "192.0.2.8", limit=5, window=60) else 1
            finally:
                os._exit(code)
    _pid, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert _counted(settings, "fork") == 2


_HITS = """
import django
django.setup()
from plumbing.ratelimit import hit
print(sum(hit("shared", "192.0.2.9", limit={limit}, window={window}) for _ in range({hits})))
"""


# Windows are fixed (counted from the epoch): a run that crossed into the next
# one would count part of its requests there. The processes' run counts in a
# window whose edge is decades away, so however slow the machine, it stays in one.
SHARED_WINDOW = 10**9


def _hits_in_other_processes(*, processes, hits, limit, env):
    """Each process counts `hits` requests in one window; the number each let through."""
    script = _HITS.format(limit=limit, hits=hits, window=SHARED_WINDOW)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "forum_site.settings",
        "EMAIL_URL": os.environ.get("EMAIL_URL", "smtp://127.0.0.1:25"),
        "SITE_URL": "http://testserver",
        **env,
    }
    running = [
        subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)  # noqa: S603
        for _ in range(processes)
    ]
    outputs = [process.communicate(timeout=120)[0] for process in running]
    assert [process.returncode for process in running] == [0] * processes
    return [int(output) for output in outputs]


@pytest.mark.parametrize("store", ["file", "redis"])
def test_counts_are_shared_by_every_process(settings, store, monkeypatch):
    # The other processes count on the real clock; so does this one here.
    monkeypatch.setattr("plumbing.ratelimit.time", time)
    env = {"SECRET_KEY": settings.SECRET_KEY}
    if store == "redis":
        _redis_or_skip()
        import redis

        location = "redis://127.0.0.1:6379/13"
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": location}}
        redis.Redis(db=13).flushdb()
        env["CACHE_URL"] = location
    else:
        env["RATE_LIMIT_DIR"] = str(settings.RATE_LIMIT_DIR)
    try:
        # Two workers, 150 requests each, against one limit of 200.
        let_through = _hits_in_other_processes(processes=2, hits=150, limit=200, env=env)
        assert sum(let_through) == 200
        # This process sees their count too.
        assert hit("shared", "192.0.2.9", limit=200, window=SHARED_WINDOW) is False
        assert hit("shared", "192.0.2.9", limit=302, window=SHARED_WINDOW) is True
        if store == "redis":
            keys = redis.Redis(db=13).keys("*rl:shared:*")
            assert len(keys) == 1
            assert b"192.0.2.9" not in keys[0]
            assert 0 < redis.Redis(db=13).ttl(keys[0]) <= SHARED_WINDOW + 1
    finally:
        if store == "redis":
            redis.Redis(db=13).flushdb()


def test_submissions_are_limited_through_redis(client, demo_event, settings):
    _redis_or_skip()
    import redis

    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:6379/13"}
    }
    settings.RATE_LIMIT_SUBMIT = ((2, 60),)
    redis.Redis(db=13).flushdb()
    try:
        client.post(SIGN.format(lang="en"), _signature(1, consent=""))  # sent back: does not count
        statuses = [client.post(SIGN.format(lang="en"), _signature(n)).status_code for n in range(2, 5)]
        assert statuses == [302, 302, 429]
        assert not list(Path(settings.RATE_LIMIT_DIR).glob("*"))  # nothing counted in the file
        (key,) = redis.Redis(db=13).keys("*rl:submit:*")
        assert int(redis.Redis(db=13).get(key)) == 2
    finally:
        redis.Redis(db=13).flushdb()


def test_confirmations_are_limited_in_the_same_store(client, settings):
    settings.RATE_LIMIT_CONFIRM = ((2, 60),)
    # A confirmation has no form to get wrong: every answer counts, a broken link too.
    statuses = [client.post("/en/declaration/confirm/", {"t": "broken"}).status_code for _ in range(3)]
    assert statuses == [400, 400, 429]
    assert text(soup(client.post("/be/media/withdraw/", {"t": "broken"})).h1) == "Занадта шмат спроб"
    path = Path(settings.RATE_LIMIT_DIR) / "ratelimit.sqlite3"
    counts = sqlite3.connect(path).execute("SELECT n FROM counter WHERE key LIKE 'rl:confirm:%'").fetchall()
    assert counts == [(2,)]


def _limits_in_subprocess(value):
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.RATE_LIMIT_SUBMIT, settings.RATE_LIMIT_CONFIRM)"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("RATE_LIMIT_")}
    env.update({"DJANGO_SETTINGS_MODULE": "forum_site.settings", "DEBUG": "True"})
    if value is not None:
        env["RATE_LIMIT_SUBMIT"] = value
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )


def test_limits_are_read_as_requests_per_seconds_windows():
    assert _limits_in_subprocess(None).stdout.strip() == "((30, 60), (100, 600)) ((30, 60), (100, 600))"
    assert _limits_in_subprocess("1000000/60").stdout.startswith("((1000000, 60),) ")
    # The former `requests,seconds` shape is refused by name, not read as two windows.
    result = _limits_in_subprocess("5,600")
    assert result.returncode != 0
    assert "RATE_LIMIT_SUBMIT is requests/seconds, comma-separated, e.g. 30/60,100/600" in result.stderr


def _in_thread(executor, function, *args, **kwargs):
    return executor.submit(function, *args, **kwargs).result(timeout=30)


@pytest.mark.parametrize("how", ["deleted", "replaced"])
def test_a_counter_file_deleted_under_two_threads_stays_shared_and_the_limit_holds(settings, how):
    """Two worker threads each hold a connection; the file (with its journal)
    is deleted, or replaced by an empty one, while they run. The next request
    of either opens the file now there: both count in it, and the fourth
    request over a limit of 3 is refused whichever thread answers it."""
    from concurrent.futures import ThreadPoolExecutor

    path = Path(settings.RATE_LIMIT_DIR) / "ratelimit.sqlite3"
    one, two = ThreadPoolExecutor(max_workers=1), ThreadPoolExecutor(max_workers=1)
    try:
        address = "192.0.2.77"
        assert _in_thread(one, hit, "moved", address, limit=3, window=60)
        assert _in_thread(two, hit, "moved", address, limit=3, window=60)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        if how == "replaced":
            empty = path.with_name("fresh.sqlite3")
            sqlite3.connect(empty).execute(
                "CREATE TABLE counter (key TEXT PRIMARY KEY, n INTEGER NOT NULL, expires INTEGER NOT NULL) "
                "WITHOUT ROWID"
            ).connection.close()
            os.replace(empty, path)
        answers = [_in_thread(executor, hit, "moved", address, limit=3, window=60) for executor in (one, two, one, two)]
        assert answers == [True, True, True, False]
        assert _in_thread(one, hit, "moved", address, limit=3, window=60) is False
        rows = sqlite3.connect(path).execute("SELECT n FROM counter").fetchall()
        assert rows == [(5,)]
    finally:
        one.shutdown()
        two.shutdown()


def test_a_store_that_cannot_be_opened_lets_people_through_and_is_logged_once_a_minute(
    settings, tmp_path, caplog, monkeypatch, clock_inside_a_window
):
    monkeypatch.setattr("plumbing.ratelimit._unavailable_logged", [float("-inf")])
    blocker = tmp_path / "not-a-directory"
    blocker.write_bytes(b"")
    settings.RATE_LIMIT_DIR = blocker / "ratelimit"
    with caplog.at_level("ERROR", logger="plumbing.ratelimit"):
        assert all(hit("broken", "192.0.2.5", limit=1, window=60) for _ in range(5))
        assert len(caplog.records) == 1
        assert "RATE_LIMIT_DIR" in caplog.records[0].getMessage()
        later = clock_inside_a_window + 61
        monkeypatch.setattr("plumbing.ratelimit.time", SimpleNamespace(time=lambda: later))
        assert hit("broken", "192.0.2.5", limit=1, window=60)
        assert len(caplog.records) == 2
    assert "192.0.2.5" not in caplog.text


def test_the_system_check_says_where_the_counter_file_must_live(settings, tmp_path):
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    settings.RATE_LIMIT_STORE = "file"
    settings.RATE_LIMIT_DIR = tmp_path / "fresh" / "var"  # created on first use
    call_command("check")
    blocker = tmp_path / "not-a-directory"
    blocker.write_bytes(b"")
    settings.RATE_LIMIT_DIR = blocker / "var"
    with pytest.raises(SystemCheckError, match=r"plumbing\.E001.*RATE_LIMIT_DIR \(.*not-a-directory/var\)"):
        call_command("check")
    # The lock its writers take turns on cannot be opened (a directory in its place): no count would be kept.
    settings.RATE_LIMIT_DIR = tmp_path / "locked"
    (settings.RATE_LIMIT_DIR / "ratelimit.sqlite3.lock").mkdir(parents=True)
    with pytest.raises(SystemCheckError, match=r"plumbing\.E001.*RATE_LIMIT_DIR \(.*locked\)"):
        call_command("check")
