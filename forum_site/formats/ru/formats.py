# "24 июня 2021 г." with Django's genitive month names (E).
DATE_FORMAT = "j E Y г."
DATETIME_FORMAT = "j E Y г., H:i"
TIME_FORMAT = "H:i"
SHORT_DATE_FORMAT = "d.m.Y"
# Open Graph (og:locale) for pages in this language.
OG_LOCALE = "ru_RU"
