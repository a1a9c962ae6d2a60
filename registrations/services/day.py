"""The forum's day, as an editor runs it: a session marked started or ended
now (beside its planned times, which stay the schedule), or the rest of the
programme delayed by some minutes. A delay moves planned times, so approved
journalists receive one update of their invitation (same UID, higher
SEQUENCE) for the whole delay, not one per session.

Each refusal is a ValidationError with a translated message (on the field
`minutes` where the number is the cause); nothing is saved half-way."""

import logging
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from events.history import change_record
from events.models import Event, Session

from .invitations import invitation_update_send

logger = logging.getLogger(__name__)

MAX_DELAY_MINUTES = 12 * 60


def _refuse_unless_on(event, now):
    """The controls are for a forum that takes place, on its day."""
    if event.status == Event.Status.CANCELLED:
        raise ValidationError(_("The forum is cancelled: its day cannot be run."), code="cancelled")
    if event.status == Event.Status.POSTPONED:
        raise ValidationError(
            _("The forum is postponed: its day cannot be run until a new date is set."), code="postponed"
        )
    today = timezone.localdate(now, event.zone)
    if not timezone.localdate(event.start, event.zone) <= today <= timezone.localdate(event.end, event.zone):
        raise ValidationError(
            _("These controls work on the forum's day only; change the times in the forum's form."), code="not_today"
        )


def _markable(session, now):
    """The session (with its forum) as stored now, locked for this transaction,
    once the forum is on its day and the session is not cancelled."""
    session = Session.objects.select_for_update().select_related("event").get(pk=session.pk)
    _refuse_unless_on(session.event, now)
    if session.is_cancelled:
        raise ValidationError(_("“%(session)s” is cancelled.") % {"session": session}, code="session_cancelled")
    return session


@transaction.atomic
def session_start_mark(*, session, by, now=None):
    """The session started now (again, if it was marked ended: it resumed)."""
    now = now or timezone.now()
    session = _markable(session, now)
    session.actual_start, session.actual_end = now, None
    session.save(update_fields=["actual_start", "actual_end", "updated_at"])
    logger.info("session %s marked started by user %s", session.pk, by.pk)
    return session


@transaction.atomic
def session_end_mark(*, session, by, now=None):
    """The session ended now."""
    now = now or timezone.now()
    session = _markable(session, now)
    if (session.actual_start or session.start) > now:
        raise ValidationError(
            _("“%(session)s” has not started: mark it started first.") % {"session": session}, code="not_started"
        )
    session.actual_start = session.actual_start or session.start
    session.actual_end = now
    session.save(update_fields=["actual_start", "actual_end", "updated_at"])
    logger.info("session %s marked ended by user %s", session.pk, by.pk)
    return session


@transaction.atomic
def programme_delay(*, event, minutes, by, now=None):
    """Delay every session not yet ended by `minutes`: one that has not
    started (not marked started) moves whole, one marked started keeps its
    start and ends later. The forum's end follows when the last session
    passes it. On the day, this is no rescheduling: the forum's status stays.
    Approved journalists holding the invitation receive its update once.
    Returns (sessions moved, journalists written to)."""
    now = now or timezone.now()
    event = Event.objects.select_for_update().get(pk=event.pk)
    _refuse_unless_on(event, now)
    if not 1 <= minutes <= MAX_DELAY_MINUTES:
        raise ValidationError(
            {"minutes": _("Enter a delay from 1 to %(most)d minutes.") % {"most": MAX_DELAY_MINUTES}}, code="range"
        )
    delta = timedelta(minutes=minutes)
    moving = [
        s for s in event.sessions.select_for_update().order_by("start", "pk") if s.actual_end is None and s.end > now
    ]
    if not moving:
        raise ValidationError(_("No session is left to delay: every session has ended."), code="nothing_left")
    for session in moving:
        day = timezone.localdate(session.start, event.zone)
        if timezone.localdate(session.end + delta - timedelta(microseconds=1), event.zone) != day:
            raise ValidationError(
                {
                    "minutes": _(
                        "A delay of %(minutes)d minutes would move “%(session)s” past midnight (%(zone)s): "
                        "change its times in its form instead."
                    )
                    % {"minutes": minutes, "session": session, "zone": event.timezone}
                },
                code="past_midnight",
            )
    for session in moving:
        if session.actual_start is None:
            session.start += delta
        session.end += delta
        session.event = event  # its save reads the forum's zone: no query per session
        session.save(update_fields=["start", "end", "updated_at"])
    last_end = max(s.end for s in moving)
    if last_end > event.end:
        event.end = last_end
        event.save(update_fields=["end", "updated_at"])
    # The forum's history (its Atom feed) records the delay, from the first session it moved.
    change_record(event, "delayed", session=moving[0], minutes=minutes, start=moving[0].start, now=now)
    event.refresh_from_db(fields=["sequence", "updated_at"])
    sent = invitation_update_send(event=event, by=by)
    logger.info("event %s: %s sessions delayed %s minutes by user %s", event.pk, len(moving), minutes, by.pk)
    return len(moving), sent
