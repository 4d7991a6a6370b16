"""English dates as the app writes them everywhere: "20 Dec 2026", "20 Dec 2026, 13:05".

Django's own English formats ("Dec. 20, 2026") differ from the day-first dates our templates
write, so a page would show both; these make `date_format` and the `date` filter's defaults
agree with the templates. Other languages keep Django's formats for their locale.
"""

DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y, H:i"
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
FIRST_DAY_OF_WEEK = 1  # Monday
