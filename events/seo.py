"""Machine-readable descriptions of a page (schema.org JSON-LD)."""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.safestring import mark_safe

# As json_script does: no text in the data can close the <script> element.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def _organisation(org):
    data = {"@type": "Organization", "name": org.name}
    if org.url:
        data["url"] = org.url
    return data


# schema.org's EventStatusType for each of a forum's statuses.
EVENT_STATUS = {
    "scheduled": "https://schema.org/EventScheduled",
    "rescheduled": "https://schema.org/EventRescheduled",
    "postponed": "https://schema.org/EventPostponed",
    "cancelled": "https://schema.org/EventCancelled",
}


def _first_channel_url(event):
    return next((channel.url for channel in event.channels.all() if channel.url), "")


def event_jsonld(event, *, page_url, organisers=()):
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": event.title,
        "description": event.tagline or event.description[:300],
        "startDate": event.start.astimezone(event.zone).isoformat(),
        "endDate": event.end.astimezone(event.zone).isoformat(),
        "eventStatus": EVENT_STATUS[event.status],
        "eventAttendanceMode": "https://schema.org/OnlineEventAttendanceMode",
        "location": {"@type": "VirtualLocation", "url": _first_channel_url(event) or page_url},
        "url": page_url,
    }
    if event.previous_start is not None and event.status != event.Status.SCHEDULED:
        data["previousStartDate"] = event.previous_start.astimezone(event.zone).isoformat()
    if organisers:
        data["organizer"] = [_organisation(org) for org in organisers]
    return mark_safe(json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_SCRIPT_ESCAPES))  # noqa: S308
