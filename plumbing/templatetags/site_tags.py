"""Tags every page uses, whatever it shows: this page in every language,
the English fallback of a translated field, machine-readable instants,
Open Graph's locale."""

import re
from datetime import UTC

from django import template
from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.urls import translate_url
from django.utils.formats import get_format
from django.utils.translation import get_language

register = template.Library()

_LANGUAGE_PREFIX = re.compile(r"^/({})(/|$)".format("|".join(code for code, _ in settings.LANGUAGES)))


@register.simple_tag(takes_context=True)
def language_alternates(context):
    """This page in every language: [{code, name, path, absolute url}], for
    the switcher (plain links: the path carries the language, no cookie) and
    the hreflang links."""
    request = context["request"]
    return [
        {
            "code": code,
            "name": name,
            "path": translate_url(request.path, code),
            "url": _absolute(request, translate_url(request.path, code)),
            "current": code == get_language(),
        }
        for code, name in settings.LANGUAGES
    ]


def _absolute(request, path):
    try:
        return request.build_absolute_uri(path)
    except DisallowedHost:  # the 400 page for a request with a bad Host header
        return path


@register.simple_tag(takes_context=True)
def x_default_url(context):
    """The page without a language prefix: it redirects by Accept-Language."""
    request = context["request"]
    return _absolute(request, _LANGUAGE_PREFIX.sub("/", request.path, count=1))


@register.filter
def fallback_lang(obj, field):
    """'en' when the text shown for `field` is the English fallback because
    the current language's translation is empty; '' otherwise."""
    code = get_language()
    if code == settings.MODELTRANSLATION_DEFAULT_LANGUAGE:
        return ""
    own = getattr(obj, f"{field}_{code}", None)
    return "" if own else settings.MODELTRANSLATION_DEFAULT_LANGUAGE


@register.filter
def utc_iso(value):
    """An instant as machine-readable UTC, for <time datetime> and scripts."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@register.filter
def og_locale(code):
    """Open Graph's locale for a language, from its formats module (OG_LOCALE)."""
    value = get_format("OG_LOCALE", code)
    return code if value == "OG_LOCALE" else value
