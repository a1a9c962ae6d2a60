"""What a personal access link answers, once read: the meeting inside its
window, else when it opens, that the forum waits for a date, or that the
access was withdrawn. The meeting's address appears only in the redirect
(or beside its passcode) given to an approved journalist inside the window."""

from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone

from events.localtime import format_date, format_time, utc_offset, zone_name

from . import services
from .access import providers, window
from .models import MediaRegistration, accreditation_of

TEMPLATE = MediaRegistration.template("access.html")


def opening(accreditation, sessions=None):
    """When the links of a forum open and close, in words of the active language."""
    event = accreditation.event
    sessions = list(event.sessions.all()) if sessions is None else sessions
    opens, closes = window.window(accreditation, sessions)
    zone = event.zone
    return {
        "opens_date": format_date(opens, zone),
        "opens_time": format_time(opens, zone),
        "closes_date": format_date(closes, zone),
        "closes_time": format_time(closes, zone),
        "zone_name": zone_name(zone),
        "zone_offset": utc_offset(opens, zone),
    }


def withdrawn(request, event=None):
    return render(request, TEMPLATE, {"state": window.WITHDRAWN, "event": event}, status=410)


def answer(request, registration):
    now = timezone.now()
    services.access_opened(registration=registration, now=now)
    event = registration.event
    accreditation = accreditation_of(event)
    sessions = list(event.sessions.all())
    state = window.state(registration, accreditation, sessions, now=now)
    if state == window.WITHDRAWN:
        return withdrawn(request, event)
    context = {"state": state, "event": event}
    if state != window.POSTPONED:
        context.update(opening(accreditation, sessions))
    if state != window.OPEN:
        return render(request, TEMPLATE, context)
    meeting = providers.provider_of(accreditation).meeting(registration, accreditation)
    if meeting is None:
        return render(request, TEMPLATE, {**context, "state": "preparing"})
    if meeting.passcode:
        return render(request, TEMPLATE, {**context, "meeting": meeting})
    return HttpResponseRedirect(meeting.url)
