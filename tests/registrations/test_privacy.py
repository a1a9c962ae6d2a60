"""Retention, audit, and logs without personal data."""

import io
import logging
from datetime import timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session as SessionRow
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from plumbing.logs import JsonFormatter
from registrations import services
from registrations.models import AuditEntry, MediaRegistration, OutgoingMail, Signature
from tests.factories import make_accreditation, make_declaration, make_event, make_registration, make_signature
from tests.html import soup, text
from tests.rawdb import all_rows_text, stored_tokens

pytestmark = pytest.mark.django_db

PERSONAL = [
    "Зміцер Пасылкевіч",
    "zmicier@example.org",
    "+375 29 000 00 00",
    "Radio Racyja",
    "Ганна Сігнатар",
    "hanna@example.org",
]


@pytest.fixture
def past_event(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}  # task rows exist, as in production
    now = timezone.now()
    event = make_event(start=now - timedelta(days=101), end=now - timedelta(days=100), retention_days=90)
    make_accreditation(event)
    registration = make_registration(
        event, name=PERSONAL[0], email=PERSONAL[1], phone=PERSONAL[2], outlet=PERSONAL[3], status="approved"
    )
    make_registration(event, status="unconfirmed", confirmed_at=None)
    declaration = make_declaration(event)
    signature = make_signature(declaration, name=PERSONAL[4], email=PERSONAL[5])
    make_signature(declaration, visibility="hidden")
    make_signature(declaration, hidden_at=now)  # abuse, not counted
    services.mail_enqueue(recipient=registration, kind=OutgoingMail.Kind.APPROVED)
    services.mail_enqueue(recipient=signature, kind=OutgoingMail.Kind.SIGNED)
    services.audit_record(user=None, action="view", model=MediaRegistration, object_id=registration.pk, event=event)
    return event


def test_purge_erases_every_personal_value_and_keeps_counts(client, past_event, admin_user):
    from django_tasks_db.models import DBTaskResult

    recent = make_event(start=timezone.now() - timedelta(days=11), end=timezone.now() - timedelta(days=10))
    kept = make_registration(recent, name="Recent Journalist")
    expired_session = SessionStore()
    expired_session["x"] = 1
    expired_session.set_expiry(-10)
    expired_session.create()
    assert DBTaskResult.objects.count() == 2
    # Sealed under the forum's key: the rows hold tokens, never the values.
    people = [
        *MediaRegistration.objects.filter(event=past_event),
        *Signature.objects.filter(declaration__event=past_event),
    ]
    tokens = stored_tokens(*people)
    dump = all_rows_text()
    assert tokens
    assert all(token in dump for token in tokens)
    assert not any(value in dump for value in PERSONAL)

    out = io.StringIO()
    call_command("purge_personal_data", stdout=out)

    assert out.getvalue().splitlines()[0] == (
        f"{past_event.slug}: erased 2 registrations, 3 signatures, 2 mail, 2 tasks, 1 audit, 0 waiting submissions"
    )
    dump = all_rows_text()
    for value in PERSONAL + tokens:
        assert value not in dump, value
    assert MediaRegistration.objects.filter(event=past_event).count() == 0
    assert Signature.objects.filter(declaration__event=past_event).count() == 0
    assert OutgoingMail.objects.count() == 0
    assert DBTaskResult.objects.count() == 0
    assert not SessionRow.objects.filter(session_key=expired_session.session_key).exists()
    # Counts stay: 2 registrations erased, and the Declaration still shows its 2 counted signatures.
    assert past_event.media_accreditation.__class__.objects.get(event=past_event).erased_count == 2
    page = soup(client.get(f"/en/events/{past_event.slug}/declaration/"))
    assert text(page.select_one(".signature-count")) == "2 signatures"
    # Events within their retention period keep their data.
    assert MediaRegistration.objects.filter(pk=kept.pk).exists()
    # Running it again finds nothing more.
    out = io.StringIO()
    call_command("purge_personal_data", stdout=out)
    assert out.getvalue().strip() == "0 events purged"


