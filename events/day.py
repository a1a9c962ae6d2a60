"""The forum day, computed: what is on now, what comes next, what has
ended and can be watched again, and the instants at which what a public page
shows changes by itself, with no edit (a session starts or ends, the forum
starts or ends). A cached copy of a page, here, in a browser, in nginx or in
the static mirror, must not outlive the next one. The day's functions are
pure: objects and an instant in, a value out.

A session's actual start and end (`actual_start`, `actual_end`, when an editor
marked them) count before the planned ones, so the page follows the day as it
happens. Cancelled sessions are never on."""

import math
from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone

from plumbing.pagecache import expires_within

from .models import Event, Session


def start_of(item):
    return getattr(item, "actual_start", None) or item.start


def end_of(item):
    """When an item is over: its actual end, else its planned end (never before its actual start)."""
    actual_end = getattr(item, "actual_end", None)
    if actual_end is not None:
        return actual_end
    actual_start = getattr(item, "actual_start", None)
    if actual_start is not None and actual_start > item.end:
        return actual_start + (item.end - item.start)
    return item.end


def _held(sessions):
    return [s for s in sessions if not s.is_cancelled]


def boundaries(event, sessions):
    """Every instant at which what a page shows about `event` changes: the
    forum's start and end, each session's start and end (actual when known,
    planned otherwise), sorted, without repeats."""
    instants = {event.start, event.end}
    for session in _held(sessions):
        instants.add(start_of(session))
        instants.add(end_of(session))
    return sorted(instants)


def next_boundary(event, sessions, now):
    """The first boundary after `now`, or None once the last has passed."""
    return next((instant for instant in boundaries(event, sessions) if instant > now), None)


@dataclass(frozen=True)
class Day:
    """What the now-and-next block shows at one instant.

    phase: "off" (cancelled or postponed: nothing is on), "before", "during", "after".
    current: the session on now (or None); following: the session after it (or the
    first one to come); last_ended: the session that ended last, with `recordings`
    (those that can be watched now) when it has any."""

    phase: str
    starts_at: datetime | None = None
    current: object = None
    following: object = None
    last_ended: object = None
    recordings: tuple = field(default_factory=tuple)


def recordings_shown(recordings, now):
    """The recordings a visitor can be given at `now`: those whose session (or forum) has ended."""
    return [r for r in recordings if end_of(r.session or r.event) <= now]


def day_at(event, sessions, now, recordings=()):
    """The Day of `event` at `now`; `sessions` in programme order, `recordings` those of the forum."""
    if event.status in ("cancelled", "postponed"):
        return Day(phase="off")
    held = sorted(_held(sessions), key=lambda s: (start_of(s), s.pk or 0))
    current = next((s for s in held if start_of(s) <= now < end_of(s)), None)
    upcoming = [s for s in held if start_of(s) > now and s is not current]
    following = upcoming[0] if upcoming else None
    ended = [s for s in held if end_of(s) <= now]
    last_ended = max(ended, key=end_of) if ended else None
    shown = recordings_shown(recordings, now)
    last_recordings = tuple(r for r in shown if last_ended is not None and r.session_id == last_ended.pk)
    if now < event.start and (current is None):
        return Day(phase="before", starts_at=event.start, following=following)
    if now >= event.end and current is None and following is None:
        return Day(phase="after", last_ended=last_ended, recordings=last_recordings)
    return Day(phase="during", current=current, following=following, last_ended=last_ended, recordings=last_recordings)


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
    now = now or timezone.now()
    seconds = seconds_to(next((instant for instant in sorted(instants) if instant > now), None), now)
    if seconds is not None:
        expires_within(response, seconds)
    return response
