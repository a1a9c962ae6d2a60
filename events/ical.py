"""Calendar files (RFC 5545): objects in, bytes out.

Nothing here reads the request or the database: callers pass the event, its
sessions and the absolute address of the page. Output depends only on its
inputs (DTSTAMP is the row's last change, not the clock), so the same data
always gives the same bytes.
"""

from datetime import UTC, date, timedelta
from functools import lru_cache
from urllib.parse import urlencode

from django.utils.translation import get_language
from django.utils.translation import gettext as _
from icalendar import Calendar, Timezone, vCalAddress, vText
from icalendar import Event as VEvent

from .localtime import (
    as_zone,
    describe_range,
    describe_times,
    format_date,
    group_by_day,
    utc_offset,
    zone_name,
)

PRODID = "-//forum-site//Forum calendar//EN"
# How often subscribed clients should fetch the feed again.
REFRESH_INTERVAL = timedelta(hours=1)


def _calendar(name, zone_key, method="PUBLISH"):
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", zone_key)
    cal.add("refresh-interval", REFRESH_INTERVAL, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "PT1H")
    return cal


def _describe(*, start, end, zone, text, url):
    parts = [describe_range(start, end, zone)]
    if text:
        parts.append(text)
    parts.append(url)
    return "\n\n".join(parts)


def _vevent(*, item, summary, text, url, zone, location, status="CONFIRMED", extra_description=""):
    vevent = VEvent()
    vevent.add("uid", str(item.uid))
    vevent.add("dtstamp", item.updated_at.astimezone(UTC))
    vevent.add("last-modified", item.updated_at.astimezone(UTC))
    vevent.add("created", item.created_at.astimezone(UTC))
    vevent.add("sequence", item.sequence)
    vevent.add("dtstart", as_zone(item.start, zone))
    vevent.add("dtend", as_zone(item.end, zone))
    vevent.add("summary", summary)
    description = _describe(start=item.start, end=item.end, zone=zone, text=text, url=url)
    if extra_description:
        description = f"{extra_description}\n\n{description}"
    vevent.add("description", description)
    vevent.add("url", url)
    vevent.add("location", location)
    vevent.add("status", status)
    vevent.add("transp", "TRANSPARENT" if status == "CANCELLED" else "OPAQUE")
    return vevent


def _location(event):
    channel = next((c for c in event.channels.all() if c.url), None)
    return channel.url if channel else _("Online")


@lru_cache(maxsize=64)
def _vtimezone(tzid, first_date, last_date):
    """A zone's VTIMEZONE over a span of years: a tenth of a second to build
    from the zone's rules, so built once per process (the static mirror
    writes a calendar per session). Only read afterwards."""
    return Timezone.from_tzid(tzid, first_date=first_date, last_date=last_date)


def _finish(cal, *events):
    """The calendar's bytes, with the VTIMEZONE of every zone it uses first
    (as icalendar's `add_missing_timezones` places them)."""
    years = [as_zone(event.start, event.zone).year for event in events] or [date.today().year]
    first_date, last_date = date(min(years) - 1, 1, 1), date(max(years) + 2, 1, 1)
    existing = len(cal.timezones)
    for tzid in cal.get_missing_tzids():
        try:
            vtimezone = _vtimezone(tzid, first_date, last_date)
        except ValueError:
            continue  # a zone icalendar does not know: left out, as add_missing_timezones does
        cal.subcomponents.insert(existing, vtimezone)
    return cal.to_ical()


def _summary(title, *, status):
    if status == "CANCELLED":
        return _("Cancelled: %(title)s") % {"title": title}
    if status == "TENTATIVE":
        return _("Postponed: %(title)s") % {"title": title}
    return title


def event_status(event):
    """The forum's STATUS (RFC 5545): cancelled, tentative while postponed, else confirmed."""
    if event.is_cancelled:
        return "CANCELLED"
    if event.is_postponed:
        return "TENTATIVE"
    return "CONFIRMED"


def _session_status(session, event):
    return "CANCELLED" if session.is_cancelled else event_status(event)


def _joined(*parts):
    return "\n\n".join(part for part in parts if part)


def session_vevent(session, *, event, page_url, recording_url=""):
    """A session's entry; once it has ended, `recording_url` (its recording) is its URL."""
    status = _session_status(session, event)
    return _vevent(
        item=session,
        summary=_summary(session.title, status=status),
        text=_joined(
            event.title, session.description, recording_url and _("Recording: %(url)s") % {"url": recording_url}
        ),
        url=recording_url or f"{page_url}#session-{session.pk}",
        zone=event.zone,
        location=_location(event),
        status=status,
        extra_description=_joined(event.status_text(), session.status_sentence()),
    )


def event_vevent(event, *, page_url, extra_description="", location=""):
    status = event_status(event)
    return _vevent(
        item=event,
        summary=_summary(event.title, status=status),
        text=event.tagline,
        url=page_url,
        zone=event.zone,
        location=location or _location(event),
        extra_description=_joined(event.status_text(), extra_description),
        status=status,
    )


