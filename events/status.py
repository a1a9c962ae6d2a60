"""What a reader is told about a forum's status, in the active language: one
home for the words the pages, calendars, feeds and mail all say."""

from django.utils.text import Truncator
from django.utils.translation import gettext as _

from .localtime import describe_range, format_date, format_time, zone_name


def _instant(value, zone):
    return _("%(date)s, %(time)s %(zone)s") % {
        "date": format_date(value, zone),
        "time": format_time(value, zone),
        "zone": zone_name(zone),
    }


def status_sentence(event):
    """One sentence for a forum that is not simply scheduled, else ""."""
    status = event.Status
    if event.status == status.CANCELLED:
        return _("The forum is cancelled.")
    if event.status == status.POSTPONED:
        return _("The forum is postponed. The new date will be announced.")
    if event.status == status.RESCHEDULED:
        if event.previous_start is None:
            return _("The forum has been moved to a new date.")
        return _("The forum has been moved. It was to start on %(previous)s.") % {
            "previous": _instant(event.previous_start, event.zone)
        }
    return ""


def status_text(event):
    """The sentence and the organisers' note (when they wrote one), as plain text."""
    return "\n".join(part for part in (status_sentence(event), event.status_note) if part)


def session_sentence(session, *, zone):
    """'Cancelled.' or where a moved session was to start, else ""."""
    if session.is_cancelled:
        return _("This session is cancelled.")
    if session.previous_start is not None:
        return _("Moved: it was to start on %(previous)s.") % {"previous": _instant(session.previous_start, zone)}
    return ""


def when_text(event):
    """The forum's time as a sentence; a postponed forum's says a new date is to come."""
    when = describe_range(event.start, event.end, event.zone)
    if event.status == event.Status.POSTPONED:
        return _("New date to be announced (it was to be %(when)s)") % {"when": when}
    return when


def summary(event, length=200):
    """A page's description (meta, Open Graph): the status first, then what the forum is."""
    text = " ".join(part for part in (status_sentence(event), event.tagline or event.description) if part)
    return Truncator(" ".join(text.split())).chars(length)
