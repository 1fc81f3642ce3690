# "7 دجنبر 2026"; with the time "7 دجنبر 2026، 12:27" (Moroccan month names: see
# ati/core/formats/__init__.py).
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y، H:i"
TIME_FORMAT = "H:i"
SHORT_DATE_FORMAT = "j F Y"
SHORT_DATETIME_FORMAT = "j F Y، H:i"
