"""The site on two hosts, sharing nothing but PostgreSQL and Redis (README,
"More than one host"): two real gunicorn processes in directories of their
own, on ports of their own, no nginx (tests/twohosts.py). What a person or a
flood sees holds across both: rate limits and the staff lockout count once,
an edit on one shows on the other within the page cache's bound, mail is
claimed with a lease (two senders send each mail once; a sender killed after
the mail server took a mail resends it with the same Message-ID).

PostgreSQL (127.0.0.1:5432) and Redis (127.0.0.1:6379) are needed: skipped
without them, failed with REQUIRE_REDIS set (CI). The database is the tests'
own (tests.twohosts.database_url), on both legs of CI."""

import asyncio
import email
import os
import re
import signal
import threading
import time
from email import policy
from urllib.parse import urlsplit

import pytest

from tests.mailserver import free_port
from tests.twohosts import (
    EVENT_PAGE,
    SIGN,
    SLUG,
    STAFF,
    TwoHosts,
    Visitor,
    database_url,
    drop_database,
    flush_redis,
    reachable,
    signature,
)

pytestmark = pytest.mark.slow

# Per client address: six signatures a day (one window: no boundary inside the test).
LIMIT = 6
LOCKOUT_LIMIT = 4
# How long a change may take to show on the other host: PAGE_CACHE_VERSION_SECONDS
# (1 s) and a render, with room for a slow machine. Polled; no timing is asserted.
VISIBLE_WITHIN = 30


class _Inbox:
    """aiosmtpd's handler: keeps every message; `hold()` makes it keep the next
    one and then not answer until `release`, as a server that took a mail while
    its sender died."""

    def __init__(self):
        self.messages = []
        self.holding = False
        self.took = threading.Event()
        self.release = threading.Event()

    def hold(self):
        self.took.clear()
        self.release.clear()
        self.holding = True

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        if self.holding:
            self.holding = False
            self.took.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
        return "250 Message accepted for delivery"

    def ids(self, address=None):
        return [str(m["Message-ID"]) for m in self.messages if address is None or address in str(m["To"])]


def _require_services():
    missing = [name for name, port in (("PostgreSQL", 5432), ("Redis", 6379)) if not reachable("127.0.0.1", port)]
    if urlsplit(database_url()).hostname not in ("127.0.0.1", "localhost"):
        missing = [m for m in missing if m != "PostgreSQL"]
    if missing:
        if os.environ.get("REQUIRE_REDIS"):
            pytest.fail(f"{' and '.join(missing)} required here (127.0.0.1)")
        pytest.skip(f"no {' and '.join(missing)} on 127.0.0.1")


@pytest.fixture(scope="module")
def inbox():
    from aiosmtpd.controller import Controller

    handler = _Inbox()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    handler.port = port
    yield handler
    handler.release.set()
    controller.stop()


@pytest.fixture(scope="module")
def hosts(tmp_path_factory, inbox):
    _require_services()
    site = TwoHosts(
        tmp_path_factory.mktemp("two-hosts"),
        smtp_port=inbox.port,
        RATE_LIMIT_SUBMIT=f"{LIMIT}/86400",
        AXES_FAILURE_LIMIT=str(LOCKOUT_LIMIT),
        AXES_ACCOUNT_FREE_FAILURES="100",
        MAIL_RETRY_DELAYS="3600",
    )
    site.prepare()
    try:
        site.start()
        yield site
    finally:
        site.stop()
        drop_database(site.database)
        drop_database(site.database + "_keys")
        flush_redis(site.cache)


def _sql(site, query, params=()):
    import psycopg

    with psycopg.connect(site.database, autocommit=True) as connection:
        cursor = connection.execute(query, params)
        return cursor.fetchall() if cursor.description else None


def test_rate_limits_count_once_across_both_hosts(hosts):
    visitor = Visitor("127.0.0.2")
    visitor.get(hosts.a.url + SIGN)
    statuses = []
    for n in range(LIMIT + 4):
        host = (hosts.a, hosts.b)[n % 2]
        statuses.append(visitor.post(host.url + SIGN, signature(n, "limit"))[0])
    # As on one host: the seventh is refused, on whichever host it lands.
    assert statuses == [302] * LIMIT + [429] * 4
    assert hosts.b.manage("store_submissions").stdout.strip() == f"{LIMIT} submissions stored"
    digests = hosts.a.digests(f"two-hosts-limit-{n}@example.org" for n in range(LIMIT + 4))
    stored = _sql(hosts, "SELECT count(*) FROM registrations_signature WHERE email_digest = ANY(%s)", (digests,))
    assert stored == [(LIMIT,)]


