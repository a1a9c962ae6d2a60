"""The private access goes to approved journalists only, whenever a mail
that carries it was queued or resent (found by a review as an attacker)."""

from datetime import date

import pytest
from django.core import mail as django_mail
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from registrations import services
from registrations.models import OutgoingMail
from tests.conftest import verified_client
from tests.factories import make_accreditation, make_event, make_registration

pytestmark = pytest.mark.django_db
ZOOM = "https://zoom.example.org/j/only-for-approved"


class _DownBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError

    def open(self):
        pass

    def close(self):
        pass


def _sent_text():
    return "\n".join(
        message.body
        + "".join(alternative[0] for alternative in message.alternatives)
        + "".join(str(attachment[1]) for attachment in message.attachments)
        for message in django_mail.outbox
    )


def test_a_resent_approval_gives_no_access_to_a_journalist_rejected_since(admin_user):
    event = make_event()
    make_accreditation(event, meeting_url=ZOOM)
    registration = make_registration(event)
    services.registration_approve(registration=registration, by=admin_user)
    services.registration_reject(registration=registration, by=admin_user)
    django_mail.outbox.clear()
    approval = OutgoingMail.objects.get(registration=registration, kind="approved")
    verified_client(admin_user).post(
        reverse("admin:registrations_outgoingmail_changelist"), {"action": "resend", "_selected_action": [approval.pk]}
    )
    services.mail_send_due()
    assert ZOOM not in _sent_text()
    approval.refresh_from_db()
    assert (approval.status, approval.last_error) == ("failed", "NoRecipient")


def test_a_queued_update_gives_no_access_after_a_rejection(admin_user):
    event = make_event()
    accreditation = make_accreditation(event, meeting_url=ZOOM)
    registration = make_registration(event)
    services.registration_approve(registration=registration, by=admin_user)
    accreditation.access_note_en = "Interpretation: channel 5"
    accreditation.save()
    with override_settings(EMAIL_BACKEND="tests.registrations.test_access_after_decisions._DownBackend"):
        assert services.invitation_update_send(event=event, by=admin_user) == 1
    services.registration_reject(registration=registration, by=admin_user)
    django_mail.outbox.clear()
    OutgoingMail.objects.filter(kind="update").update(next_attempt_at=timezone.now())
    services.mail_send_due()
    assert ZOOM not in _sent_text()
    assert "/media/access/" not in _sent_text()
    update = OutgoingMail.objects.get(kind="update")
    assert (update.status, update.last_error) == ("failed", "NoRecipient")


def test_notifying_a_forum_without_accreditation_writes_to_nobody(admin_user):
    event = make_event()
    assert services.invitation_update_send(event=event, by=admin_user) == 0
    client = verified_client(admin_user)
    client.raise_request_exception = False
    assert client.post(reverse("admin:events_event_notify", args=[event.pk])).status_code == 302


def test_a_copy_of_a_cancelled_forum_is_not_cancelled():
    event = make_event(status="cancelled", contact_email="forum@example.org")
    copy = services.event_copy(
        event=event, start_date=date(2030, 1, 1), slug="next-forum", titles={"en": "Next", "ru": "Следующий"}
    )
    assert copy.is_cancelled is False
