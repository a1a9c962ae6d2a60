from django import template
from django.conf import settings

from ..countries import country_name as _country_name
from ..models import Declaration, accreditation_of

register = template.Library()


@register.simple_tag
def open_media_accreditation(event):
    """The event's media accreditation while it accepts registrations, else None."""
    accreditation = accreditation_of(event)
    if accreditation is not None and accreditation.accepts_registrations():
        return accreditation
    return None


@register.simple_tag
def declaration_of(event):
    """The event's Declaration with its live count (one query), or None."""
    return Declaration.objects.with_count().filter(event=event).select_related("event").first()


@register.filter
def country_name(code):
    """A country's name in the page's language."""
    return _country_name(code)


@register.filter
def language_names(codes):
    """Language codes as their names, comma-separated."""
    names = dict(settings.LANGUAGES)
    return ", ".join(str(names.get(code, code)) for code in codes)
