"""Approved journalists' calendar invitation (iTIP, RFC 5546): one entry
per journalist for the whole forum, with its programme. When the forum's
time, title, programme (a session added, moved, renamed, cancelled or
deleted) or access changes, or the forum is cancelled, those who hold an
older invitation receive an update (same UID, higher SEQUENCE) or a
cancellation, once an editor confirms; nobody is sent the same revision twice."""

import logging

from django.db import transaction
from django.db.models import F, OuterRef, Subquery

from ..mail import INVITATION_KINDS
from ..models import AuditEntry, MediaAccreditation, MediaRegistration, OutgoingMail
from .access import zoom_registrant_release
from .audit import audit_record
from .outbox import mail_enqueue

logger = logging.getLogger(__name__)


def _accreditation(event):
    """The event's accreditation and the event as stored now (the instance
    given may predate a session's change, which bumps the event's revision)."""
    return MediaAccreditation.objects.select_related("event").filter(event=event).first()


def invitation_holders_behind(*, event):
    """Approved journalists of `event` whose invitation is older than the
    current one. While the forum is cancelled, those whose last invitation
    mail was the cancellation hold what there is to know: an edit of a
    cancelled forum sends them nothing more."""
    accreditation = _accreditation(event)
    if accreditation is None:
        return MediaRegistration.objects.none()
    # Each journalist's SEQUENCE adds their own access revision (a reissued link).
    behind = MediaRegistration.objects.filter(
        event=event,
        status=MediaRegistration.Status.APPROVED,
        access_revoked=False,
        invitation_sequence__lt=accreditation.invitation_sequence + F("access_revision"),
    )
    if accreditation.event.is_cancelled:
        last_invitation = (
            OutgoingMail.objects.filter(registration=OuterRef("pk"), kind__in=INVITATION_KINDS)
            .order_by("-created_at", "-pk")
            .values("kind")[:1]
        )
        behind = behind.annotate(last_invitation=Subquery(last_invitation)).exclude(
            last_invitation=OutgoingMail.Kind.CANCEL
        )
    return behind


@transaction.atomic
def invitation_update_send(*, event, by):
    """Send each approved journalist holding an older invitation the current
    one (METHOD:REQUEST), or a cancellation (METHOD:CANCEL) when the forum is
    cancelled. Returns how many were written to."""
    accreditation = _accreditation(event)
    if accreditation is None:  # no accreditation: nobody holds an invitation
        return 0
    people = list(invitation_holders_behind(event=event).select_for_update())
    kind = OutgoingMail.Kind.CANCEL if event.is_cancelled else OutgoingMail.Kind.UPDATE
    for person in people:
        mail_enqueue(recipient=person, kind=kind)
        if event.is_cancelled:
            zoom_registrant_release(person)
    MediaRegistration.objects.filter(pk__in=[p.pk for p in people]).update(
        invitation_sequence=accreditation.invitation_sequence + F("access_revision")
    )
    if people:
        audit_record(user=by, action=AuditEntry.Action.MESSAGE, model=MediaRegistration, rows=len(people), event=event)
    logger.info("event %s: %s %s invitations sent by user %s", event.pk, len(people), kind, by.pk)
    return len(people)
