"""The service contracts of both opt-in flows, side by side: submit, confirm,
decide, withdraw and erase, and the outbox's claim and retry. Each test runs
for media accreditation and for Declaration signatures alike, so a change to
the shared shape shows on both at once."""

from dataclasses import dataclass
from datetime import timedelta

import pytest
import time_machine
from django.core import mail as django_mail
from django.utils import timezone

from registrations import services
from registrations.mailbox import email_digest
from registrations.models import MediaRegistration, OutgoingMail, Signature
from tests.factories import make_accreditation, make_declaration, make_event, make_registration, make_signature

pytestmark = pytest.mark.django_db


@dataclass
class Flow:
    """One feature's services and what its rows and mails look like."""

    model: type
    submit: object
    confirm: object
    withdraw: object
    confirmed_status: str
    kinds: tuple  # (confirm, confirmed)
    data: dict
    make_parent: object
    make_row: object
    mail_field: str

    def submit_as(self, parent, **changes):
        return self.submit(parent, {**self.data, **changes}, "ru")


def _media_parent():
    event = make_event(start=timezone.now() + timedelta(days=5))
    make_accreditation(event)
    return event


MEDIA = Flow(
    model=MediaRegistration,
    submit=lambda parent, data, language: services.registration_submit(event=parent, data=data, language=language),
    confirm=lambda row: services.person_confirm(person=row),
    withdraw=lambda row: services.registration_withdraw(person=row),
    confirmed_status="pending",
    kinds=("confirm", "confirmed"),
    data={
        "name": "Ірына Рэпарцёр",
        "outlet": "Belsat",
        "role": "camera",
        "country": "PL",
        "email": "Iryna@Example.org",
        "phone": "",
        "work_url": "https://example.org/iryna",
        "languages": ["ru"],
        "interview_request": "",
    },
    make_parent=_media_parent,
    make_row=lambda parent, **values: make_registration(parent, **values),
    mail_field="registration",
)

DECLARATION = Flow(
    model=Signature,
    submit=lambda parent, data, language: services.signature_submit(declaration=parent, data=data, language=language),
    confirm=lambda row: services.person_confirm(person=row),
    withdraw=lambda row: services.person_withdraw(person=row),
    confirmed_status="confirmed",
    kinds=("sign_confirm", "signed"),
    data={
        "name": "Алена Бяляцкая",
        "country": "BY",
        "organisation": "",
        "email": "Alena@Example.org",
        "visibility": "full",
    },
    make_parent=lambda: make_declaration(make_event(start=timezone.now() + timedelta(days=5))),
    make_row=lambda parent, **values: make_signature(parent, **values),
    mail_field="signature",
)


@pytest.fixture(params=[MEDIA, DECLARATION], ids=["media", "declaration"])
def flow(request):
    return request.param


def _kinds(flow, row):
    return list(OutgoingMail.objects.filter(**{flow.mail_field: row}).order_by("pk").values_list("kind", flat=True))


# --- submit -------------------------------------------------------------------------


def test_submit_creates_an_unconfirmed_row_and_queues_the_confirmation(flow):
    parent = flow.make_parent()
    row = flow.submit_as(parent)
    stored = flow.model.objects.get()
    assert (stored.pk, stored.status, stored.mail_language) == (row.pk, "unconfirmed", "ru")
    assert (stored.email, stored.email_digest) == (flow.data["email"], email_digest(flow.data["email"].casefold()))
    assert stored.confirmed_at is None
    assert stored.consent_at is not None
    assert _kinds(flow, stored) == [flow.kinds[0]]


def test_submit_twice_unconfirmed_keeps_one_row_and_one_mail_whose_link_shows_the_latest(flow):
    parent = flow.make_parent()
    first = flow.submit_as(parent)
    second = flow.submit_as(parent, email=flow.data["email"].upper(), name="Latest Name")
    assert flow.model.objects.count() == 1
    assert first.pk == second.pk
    assert _kinds(flow, first) == [flow.kinds[0]]  # one a day for this form and parent
    stored = flow.model.objects.get()
    assert (stored.name, stored.version, stored.link_key) == ("Latest Name", 2, first.link_key)


def test_submit_after_confirmation_sends_the_same_mail_and_changes_nothing(flow):
    parent = flow.make_parent()
    row = flow.confirm(flow.submit_as(parent))
    again = flow.submit_as(parent, name="Someone Else")
    assert again.pk == row.pk
    with time_machine.travel(timezone.now() + timedelta(hours=25), tick=False):
        flow.submit_as(parent, name="Someone Else")  # the next day: the next mail
    stored = flow.model.objects.get()
    assert (stored.name, stored.status, stored.version) == (flow.data["name"], flow.confirmed_status, 1)
    assert _kinds(flow, stored) == [flow.kinds[0], flow.kinds[1], flow.kinds[0]]


# --- confirm ------------------------------------------------------------------------