def test_staff_views_and_exports_are_audited(admin_client, admin_user):
    event = make_event()
    a = make_registration(event)
    b = make_registration(event)
    signature = make_signature(make_declaration(event))
    admin_client.get(reverse("admin:registrations_mediaregistration_change", args=[a.pk]))
    admin_client.get(reverse("admin:registrations_signature_change", args=[signature.pk]))
    response = admin_client.post(
        reverse("admin:registrations_mediaregistration_changelist"),
        {"action": "export_csv", "_selected_action": [a.pk, b.pk]},
    )
    b"".join(response.streaming_content)
    entries = list(
        AuditEntry.objects.order_by("pk").values_list("user", "action", "model", "object_id", "rows", "event")
    )
    assert entries == [
        (admin_user.pk, "view", "registrations.MediaRegistration", a.pk, 1, event.pk),
        (admin_user.pk, "view", "registrations.Signature", signature.pk, 1, event.pk),
        (admin_user.pk, "export", "registrations.MediaRegistration", None, 2, event.pk),
    ]
    # Staff read the log; nobody edits or deletes it.
    changelist = soup(admin_client.get(reverse("admin:registrations_auditentry_changelist")))
    assert len(changelist.select("#result_list tbody tr")) == 3
    entry = AuditEntry.objects.first()
    page = soup(admin_client.get(reverse("admin:registrations_auditentry_change", args=[entry.pk])))
    assert page.select("input[name=_save]") == []
    assert (
        admin_client.post(
            reverse("admin:registrations_auditentry_delete", args=[entry.pk]), {"post": "yes"}
        ).status_code
        == 403
    )


def test_no_personal_data_in_any_log_line(client, admin_client, mail_server, caplog, settings):
    """The journeys of a journalist and a signatory, and staff at work, with
    every log record captured and formatted as production writes it."""
    caplog.set_level(logging.DEBUG)
    settings.MAIL_RETRY_DELAYS = [0]
    event = make_event(start=timezone.now() + timedelta(days=5))
    make_accreditation(event)
    make_declaration(event)

    mail_server.stop()  # a failure on the way, too
    client.post(
        f"/en/events/{event.slug}/media/",
        {
            "name": PERSONAL[0],
            "outlet": PERSONAL[3],
            "role": "journalist",
            "country": "BY",
            "email": PERSONAL[1],
            "phone": PERSONAL[2],
            "work_url": "https://example.org/zmicier",
            "mail_language": "be",
            "consent": "on",
        },
    )
    mail_server.start()
    services.mail_send_due()
    registration = MediaRegistration.objects.get()
    services.person_confirm(person=registration)
    admin_client.get(reverse("admin:registrations_mediaregistration_change", args=[registration.pk]))
    admin_client.post(
        reverse("admin:registrations_mediaregistration_changelist"),
        {"action": "approve", "_selected_action": [registration.pk], "apply": "1", "reason": "ok"},
    )
    client.post(
        f"/en/events/{event.slug}/declaration/sign/",
        {
            "name": PERSONAL[4],
            "country": "LT",
            "email": PERSONAL[5],
            "visibility": "full",
            "mail_language": "ru",
            "consent": "on",
        },
    )
    services.person_confirm(person=Signature.objects.get())
    services.person_withdraw(person=Signature.objects.get())
    services.registration_withdraw(person=registration)
    client.post("/admin/login/", {"username": PERSONAL[1], "password": "wrong"})

    formatter = JsonFormatter()
    lines = [formatter.format(r) for r in caplog.records if not r.name.startswith("mail.log")]  # the test's SMTP server
    assert len(lines) > 10
    logged = "\n".join(lines)
    for value in [*PERSONAL, "zmicier", "hanna"]:
        assert value not in logged, value
