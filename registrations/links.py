"""Private links in mail: signed, expiring, and tied to the row's link key,
so they cannot be guessed, forged, or used after erasure.

The token travels in the query string (`?t=`), which the access log of the
production server leaves out.
"""

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import translation
from django.utils.translation import ngettext

from events.localtime import format_date, format_time, zone_name

CONFIRM = "confirm"
STATUS = "status"
_MAX_AGE = {CONFIRM: "CONFIRMATION_LINK_MAX_AGE", STATUS: "STATUS_LINK_MAX_AGE"}


class InvalidLink(Exception):
    """The link is expired, altered or no longer valid."""


def make_token(purpose, obj):
    """The signed token; it also names the version of the data when it was
    made, so the confirm page can say what changed since the link was sent."""
    data = {"id": obj.pk, "k": obj.link_key, "v": obj.version}
    return signing.dumps(data, salt=f"{obj._meta.label_lower}.{purpose}", compress=True)


def read_token(purpose, model, token):
    """The row the token names, or InvalidLink. The row's `link_version` is
    the version the link was made with (None for a link made before links
    carried one)."""
    try:
        data = signing.loads(
            token or "",
            salt=f"{model._meta.label_lower}.{purpose}",
            max_age=getattr(settings, _MAX_AGE[purpose]),
        )
        row = model.objects.get(pk=data["id"], link_key=data["k"])
    except (signing.BadSignature, model.DoesNotExist, KeyError, TypeError, ValueError) as exc:
        raise InvalidLink from exc
    version = data.get("v")
    row.link_version = version if isinstance(version, int) else None
    return row


def absolute_link(person, purpose, *, language):
    """The private link that opens `purpose` (confirm or status) for a person."""
    with translation.override(language):
        path = reverse(person.url_name(purpose))
    return f"{settings.SITE_URL}{path}?t={make_token(purpose, person)}"


def lifetime_in_words(seconds):
    """A link's lifetime as a person reads it, in the active language: whole
    days, else whole hours, else minutes (a part of a minute counts as one)."""
    for unit, words in ((86400, _days), (3600, _hours)):
        if seconds >= unit and seconds % unit == 0:
            return words(seconds // unit)
    return _minutes(-(-seconds // 60))


def _days(count):
    return ngettext("%(count)d day", "%(count)d days", count) % {"count": count}


def _hours(count):
    return ngettext("%(count)d hour", "%(count)d hours", count) % {"count": count}


def _minutes(count):
    return ngettext("%(count)d minute", "%(count)d minutes", count) % {"count": count}


def confirmation_lifetime():
    """How long a confirmation link works (CONFIRMATION_LINK_MAX_AGE), in words."""
    return lifetime_in_words(settings.CONFIRMATION_LINK_MAX_AGE)


def changes_since_sent(person):
    """The confirm page's line on what changed since its link was sent: how
    many submissions replaced the data and when the last came, in the forum's
    time zone and the active language; empty when nothing changed."""
    sent = getattr(person, "link_version", None)
    count = person.version - sent if sent else 0
    if count <= 0:
        return ""
    zone = person.event.timezone
    values = {
        "count": count,
        "date": format_date(person.submitted_at, zone),
        "time": format_time(person.submitted_at, zone),
        "zone": zone_name(zone),
    }
    return (
        ngettext(
            "This data was changed %(count)d time since this link was sent, last on %(date)s at %(time)s (%(zone)s).",
            "This data was changed %(count)d times since this link was sent, last on %(date)s at %(time)s (%(zone)s).",
            count,
        )
        % values
    )
