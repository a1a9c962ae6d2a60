"""Mail never blocks or loses a registration: the outbox, retries, resend."""

import io
import logging
import time
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from registrations import services
from registrations.models import MediaRegistration, OutgoingMail
from tests.factories import make_accreditation, make_event, make_registration
from tests.html import soup, text
from tests.mailserver import subject

pytestmark = pytest.mark.django_db

FORM = {
    "name": "Ірына Рэпарцёр",
    "outlet": "Belsat",
    "role": "camera",
    "country": "PL",
    "email": "iryna@example.org",
    "work_url": "https://example.org/iryna",
    "mail_language": "ru",
    "consent": "on",
}


@pytest.fixture
def event():
    event = make_event(start=timezone.now() + timedelta(days=3))
    make_accreditation(event)
    return event


def test_smtp_down_during_registration_saves_it_and_sends_later(client, event, mail_server, settings):
    settings.MAIL_RETRY_DELAYS = [0, 0, 0]
    mail_server.stop()
    response = client.post(f"/en/events/{event.slug}/media/", FORM)
    assert response.status_code == 302
    registration = MediaRegistration.objects.get()
    assert registration.name == "Ірына Рэпарцёр"
    (mail,) = OutgoingMail.objects.all()
    assert (mail.status, mail.attempts, mail.last_error) == ("retrying", 1, "ConnectionRefusedError")

    mail_server.start()
    out = io.StringIO()
    call_command("send_queued_mail", stdout=out)
    assert out.getvalue().strip() == "0 submissions stored, 1 mail sent"
    mail.refresh_from_db()
    assert (mail.status, mail.attempts) == ("sent", 2)
    (message,) = mail_server.to("iryna@example.org")
    assert subject(message) == f"Подтвердите регистрацию для СМИ: {event.title_ru}"


@pytest.mark.django_db(transaction=True)
def test_database_worker_sends_and_retries_with_backoff(client, event, mail_server, settings):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.MAIL_RETRY_DELAYS = [1, 60]
    client.post(f"/en/events/{event.slug}/media/", FORM)
    # Committed together: the registration, its mail and the task to send it.
    assert MediaRegistration.objects.count() == 1
    assert OutgoingMail.objects.get().status == "queued"
    assert DBTaskResult.objects.count() == 1
    assert mail_server.messages == []

    mail_server.stop()
    call_command("db_worker", batch=True, startup_delay=False, stdout=io.StringIO(), stderr=io.StringIO())
    mail = OutgoingMail.objects.get()
    assert (mail.status, mail.attempts) == ("retrying", 1)
    retry = DBTaskResult.objects.filter(status="READY").get()
    assert retry.run_after == mail.next_attempt_at

    mail_server.start()
    time.sleep(1.1)
    call_command("db_worker", batch=True, startup_delay=False, stdout=io.StringIO(), stderr=io.StringIO())
    mail.refresh_from_db()
    assert (mail.status, mail.attempts) == ("sent", 2)
    assert len(mail_server.to("iryna@example.org")) == 1


def test_mail_that_keeps_failing_waits_for_staff_who_resend_it(admin_client, event, mail_server, settings):
    settings.MAIL_RETRY_DELAYS = [0, 0]
    registration = make_registration(event)
    mail_server.stop()
    services.mail_enqueue(recipient=registration, kind=OutgoingMail.Kind.CONFIRMED)  # attempt 1
    services.mail_send_due()  # attempt 2
    services.mail_send_due()  # attempt 3: the last
    mail = OutgoingMail.objects.get()
    assert (mail.status, mail.attempts) == ("failed", 3)
    assert services.mail_send_due() == 0  # left alone now

    changelist = reverse("admin:registrations_outgoingmail_changelist")
    page = soup(admin_client.get(changelist, {"status__exact": "failed"}))
    assert [text(a) for a in page.select("#result_list tbody th a")] == [f"Mail #{mail.pk}"]

    mail_server.start()
    response = admin_client.post(changelist, {"action": "resend", "_selected_action": [mail.pk]})
    assert response.status_code == 302
    mail.refresh_from_db()
    assert mail.status == "sent"
    assert len(mail_server.to(registration.email)) == 1


def test_mail_log_lines_hold_no_personal_data(client, event, mail_server, caplog, settings):
    settings.MAIL_RETRY_DELAYS = [0]
    caplog.set_level(logging.DEBUG)
    mail_server.stop()
    client.post(f"/en/events/{event.slug}/media/", FORM)
    mail_server.start()
    services.mail_send_due()
    assert caplog.records
    # Everything the site logs ("mail.log" is the test's own SMTP server).
    logged = "\n".join(r.getMessage() for r in caplog.records if not r.name.startswith("mail.log"))
    for personal in ("Ірына", "iryna", "Belsat", "example.org/iryna"):
        assert personal not in logged


def test_each_decision_mails_the_registrant_in_their_language_with_the_reason(event, admin_user, mail_server):
    registration = make_registration(event, mail_language="be", email="a@example.org")
    services.registration_reject(registration=registration, by=admin_user, reason="Няма месцаў")
    (message,) = mail_server.to("a@example.org")
    body = message.get_body(("plain",)).get_content()
    assert "Няма месцаў" in body
    assert list(message.iter_attachments()) == []
    registration.refresh_from_db()
    assert (registration.status, registration.decided_by) == ("rejected", admin_user)


def test_unconfirmed_registration_cannot_be_decided(event, admin_user):
    registration = make_registration(event, status=MediaRegistration.Status.UNCONFIRMED)
    with pytest.raises(services.DecisionError):
        services.registration_approve(registration=registration, by=admin_user)


def test_expired_unconfirmed_registrations_are_purged(event, settings):
    four_days_ago = timezone.now() - timedelta(days=4)
    old = make_registration(event, status="unconfirmed", created_at=four_days_ago, submitted_at=four_days_ago)
    fresh = make_registration(event, status="unconfirmed")
    # Created long ago, but its link was just re-issued: counted from the latest submission.
    reissued = make_registration(event, status="unconfirmed", created_at=four_days_ago)
    confirmed = make_registration(event, created_at=timezone.now() - timedelta(days=30))
    out = io.StringIO()
    call_command("purge_unconfirmed", stdout=out)
    assert out.getvalue().strip() == "1 unconfirmed registrations and 0 unconfirmed signatures erased"
    assert set(MediaRegistration.objects.values_list("pk", flat=True)) == {fresh.pk, reissued.pk, confirmed.pk}
    assert not MediaRegistration.objects.filter(pk=old.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_a_mail_task_queued_under_the_old_path_still_runs(client, event, mail_server, settings):
    """Tasks queued before the outbox moved name `registrations.tasks.deliver_mail`;
    the worker still delivers them."""
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    client.post(f"/en/events/{event.slug}/media/", FORM)
    DBTaskResult.objects.update(task_path="registrations.tasks.deliver_mail")
    call_command("db_worker", batch=True, startup_delay=False, stdout=io.StringIO(), stderr=io.StringIO())
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    assert OutgoingMail.objects.get().status == "sent"
    assert len(mail_server.to("iryna@example.org")) == 1
