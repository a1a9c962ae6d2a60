"""Media accreditation: a journalist registers, confirms, is reviewed."""

import logging

from django.db import transaction
from django.utils import timezone

from .. import counts
from ..models import MediaAccreditation, MediaRegistration, OutgoingMail, ReviewEntry, accreditation_of
from .access import access_granted, access_rotate, access_sequence, calendar_cancel_send
from .outbox import mail_enqueue
from .people import person_correct, person_submit, person_withdraw

logger = logging.getLogger(__name__)

Status = MediaRegistration.Status
_DECISION_MAIL = {
    Status.APPROVED: OutgoingMail.Kind.APPROVED,
    Status.REJECTED: OutgoingMail.Kind.REJECTED,
    Status.WAITLISTED: OutgoingMail.Kind.WAITLISTED,
}


class DecisionError(Exception):
    pass


class ForumCancelled(DecisionError):
    """The forum is cancelled: nobody is approved until an editor un-cancels it."""

    def __init__(self, *, event):
        super().__init__(f"event {event.pk} is cancelled")
        self.event = event


class PlacesFull(DecisionError):
    """Approving would take more of a forum's places than are left: nobody
    was approved. `left` places remain of `capacity`; `wanted` were asked for."""

    def __init__(self, *, event, capacity, left, wanted):
        super().__init__(f"event {event.pk}: {wanted} places wanted, {left} of {capacity} left")
        self.event, self.capacity, self.left, self.wanted = event, capacity, left, wanted


def places_left(*, event):
    """How many journalists can still be approved at `event`: None without a
    limit (or an accreditation). Read inside a transaction after
    `_places_lock`, it is the number no other reviewer can change meanwhile."""
    accreditation = accreditation_of(event)
    if accreditation is None or accreditation.capacity is None:
        return None
    approved = MediaRegistration.objects.filter(event=event, status=Status.APPROVED).count()
    return max(accreditation.capacity - approved, 0)


def _places_lock(event):
    """Lock the forum's accreditation row until the transaction ends: approvals
    of one forum take turns, so two reviewers never both take its last place
    (on SQLite every writing transaction takes turns already). Returns the
    locked row, or None. Lock it before any registration row, always in this order."""
    accreditation = accreditation_of(event)
    if accreditation is None:
        return None
    accreditation = MediaAccreditation.objects.select_for_update().get(pk=accreditation.pk)
    event.media_accreditation = accreditation  # what the checks below read is the locked row
    return accreditation


def _places_check(*, event, wanted):
    """Refuse `wanted` approvals at a cancelled forum (ForumCancelled: its
    journalists were sent a cancellation, an approval would send another), and
    (PlacesFull) when they would pass the forum's places."""
    if wanted and type(event).objects.filter(pk=event.pk, status=type(event).Status.CANCELLED).exists():
        raise ForumCancelled(event=event)
    left = places_left(event=event)
    if wanted and left is not None and wanted > left:
        raise PlacesFull(event=event, capacity=event.media_accreditation.capacity, left=left, wanted=wanted)


def registration_submit(*, event, data, language):
    """Register a journalist for an event (see `person_submit`)."""
    return person_submit(model=MediaRegistration, parent=event, data=data, language=language)


def registration_correct(*, person, data):
    """The journalist corrects their details while the registration awaits
    review (checked on the locked row: a decision may have come meanwhile).
    Returns the row, or None when it is no longer awaiting review."""
    return person_correct(person=person, data=data, allowed=lambda row: row.status == Status.PENDING)


@transaction.atomic
def registration_withdraw(*, person):
    """Withdraw and erase (by the journalist, or a superuser's delete in the
    admin). When an approved journalist goes from a forum with a contact
    address, the organisers are told a place is free (the mail names no person)."""
    event = person.event
    row = MediaRegistration.objects.select_for_update().filter(pk=person.pk).first()
    freed = row is not None and row.status == Status.APPROVED
    if freed:
        # Their calendar entry is cancelled now: nothing of theirs is kept to send it later.
        calendar_cancel_send(registration=row)
    person_withdraw(person=person)
    if freed and event.contact_email:
        mail_enqueue(kind=OutgoingMail.Kind.PLACE_FREED, event=event)


def registration_waitlist_next(*, event):
    """The oldest on the waiting list: first put there, then first registered."""
    return (
        MediaRegistration.objects.filter(event=event, status=Status.WAITLISTED)
        .order_by("decided_at", "created_at", "pk")
        .first()
    )