def test_confirm_sets_status_and_time_once_and_mails_once(flow):
    parent = flow.make_parent()
    row = flow.submit_as(parent)
    confirmed = flow.confirm(row)
    assert (confirmed.status, confirmed.confirmed_at is not None) == (flow.confirmed_status, True)
    at = confirmed.confirmed_at
    again = flow.confirm(row)
    assert (again.status, again.confirmed_at) == (flow.confirmed_status, at)
    assert _kinds(flow, row) == [flow.kinds[0], flow.kinds[1]]


def test_confirmed_queryset_holds_only_confirmed_rows(flow):
    parent = flow.make_parent()
    unconfirmed = flow.make_row(parent, status="unconfirmed", confirmed_at=None)
    confirmed = flow.make_row(parent)
    assert list(flow.model.objects.confirmed()) == [confirmed]
    assert unconfirmed.pk not in flow.model.objects.confirmed().values_list("pk", flat=True)


# --- withdraw and erase -------------------------------------------------------------


def test_withdraw_deletes_the_row_and_its_mail(flow):
    parent = flow.make_parent()
    row = flow.confirm(flow.submit_as(parent))
    assert OutgoingMail.objects.count() == 2
    flow.withdraw(row)
    assert flow.model.objects.count() == 0
    assert OutgoingMail.objects.count() == 0


# --- decide (media only: signatures are not reviewed) ----------------------------


@pytest.mark.parametrize(
    ("service", "status", "kind"),
    [
        ("registration_approve", "approved", "approved"),
        ("registration_reject", "rejected", "rejected"),
        ("registration_waitlist", "waitlisted", "waitlisted"),
    ],
)
def test_decide_records_who_when_why_and_mails(admin_user, service, status, kind):
    event = _media_parent()
    registration = make_registration(event)
    decided = getattr(services, service)(registration=registration, by=admin_user, reason="  Because.  ")
    stored = MediaRegistration.objects.get()
    assert (stored.status, stored.decided_by, stored.decision_reason) == (status, admin_user, "Because.")
    assert stored.decided_at is not None
    assert decided.pk == stored.pk
    assert _kinds(MEDIA, stored) == [kind]


def test_decide_refuses_an_unconfirmed_registration(admin_user):
    registration = make_registration(_media_parent(), status="unconfirmed", confirmed_at=None)
    with pytest.raises(services.DecisionError):
        services.registration_approve(registration=registration, by=admin_user)
    assert MediaRegistration.objects.get().status == "unconfirmed"
    assert OutgoingMail.objects.count() == 0


def test_decide_refuses_what_is_not_a_decision(admin_user):
    registration = make_registration(_media_parent())
    with pytest.raises(services.DecisionError):
        services.registration_decide(registration=registration, status="unconfirmed", by=admin_user)
    assert MediaRegistration.objects.get().status == "pending"


# --- the outbox: claim and retry ----------------------------------------------------


def test_mail_is_claimed_once_and_sent_once(flow):
    parent = flow.make_parent()
    with django_mail.get_connection():
        row = flow.submit_as(parent)
    (mail,) = OutgoingMail.objects.all()
    assert mail.status == "sent"
    assert len(django_mail.outbox) == 1
    # A second worker delivering the same mail finds nothing to claim.
    assert services.mail_deliver(mail_id=mail.pk) is None
    assert len(django_mail.outbox) == 1
    assert mail.recipient == row


def test_failed_mail_is_retried_later_then_left_for_staff(flow, settings, monkeypatch):
    settings.MAIL_RETRY_DELAYS = [60]
    settings.EMAIL_BACKEND = "tests.registrations.test_services.FailingBackend"
    parent = flow.make_parent()
    flow.submit_as(parent)
    (mail,) = OutgoingMail.objects.all()
    assert (mail.status, mail.attempts, mail.last_error) == ("retrying", 1, "ConnectionRefusedError")
    assert mail.next_attempt_at > timezone.now() + timedelta(seconds=50)
    # Not due yet: nothing is tried.
    assert services.mail_send_due() == 0
    mail.refresh_from_db()
    assert mail.attempts == 1
    # Due: tried again, fails for the last time, waits for staff.
    OutgoingMail.objects.filter(pk=mail.pk).update(next_attempt_at=timezone.now())
    assert services.mail_send_due() == 0
    mail.refresh_from_db()
    assert (mail.status, mail.attempts) == ("failed", 2)
    # Staff resend with a working server: sent.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    services.mail_resend(mail=mail)
    mail.refresh_from_db()
    assert (mail.status, mail.attempts) == ("sent", 3)
    assert len(django_mail.outbox) == 1


def test_a_sending_mail_whose_worker_died_is_claimed_again_after_the_lease(flow):
    parent = flow.make_parent()
    flow.submit_as(parent)
    (mail,) = OutgoingMail.objects.all()
    OutgoingMail.objects.filter(pk=mail.pk).update(status="sending", next_attempt_at=timezone.now())
    assert services.mail_send_due() == 1
    mail.refresh_from_db()
    assert mail.status == "sent"


class FailingBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError

    def open(self):
        pass

    def close(self):
        pass
