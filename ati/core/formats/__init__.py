"""One date format and one date-time format per language (FORMAT_MODULE_PATH).

The site writes every date with the `longdate` / `longdatetime` filters
(`ati.law.templatetags.ati_format`), which follow these formats with the month
names of `ati.law.deadlines` (Moroccan ones in Arabic: دجنبر, not ديسمبر, which
Django's own catalogue would give). These modules set the same formats for what
Django formats itself (the admin, form widgets), so no page shows a second one.
"""
