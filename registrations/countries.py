"""Country names in the visitor's language (ISO 3166, pycountry's
translations), looked up once per language."""

import gettext
from functools import lru_cache

import pycountry
from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


@lru_cache(maxsize=8)
def _country_choices(language):
    names = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language], fallback=True)
    choices = [(c.alpha_2, names.gettext(getattr(c, "common_name", None) or c.name)) for c in pycountry.countries]
    return sorted(choices, key=lambda choice: choice[1].casefold())


def country_choices():
    return [("", _("Choose a country")), *_country_choices(get_language() or settings.LANGUAGE_CODE)]


@lru_cache(maxsize=8)
def _country_names(language):
    return dict(_country_choices(language))


def country_name(code):
    return _country_names(get_language() or settings.LANGUAGE_CODE).get(code, code)


@lru_cache(maxsize=1)
def country_codes():
    """Every code a form accepts: one set lookup, where the list of ~250
    choices would be built and walked on each validation."""
    return frozenset(c.alpha_2 for c in pycountry.countries)
