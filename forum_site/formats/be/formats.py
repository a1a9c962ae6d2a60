# Django ships no Belarusian formats; "24 чэрвеня 2021 г." with genitive month names (E).
# The month names themselves, in the official orthography, are in our catalogue
# (forum_site/formats/months.py says why).
DATE_FORMAT = "j E Y г."
DATETIME_FORMAT = "j E Y г., H:i"
TIME_FORMAT = "H:i"
YEAR_MONTH_FORMAT = "F Y г."
MONTH_DAY_FORMAT = "j E"
SHORT_DATE_FORMAT = "d.m.Y"
FIRST_DAY_OF_WEEK = 1
# Open Graph (og:locale) for pages in this language.
OG_LOCALE = "be_BY"
