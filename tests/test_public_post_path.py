"""What a public form's POST was made cheaper by (issue 23) still does what
it did: the Content-Security-Policy built once per process is the one
django-csp builds, follows a change of the setting and leaves a view's own
policy to django-csp; the outbox row written as one prepared INSERT holds
what save() would have stored."""

import csp.utils
import pytest
from csp.decorators import csp_exempt, csp_update
from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from events.models import Event
from plumbing import rows
from plumbing.middleware import CSPMiddleware
from registrations.models import OutgoingMail, Signature
from tests.factories import make_declaration, make_event, make_signature

pytestmark = pytest.mark.django_db


def _answer(view=None, path="/en/"):
    def plain(request):
        return HttpResponse("page")

    middleware = CSPMiddleware(view or plain)
    request = RequestFactory().get(path)
    middleware.process_request(request)
    return middleware.process_response(request, (view or plain)(request))


def test_every_answer_carries_the_policy_django_csp_builds(client):
    first, second = _answer(), _answer()
    assert first["Content-Security-Policy"] == csp.utils.build_policy()
    assert second["Content-Security-Policy"] == first["Content-Security-Policy"]
    assert "script-src 'self'" in first["Content-Security-Policy"]
    # Through the whole stack.
    assert client.get("/en/")["Content-Security-Policy"] == first["Content-Security-Policy"]


def test_a_changed_setting_changes_the_header():
    before = _answer()["Content-Security-Policy"]
    with override_settings(CONTENT_SECURITY_POLICY={"DIRECTIVES": {"default-src": ["'none'"]}}):
        assert _answer()["Content-Security-Policy"] == "default-src 'none'"
    excluded = {"EXCLUDE_URL_PREFIXES": ["/en/"], "DIRECTIVES": {"default-src": ["'none'"]}}
    with override_settings(CONTENT_SECURITY_POLICY=excluded):
        assert "Content-Security-Policy" not in _answer(path="/en/")
        assert _answer(path="/ru/")["Content-Security-Policy"] == "default-src 'none'"
    assert _answer()["Content-Security-Policy"] == before


def test_a_views_own_policy_and_exemption_are_django_csps():
    @csp_update({"img-src": ["https://tiles.example.org"]})
    def with_map(request):
        return HttpResponse("map")

    @csp_exempt()
    def exempt(request):
        return HttpResponse("no policy")

    own = _answer(with_map)["Content-Security-Policy"]
    assert "https://tiles.example.org" in own
    assert "https://tiles.example.org" not in _answer()["Content-Security-Policy"]
    assert "Content-Security-Policy" not in _answer(exempt)


def test_a_header_already_set_is_kept():
    def own_header(request):
        response = HttpResponse("x")
        response["Content-Security-Policy"] = "default-src 'none'"
        return response

    assert _answer(own_header)["Content-Security-Policy"] == "default-src 'none'"


def _stored(mail):
    table = connection.ops.quote_name(OutgoingMail._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table} WHERE id = %s", [mail.pk])  # noqa: S608 (the model's table)
        row = cursor.fetchone()
        columns = [c[0] for c in cursor.description]
    return {k: v for k, v in zip(columns, row, strict=True) if k not in ("id", "created_at", "next_attempt_at")}


def test_the_prepared_insert_stores_what_save_stores():
    signature = make_signature(make_declaration(make_event()))
    fields = {"signature": signature, "kind": OutgoingMail.Kind.CONFIRM, "language": "be"}
    inserted = rows.insert(OutgoingMail(**fields, status=OutgoingMail.Status.SUPPRESSED))
    saved = OutgoingMail.objects.create(**fields, status=OutgoingMail.Status.SUPPRESSED)
    assert inserted.pk
    assert inserted.pk != saved.pk
    assert not inserted._state.adding
    assert _stored(inserted) == _stored(saved)
    again = OutgoingMail.objects.get(pk=inserted.pk)
    assert (again.signature_id, again.kind, again.language, again.status) == (
        signature.pk,
        "confirm",
        "be",
        "suppressed",
    )


def test_what_save_would_write_otherwise_is_refused():
    # Events are public content: their saves empty the page cache (a post_save receiver).
    with pytest.raises(TypeError, match="save receivers"):
        rows.insert(Event(slug="x"))
    with pytest.raises(TypeError, match="primary key"):
        rows.insert(OutgoingMail(pk=10**9, kind=OutgoingMail.Kind.CONFIRM))
    unsaved = Signature()
    with pytest.raises(ValueError, match="unsaved related object"):
        rows.insert(OutgoingMail(signature=unsaved, kind=OutgoingMail.Kind.CONFIRM))
    assert not OutgoingMail.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_allowance_migration_keeps_each_mailboxs_latest_mail():
    from datetime import timedelta

    from django.db.migrations.executor import MigrationExecutor
    from django.utils import timezone

    from registrations.services.people import mailbox_allowance_take

    before, after = ("registrations", "0026_audit_erase"), ("registrations", "0027_mailbox_send_one_row")
    executor = MigrationExecutor(connection)
    executor.migrate([before])
    old = executor.loader.project_state([before]).apps.get_model("registrations", "MailboxSend")
    now = timezone.now()
    for hours, thread in ((5, "signature:1"), (2, "signature:1"), (50, "signature:1"), (10, "media:1"), (30, "x:1")):
        old.objects.create(digest="d" * 64, thread=thread, sent_at=now - timedelta(hours=hours))

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    new = executor.loader.project_state([after]).apps.get_model("registrations", "MailboxSend")
    kept = sorted((row.thread, round((now - row.sent_at) / timedelta(hours=1))) for row in new.objects.all())
    # The latest of each mailbox's thread; none older than the day, which limits nothing.
    assert kept == [("media:1", 10), ("signature:1", 2)]
    # The window is counted from the latest: no mail in the thread for 22 more hours.
    assert mailbox_allowance_take(digest="d" * 64, thread="signature:1", now=now) is False
    assert mailbox_allowance_take(digest="d" * 64, thread="signature:1", now=now + timedelta(hours=22, minutes=1))
    assert mailbox_allowance_take(digest="d" * 64, thread="media:1", now=now) is False
    assert mailbox_allowance_take(digest="d" * 64, thread="x:1", now=now)


@pytest.mark.django_db(transaction=True)
def test_one_mail_for_one_mailbox_however_many_submit_at_once():
    """The allowance's one statement holds under a race: twelve transactions
    for one mailbox and thread at the same moment, each holding its
    transaction open a little after taking; one gets the mail."""
    import threading
    import time

    from django.db import connections, transaction

    from registrations.models import MailboxSend
    from registrations.services.people import mailbox_allowance_take

    start, answers = threading.Barrier(12), []

    def take():
        try:
            start.wait()
            with transaction.atomic():
                answers.append(mailbox_allowance_take(digest="e" * 64, thread="signature:7"))
                time.sleep(0.05)  # the others meet the row before this commits
        finally:
            connections.close_all()

    threads = [threading.Thread(target=take) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers) == [False] * 11 + [True]
    assert MailboxSend.objects.filter(digest="e" * 64).count() == 1
