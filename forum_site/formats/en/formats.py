# British-style dates for the English pages: "24 June 2021".
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
TIME_FORMAT = "H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "d/m/Y"
# Open Graph (og:locale) for pages in this language.
OG_LOCALE = "en_GB"
