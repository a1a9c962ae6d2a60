# "24 июня 2021 г." with genitive month names (E); Django's own "j F" for a day
# and month would say "24 Июнь".
DATE_FORMAT = "j E Y г."
DATETIME_FORMAT = "j E Y г., H:i"
TIME_FORMAT = "H:i"
YEAR_MONTH_FORMAT = "F Y г."
MONTH_DAY_FORMAT = "j E"
SHORT_DATE_FORMAT = "d.m.Y"
# Open Graph (og:locale) for pages in this language.
OG_LOCALE = "ru_RU"
