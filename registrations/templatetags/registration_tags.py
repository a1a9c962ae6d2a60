from django import template
from django.conf import settings

from .. import links
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