def test_the_staff_lockout_counts_once_across_both_hosts(hosts):
    visitor = Visitor("127.0.0.3")
    visitor.get(hosts.a.url + "/admin/login/")
    answers = []
    for n in range(LOCKOUT_LIMIT + 1):
        host = (hosts.a, hosts.b)[n % 2]
        form = {"username": STAFF[0], "password": "not the password", "code": "000000", "next": "/admin/"}
        answers.append(visitor.post(host.url + "/admin/login/", form))
    # The fourth failure locks the user at this address, counted over both hosts.
    assert [status for status, _page in answers] == [200] * (LOCKOUT_LIMIT - 1) + [429, 429]
    assert "Too many failed logins" in answers[-1][1]
    # The other host refuses the right password too, from there.
    other = Visitor("127.0.0.3")
    other.get(hosts.b.url + "/admin/login/")
    status, _page = other.post(
        hosts.b.url + "/admin/login/",
        {"username": STAFF[0], "password": STAFF[1], "code": "000000", "next": "/admin/"},
    )
    assert status == 429


def _title(page):
    return re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S).group(1).strip()


def test_an_edit_on_one_host_shows_on_the_other_within_the_page_cache_bound(hosts):
    reader = Visitor("127.0.0.4")
    assert "Two hosts, first title" in _title(reader.get(hosts.b.url + EVENT_PAGE))
    assert "Two hosts, first title" in _title(reader.get(hosts.b.url + EVENT_PAGE))  # kept in b's page cache
    # Staff save the forum on host a (the admin's save: a model save, in a process of host a).
    hosts.a.retitle(SLUG, "Two hosts, second title")
    deadline = time.monotonic() + VISIBLE_WITHIN
    seen = _title(reader.get(hosts.b.url + EVENT_PAGE))
    while "second title" not in seen and time.monotonic() < deadline:
        time.sleep(0.2)
        seen = _title(reader.get(hosts.b.url + EVENT_PAGE))
    assert "Two hosts, second title" in seen
    assert "Two hosts, second title" in _title(reader.get(hosts.a.url + EVENT_PAGE))


def _queue_mail(site, count, run, first_address=10):
    """`count` signatures, six per client address, spread over both hosts: a
    confirmation mail each in the outbox."""
    for start in range(0, count, LIMIT):
        visitor = Visitor(f"127.0.0.{first_address + start // LIMIT}")
        visitor.get(site.a.url + SIGN)
        for n in range(start, min(start + LIMIT, count)):
            host = (site.a, site.b)[n % 2]
            assert visitor.post(host.url + SIGN, signature(n, run))[0] == 302


def _due(site):
    return _sql(site, "SELECT count(*) FROM registrations_outgoingmail WHERE status IN ('queued', 'retrying')")[0][0]


def _pending(site):
    return _sql(site, "SELECT count(*) FROM registrations_pendingsubmission")[0][0]


def test_two_senders_on_two_hosts_store_each_submission_and_send_each_mail_once(hosts, inbox):
    _queue_mail(hosts, 30, "mail")
    # Waiting for the worker (services.intake); both senders store them, then send.
    due = _due(hosts) + _pending(hosts)
    assert due >= 30
    before = len(inbox.messages)
    senders = [host.popen_manage("send_queued_mail") for host in (hosts.a, hosts.b)]
    for sender in senders:
        assert sender.wait(timeout=300) == 0
    sent = inbox.ids()[before:]
    assert len(sent) == due  # every submission stored once and its mail sent once: none twice, none lost
    assert len(set(sent)) == due
    assert _due(hosts) == 0
    assert _pending(hosts) == 0
    assert _sql(hosts, "SELECT count(*) FROM registrations_outgoingmail WHERE status = 'sending'") == [(0,)]


def test_a_sender_killed_after_the_server_took_a_mail_resends_it_with_the_same_message_id(hosts, inbox):
    assert _due(hosts) == 0
    _queue_mail(hosts, 1, "killed", first_address=30)
    address = "two-hosts-killed-0@example.org"
    inbox.hold()
    sender = hosts.b.popen_manage("send_queued_mail")
    try:
        assert inbox.took.wait(timeout=120)  # the server has the whole mail; its 250 is not sent yet
        sender.send_signal(signal.SIGKILL)
        sender.wait(timeout=30)
    finally:
        inbox.release.set()
    ((mail_id, status),) = _sql(
        hosts,
        "SELECT m.id, m.status FROM registrations_outgoingmail m "
        "JOIN registrations_signature s ON m.signature_id = s.id WHERE s.email_digest = %s",
        tuple(hosts.a.digests([address])),
    )
    assert status == "sending"  # claimed with a lease; no other sender takes it meanwhile
    hosts.a.manage("send_queued_mail")
    assert len(inbox.ids(address)) == 1
    # The lease runs out (ten minutes later): host a's sender sends it again.
    _sql(hosts, "UPDATE registrations_outgoingmail SET next_attempt_at = now() WHERE id = %s", (mail_id,))
    assert hosts.a.manage("send_queued_mail").stdout.strip() == "0 submissions stored, 1 mail sent"
    first, again = inbox.ids(address)
    assert first == again  # the same Message-ID: the recipient's client shows it once
    assert _sql(hosts, "SELECT status FROM registrations_outgoingmail WHERE id = %s", (mail_id,)) == [("sent",)]
