"""How the site spells an instant in an event's own time zone.

Shared by the pages, the calendar files and (later) the mail, so a visitor
reads the same words everywhere: "24 June 2021, 16:00–19:00 Minsk time (UTC+03:00)".
"""

import zoneinfo

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# Zones the forums are likely to use get a translated name; others show their
# IANA name, which is still unambiguous.
ZONE_NAMES = {
    "Europe/Minsk": gettext_lazy("Minsk time"),
    "Europe/Vilnius": gettext_lazy("Vilnius time"),
    "Europe/Warsaw": gettext_lazy("Warsaw time"),
    "Europe/Kyiv": gettext_lazy("Kyiv time"),
    "Europe/Berlin": gettext_lazy("Berlin time"),
    "Europe/London": gettext_lazy("London time"),
    "UTC": gettext_lazy("UTC"),
}


def as_zone(value, zone):
    if isinstance(zone, str):
        zone = zoneinfo.ZoneInfo(zone)
    return timezone.localtime(value, zone)


def zone_name(zone):
    key = zone if isinstance(zone, str) else zone.key
    return str(ZONE_NAMES.get(key, key))


def utc_offset(value, zone):
    """'UTC+03:00' for an instant in a zone (the offset can differ by season)."""
    offset = as_zone(value, zone).utcoffset()
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    hours, minutes = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{minutes:02d}"


def format_date(value, zone):
    return formats.date_format(as_zone(value, zone), "DATE_FORMAT")


def format_time(value, zone):
    return formats.time_format(as_zone(value, zone), "TIME_FORMAT")


def describe_range(start, end, zone):
    """The full sentence for a start and end, in the active language."""
    local_start, local_end = as_zone(start, zone), as_zone(end, zone)
    values = {
        "date": format_date(start, zone),
        "start": format_time(start, zone),
        "end": format_time(end, zone),
        "zone": zone_name(zone),
        "offset": utc_offset(start, zone),
    }
    if local_start.date() == local_end.date():
        return _("%(date)s, %(start)s–%(end)s %(zone)s (%(offset)s)") % values
    values["end_date"] = format_date(end, zone)
    return _("%(date)s, %(start)s – %(end_date)s, %(end)s %(zone)s (%(offset)s)") % values


def describe_times(start, end, zone):
    """Just the hours, for a programme already grouped by day: '16:00–16:15'."""
    return f"{format_time(start, zone)}–{format_time(end, zone)}"


def group_by_day(items, zone):
    """[(local date, [items])] in the order given, for a programme by day."""
    days = []
    for item in items:
        day = as_zone(item.start, zone).date()
        if not days or days[-1][0] != day:
            days.append((day, []))
        days[-1][1].append(item)
    return days
