"""When a personal access link lets a journalist in: from a set time before
the forum (MediaAccreditation.access_opens_before) until it ends, following
the day's delays: a session's actual times where they were noted, a session
running late ending as long after its actual start as it was planned to last."""

from datetime import timedelta

OPEN, NOT_YET, ENDED, POSTPONED, WITHDRAWN = "open", "not_yet", "ended", "postponed", "withdrawn"


def _session_end(session):
    actual_end = getattr(session, "actual_end", None)
    if actual_end is not None:
        return actual_end
    actual_start = getattr(session, "actual_start", None)
    if actual_start is not None:
        return actual_start + (session.end - session.start)
    return session.end


def window(accreditation, sessions):
    """(opens, closes) of the access to the forum of `accreditation`."""
    event = accreditation.event
    opens = event.start - timedelta(minutes=accreditation.access_opens_before)
    ends = [event.end, *(_session_end(s) for s in sessions if not s.is_cancelled)]
    return opens, max(ends)


def state(registration, accreditation, sessions, *, now):
    """What opening the link now gives: the meeting (OPEN), a time to come
    back (NOT_YET), nothing any more (ENDED), a wait for the new date
    (POSTPONED), or WITHDRAWN: not approved, revoked, the forum cancelled."""
    event = registration.event
    approved = registration.status == registration.Status.APPROVED
    if not approved or registration.access_revoked or accreditation is None or event.is_cancelled:
        return WITHDRAWN
    if event.is_postponed:
        return POSTPONED
    opens, closes = window(accreditation, sessions)
    if now < opens:
        return NOT_YET
    if now >= closes:
        return ENDED
    return OPEN
