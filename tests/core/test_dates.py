"""One date format and one date-time format per language, everywhere (issue 18).

Every template writes a date with `longdate` / `longdatetime` (ati_format): Moroccan
month names in Arabic, the same words on every page, letter, e-mail and notice.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.template import Context, Template
from django.utils import formats, translation

ROOT = Path(__file__).resolve().parents[2]

# A date in a template goes through longdate/longdatetime; the only `|date` left
# writes a machine-readable value in a <time datetime="…"> attribute.
OTHER_FORMATS = re.compile(
    r"\|\s*(date|time|naturaltime|naturalday|localize)\b|\{%\s*(now|localize)\b|date_format"
)
MACHINE = re.compile(r"""datetime="\{\{\s*[\w.]+\|date:['"](c|Y-m-d)['"]\s*\}\}\"""")
# Python that writes a date for people uses ati.law.deadlines.format_date.
PY_FORMATS = re.compile(r"\.strftime\(|date_format\(|formats\.localize\(")
PY_ALLOWED = {"ati/stats/views.py"}  # the HTTP Last-Modified header (RFC 9110)


def test_templates_use_the_one_date_format():
    found = []
    for path in sorted((ROOT / "templates").rglob("*")):
        if path.suffix not in (".html", ".txt"):
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if OTHER_FORMATS.search(MACHINE.sub("", line)):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()[:120]}")
    assert not found, "dates not written with longdate/longdatetime:\n" + "\n".join(found)


def test_python_writes_dates_with_format_date():
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sorted((ROOT / "ati").rglob("*.py"))
        if str(path.relative_to(ROOT)) not in PY_ALLOWED and "migrations" not in path.parts
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if PY_FORMATS.search(line)
    ]
    assert not found, found


@pytest.mark.parametrize(
    ("language", "day", "moment"),
    [
        ("fr", "7 décembre 2026", "7 décembre 2026, 00:27"),
        ("ar", "7 دجنبر 2026", "7 دجنبر 2026، 00:27"),
        ("en", "7 December 2026", "7 December 2026, 00:27"),
    ],
)
def test_a_date_in_each_language(language, day, moment):
    template = Template("{% load ati_format %}{{ d|longdate }}|{{ t|longdatetime }}")
    # 23:27 UTC is 00:27 the next day in Rabat (UTC+1): the local date is written.
    instant = dt.datetime(2026, 12, 6, 23, 27, tzinfo=dt.UTC)
    with translation.override(language):
        text = template.render(Context({"d": dt.date(2026, 12, 7), "t": instant}))
        # What Django formats itself (admin, widgets) follows the same pattern.
        assert formats.get_format("DATE_FORMAT") == "j F Y"
    assert text == f"{day}|{moment}"
    if language == "ar":
        assert "ديسمبر" not in text  # the Mashreq name of Django's catalogue


def test_first_of_the_month_in_french():
    with translation.override("fr"):
        text = Template("{% load ati_format %}{{ d|longdate }}").render(
            Context({"d": dt.date(2026, 12, 1)})
        )
    assert text == "1er décembre 2026"


def test_isolate_sets_apart_each_line_in_arabic_only():
    template = Template("{% load ati_format %}{{ v|isolate }}")
    value = "Le budget.\r\n\r\n<b>2025</b>"
    with translation.override("ar"):
        arabic = template.render(Context({"v": value}))
    with translation.override("fr"):
        french = template.render(Context({"v": value}))
    assert arabic == "\u2068Le budget.\u2069\n\n\u2068&lt;b&gt;2025&lt;/b&gt;\u2069"
    assert french == "Le budget.\r\n\r\n&lt;b&gt;2025&lt;/b&gt;"
