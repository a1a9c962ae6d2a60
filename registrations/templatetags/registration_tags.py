from django import template
from django.conf import settings
from django.utils.translation import gettext as _

from events.localtime import format_date, format_time, utc_offset, zone_name
from plumbing.mirror import is_mirror_request

from .. import counts, links
from ..countries import country_name as _country_name

register = template.Library()


@register.filter
def country_name(code):
    """A country's name in the page's language."""
    return _country_name(code)


@register.filter
def language_names(codes):
    """Language codes as their names, comma-separated."""
    names = dict(settings.LANGUAGES)
    return ", ".join(str(names.get(code, code)) for code in codes)


@register.simple_tag
def confirmation_lifetime():
    """How long a confirmation link works, in words ("3 days"), from the setting."""
    return links.confirmation_lifetime()


@register.simple_tag(takes_context=True)
def count_note(context, declaration):
    """The line under a Declaration's count. On the site: that it follows new
    signatures within seconds. On the static mirror, which is copied now and
    then: when the count was taken, in the forum's time zone, read from the
    stored count (one state, one text: an unchanged mirror stays byte-identical)."""
    request = context.get("request")
    if request is None or not is_mirror_request(request):
        return _("The count is updated every few seconds.")
    at, zone = counts.declaration_counted_at(declaration), declaration.event.zone
    values = {
        "date": format_date(at, zone),
        "time": format_time(at, zone),
        "zone": zone_name(zone),
        "offset": utc_offset(at, zone),
    }
    return _("This copy shows the count as of %(date)s, %(time)s %(zone)s (%(offset)s).") % values
