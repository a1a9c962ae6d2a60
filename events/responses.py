"""The HTTP side of calendars: `ical.py` makes the bytes, this sends them."""

from django.http import HttpResponse


class CalendarResponse(HttpResponse):
    def __init__(self, content, *, filename, **kwargs):
        super().__init__(content, content_type="text/calendar; charset=utf-8", **kwargs)
        self["Content-Disposition"] = f'attachment; filename="{filename}"'