@transaction.atomic
def registration_promote(*, event, by):
    """Approve the oldest waitlisted journalist, if a place is free; they are
    mailed the approval with their access. Returns the registration, or None."""
    if _places_lock(event) is None:
        raise DecisionError("this forum has no media accreditation")
    _places_check(event=event, wanted=1)
    registration = registration_waitlist_next(event=event)
    if registration is None:
        return None
    return registration_decide(registration=registration, status=Status.APPROVED, by=by)


@transaction.atomic
def registration_decide(*, registration, status, by, reason=""):
    """Approve, reject or waitlist a confirmed registration, recording who
    and when, and mail the registrant (with the reason, if any). An approval
    past the forum's places is refused (PlacesFull)."""
    if status not in _DECISION_MAIL:
        raise DecisionError(f"not a decision: {status}")
    if status == Status.APPROVED:
        _places_lock(registration.event)
    registration = MediaRegistration.objects.select_for_update().get(pk=registration.pk)
    if not registration.is_confirmed:
        raise DecisionError("an unconfirmed registration cannot be reviewed")
    if status == Status.APPROVED and registration.status != Status.APPROVED:
        _places_check(event=registration.event, wanted=1)
    before = registration.counted_as
    was_approved = registration.status == Status.APPROVED
    registration.status = status
    registration.decided_at = timezone.now()
    registration.decided_by = by
    registration.decision_reason = reason.strip()
    accreditation = accreditation_of(registration.event)
    access_fields = []
    if was_approved and status != Status.APPROVED:
        # The link dies at once; the decision's mail cancels the calendar entry.
        access_fields = access_rotate(registration)
    if status == Status.APPROVED and not was_approved:
        registration.access_revoked = False
        access_fields.append("access_revoked")
        if accreditation is not None:
            # The approval mail carries the invitation as it is now.
            registration.invitation_sequence = access_sequence(registration, accreditation)
    registration.save(
        update_fields=["status", "decided_at", "decided_by", "decision_reason", "invitation_sequence", *access_fields]
    )
    if status == Status.APPROVED and not was_approved:
        access_granted(registration, accreditation)
    counts.person_count_move(registration, before=before, after=registration.counted_as)
    ReviewEntry.objects.create(
        registration=registration,
        at=registration.decided_at,
        by=by,
        username=by.get_username(),
        decision=status,
        text=registration.decision_reason,
    )
    mail_enqueue(recipient=registration, kind=_DECISION_MAIL[status])
    logger.info("media registration %s %s by user %s", registration.pk, status, by.pk)
    return registration


@transaction.atomic
def registration_decide_all(*, registrations, status, by, reason=""):
    """The same decision on several registrations, all or none: approvals
    that would pass a forum's places refuse the whole selection (PlacesFull),
    checked with every concerned forum locked. Returns the registrations."""
    registrations = list(registrations)
    if status == Status.APPROVED:
        wanted = {}
        for registration in registrations:
            if registration.status != Status.APPROVED:
                wanted.setdefault(registration.event_id, [registration.event, 0])[1] += 1
        for event_id in sorted(wanted):  # one order of locks for every reviewer
            event, count = wanted[event_id]
            _places_lock(event)
            _places_check(event=event, wanted=count)
    return [registration_decide(registration=r, status=status, by=by, reason=reason) for r in registrations]


def registration_approve(*, registration, by, reason=""):
    return registration_decide(registration=registration, status=Status.APPROVED, by=by, reason=reason)


def registration_reject(*, registration, by, reason=""):
    return registration_decide(registration=registration, status=Status.REJECTED, by=by, reason=reason)


def registration_waitlist(*, registration, by, reason=""):
    return registration_decide(registration=registration, status=Status.WAITLISTED, by=by, reason=reason)


@transaction.atomic
def registration_note_add(*, registration, by, text):
    """A reviewer's internal note on a registration: in its history, never
    shown or mailed to the registrant, erased with the record."""
    text = text.strip()
    if not text:
        raise DecisionError("an empty note")
    entry = ReviewEntry.objects.create(registration=registration, by=by, username=by.get_username(), text=text)
    logger.info("note %s added to media registration %s by user %s", entry.pk, registration.pk, by.pk)
    return entry
