"""Month names that our catalogue translates in place of Django's own.

Django's Belarusian catalogue spells dates in the classical orthography
(«верасьня», «сьнежня», «траўня»), gives the nominative «сакавік» where a
date needs the genitive (the "alt. month" names that the `E` format uses:
«10 сакавіка 2027 г.») and genitive forms where a heading needs the
nominative (the `F` format: «сакавік 2027 г.»). Our catalogue, in
LOCALE_PATHS, comes first and carries the official orthography for Belarusian
and the same names for Russian. Django looks the names up by these message ids
(`django.utils.dates`); marking them here keeps them in our catalogue when
`make messages` refreshes it. Nothing needs to import this module.
"""

from django.utils.translation import gettext_lazy, pgettext_lazy

# As in a heading: "June 2021" (`F`).
MONTHS = (
    gettext_lazy("January"),
    gettext_lazy("February"),
    gettext_lazy("March"),
    gettext_lazy("April"),
    gettext_lazy("May"),
    gettext_lazy("June"),
    gettext_lazy("July"),
    gettext_lazy("August"),
    gettext_lazy("September"),
    gettext_lazy("October"),
    gettext_lazy("November"),
    gettext_lazy("December"),
)

# As in a date: "24 June 2021" (`E`: the genitive in Russian and Belarusian).
MONTHS_ALT = (
    pgettext_lazy("alt. month", "January"),
    pgettext_lazy("alt. month", "February"),
    pgettext_lazy("alt. month", "March"),
    pgettext_lazy("alt. month", "April"),
    pgettext_lazy("alt. month", "May"),
    pgettext_lazy("alt. month", "June"),
    pgettext_lazy("alt. month", "July"),
    pgettext_lazy("alt. month", "August"),
    pgettext_lazy("alt. month", "September"),
    pgettext_lazy("alt. month", "October"),
    pgettext_lazy("alt. month", "November"),
    pgettext_lazy("alt. month", "December"),
)