def event_calendar(event, sessions, *, page_url):
    """The whole forum: one entry per session, or the event itself when it
    has no programme yet."""
    cal = _calendar(event.title, event.timezone)
    sessions = list(sessions)
    if sessions:
        for session in sessions:
            cal.add_component(session_vevent(session, event=event, page_url=page_url))
    else:
        cal.add_component(event_vevent(event, page_url=page_url))
    return _finish(cal, event)


def session_calendar(session, *, event, page_url, recording_url=""):
    cal = _calendar(f"{event.title}: {session.title}", event.timezone)
    cal.add_component(session_vevent(session, event=event, page_url=page_url, recording_url=recording_url))
    return _finish(cal, event)


def _utc_stamp(value):
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def google_calendar_url(*, title, start, end, details, zone_key):
    query = urlencode(
        {
            "action": "TEMPLATE",
            "text": title,
            "dates": f"{_utc_stamp(start)}/{_utc_stamp(end)}",
            "details": details,
            "ctz": zone_key,
            "hl": get_language() or "en",
        }
    )
    return f"https://calendar.google.com/calendar/render?{query}"


def outlook_calendar_url(*, title, start, end, details):
    query = urlencode(
        {
            "path": "/calendar/action/compose",
            "rru": "addevent",
            "subject": title,
            "startdt": start.astimezone(UTC).isoformat().replace("+00:00", "Z"),
            "enddt": end.astimezone(UTC).isoformat().replace("+00:00", "Z"),
            "body": details,
        }
    )
    return f"https://outlook.live.com/calendar/0/action/compose?{query}"


def programme_text(event, sessions):
    """The programme as plain text, in the active language: per day, each
    session's hours in the forum's zone and its title, cancelled ones marked.
    Empty without sessions."""
    sessions = list(sessions)
    if not sessions:
        return ""
    zone = event.zone
    heading = _("Programme, %(zone)s (%(offset)s):")
    lines = [heading % {"zone": zone_name(zone), "offset": utc_offset(event.start, zone)}]
    for _day, items in group_by_day(sessions, zone):
        lines.append("")
        lines.append(format_date(items[0].start, zone))
        for session in items:
            title = _summary(session.title, status="CANCELLED" if session.is_cancelled else "CONFIRMED")
            lines.append(f"{describe_times(session.start, session.end, zone)} {title}")
    return "\n".join(lines)


def event_invitation(
    event,
    *,
    page_url,
    private_text="",
    location="",
    organizer="",
    attendee=None,
    revision=0,
    sessions=(),
    cancel=False,
):
    """One entry for the whole event, for one person, as an iTIP message
    (RFC 5546): `location` is where they join (their meeting link, say; the
    public stream when empty), `private_text` (the access note) opens the
    description, and the programme (`sessions`) follows it. With `organizer`
    (the forum's contact address) and `attendee` ((name, address)) it is a
    REQUEST, which calendars keep and update: the same UID, a SEQUENCE that
    grows with the event's (a changed programme is a change of the event) and
    with `revision` (the access's own changes). A cancelled event gives a
    CANCEL; so does `cancel` (this person's entry alone, their access withdrawn)."""
    method = "CANCEL" if event.is_cancelled or cancel else "REQUEST"
    cal = _calendar(event.title, event.timezone, method=method)
    opening = "\n\n".join(part for part in (private_text, programme_text(event, sessions)) if part)
    vevent = event_vevent(event, page_url=page_url, extra_description=opening, location=location)
    vevent.pop("sequence")
    vevent.add("sequence", event.sequence + revision)
    if cancel:
        vevent.pop("status")
        vevent.add("status", "CANCELLED")
    if organizer:
        vevent.add("organizer", vCalAddress(f"mailto:{organizer}"), encode=0)
    if attendee is not None:
        name, address = attendee
        person = vCalAddress(f"mailto:{address}")
        person.params["CN"] = vText(name)
        person.params["ROLE"] = vText("NON-PARTICIPANT")
        person.params["PARTSTAT"] = vText("ACCEPTED")
        person.params["RSVP"] = vText("FALSE")
        vevent.add("attendee", person, encode=0)
    cal.add_component(vevent)
    return _finish(cal, event)


def attendee_calendar(entries, *, page_url_for):
    """Staff's list of people for their own calendar: one entry per event,
    with an ATTENDEE for each (event, name, email) given."""
    cal = _calendar(_("Approved media"), "UTC")
    events = {}
    for event, name, email in entries:
        if event.pk not in events:
            events[event.pk] = (event, event_vevent(event, page_url=page_url_for(event)))
        attendee = vCalAddress(f"mailto:{email}")
        attendee.params["CN"] = vText(name)
        attendee.params["ROLE"] = vText("NON-PARTICIPANT")
        attendee.params["PARTSTAT"] = vText("ACCEPTED")
        events[event.pk][1].add("attendee", attendee, encode=0)
    for _event, vevent in events.values():
        cal.add_component(vevent)
    return _finish(cal, *(event for event, _vevent in events.values()))
