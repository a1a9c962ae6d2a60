"""The forum's day in time: the instants at which what a public page shows
changes by itself, with no edit (a session starts or ends, the forum starts
or ends). A cached copy of a page, here, in a browser, in nginx or in the
static mirror, must not outlive the next one."""

import math

from django.utils import timezone

from plumbing.pagecache import expires_within

from .models import Event, Session


def session_start(session):
    """When the session started, as an editor marked it, else when it is planned to."""
    return session.actual_start or session.start


def session_end(session):
    """When the session ended, as an editor marked it, else when it is planned to."""
    return session.actual_end or session.end


def boundaries(event, sessions):
    """Sorted instants where what a page shows of `event` changes: the
    forum's start and end, and each session's start and end (the actual
    times when an editor marked them, else the planned ones). A cancelled
    session is on no page as upcoming or live: it adds none."""
    instants = {event.start, event.end}
    for session in sessions:
        if not session.is_cancelled:
            instants.update((session_start(session), session_end(session)))
    return sorted(instants)


def next_boundary(instants, now=None):
    """The first of `instants` after `now`, or None."""
    now = now or timezone.now()
    return next((instant for instant in sorted(instants) if instant > now), None)


def seconds_to(instant, now=None):
    """Whole seconds from `now` until `instant`, rounded up (a page kept that
    long changes at most a second late), or None without an instant."""
    if instant is None:
        return None
    return max(1, math.ceil((instant - (now or timezone.now())).total_seconds()))


def published_boundaries(events=None):
    """Every boundary of the published events (or of `events`), sorted, from one query for the sessions."""
    events = list(Event.objects.published() if events is None else events)
    sessions = {}
    for session in Session.objects.filter(event__in=[e.pk for e in events]).only(
        "event_id", "start", "end", "actual_start", "actual_end", "is_cancelled"
    ):
        sessions.setdefault(session.event_id, []).append(session)
    return sorted({instant for event in events for instant in boundaries(event, sessions.get(event.pk, ()))})


def upcoming_boundaries(now=None):
    """The published events' boundaries still ahead (the static mirror is
    exported again at each: settings.MIRROR_BOUNDARIES names this)."""
    now = now or timezone.now()
    return [instant for instant in published_boundaries() if instant > now]


def expire_at_next_boundary(response, instants, now=None):
    """A page showing state in time is kept (by the page cache, browsers and
    nginx) no longer than until the next of `instants`."""
    seconds = seconds_to(next_boundary(instants, now), now)
    if seconds is not None:
        expires_within(response, seconds)
    return response
