"""Approved journalists' calendar invitation (iTIP, RFC 5546): when the
forum's time, title or access changes, or the forum is cancelled, those who
hold an older invitation receive an update (same UID, higher SEQUENCE) or a
cancellation, once an editor confirms."""

import logging

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from ..models import AuditEntry, MediaRegistration, OutgoingMail, accreditation_of
from .audit import audit_record
from .messages import message_send
from .outbox import mail_enqueue

logger = logging.getLogger(__name__)


def invitation_holders_behind(*, event):
    """Approved journalists of `event` whose invitation is older than the current one."""
    accreditation = accreditation_of(event)
    if accreditation is None:
        return MediaRegistration.objects.none()
    return MediaRegistration.objects.filter(
        event=event,
        status=MediaRegistration.Status.APPROVED,
        invitation_sequence__lt=accreditation.invitation_sequence,
    )


@transaction.atomic
def invitation_update_send(*, event, by):
    """Send each approved journalist holding an older invitation the current
    one (METHOD:REQUEST), or a cancellation (METHOD:CANCEL) when the forum is
    cancelled. Returns how many were written to."""
    accreditation = accreditation_of(event)
    if accreditation is None:  # no accreditation: nobody holds an invitation
        return 0
    people = list(invitation_holders_behind(event=event).select_for_update())
    kind = OutgoingMail.Kind.CANCEL if event.is_cancelled else OutgoingMail.Kind.UPDATE
    for person in people:
        mail_enqueue(recipient=person, kind=kind)
    MediaRegistration.objects.filter(pk__in=[p.pk for p in people]).update(
        invitation_sequence=accreditation.invitation_sequence
    )
    if people:
        audit_record(user=by, action=AuditEntry.Action.MESSAGE, model=MediaRegistration, rows=len(people), event=event)
    logger.info("event %s: %s %s invitations sent by user %s", event.pk, len(people), kind, by.pk)
    return len(people)


def session_change_texts(*, session):
    """A message's subject and text in every language: the changed session
    and the whole programme as it is now (from templates, in each language)."""
    event = session.event
    sessions = list(event.sessions.all())
    texts = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            context = {"event": event, "session": session, "sessions": sessions}
            subject = render_to_string("registrations/media/mail/session_change_subject.txt", context)
            texts[f"subject_{code}"] = " ".join(subject.split())
            texts[f"body_{code}"] = render_to_string(
                "registrations/media/mail/session_change_body.txt", context
            ).strip()
    return texts


def session_change_send(*, session, by):
    """Tell a forum's approved journalists that one session changed: a
    message (in each one's language) with the new programme and that
    session's calendar entry; the forum's own invitation is not touched.
    Returns the Message, or None when nobody is approved or the forum is
    cancelled (its cancellation said all there is)."""
    approved = MediaRegistration.objects.filter(event=session.event, status=MediaRegistration.Status.APPROVED)
    if session.event.is_cancelled or not approved.exists():
        return None
    return message_send(registrations=approved, texts=session_change_texts(session=session), by=by, session=session)
