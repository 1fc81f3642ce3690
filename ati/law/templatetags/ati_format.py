"""Dates as Moroccan administrations write them, in the page's language: the one
date format and the one date-time format of the site (ati/core/formats/).

Django's Arabic locale uses the Mashreq month names (نوفمبر); Morocco writes
نونبر, دجنبر…, as the deadline engine's explanations do. One formatter for both:
every template, letter, e-mail and notice writes a date with `longdate` or
`longdatetime` (tests/core/test_dates.py finds any other).
"""

from __future__ import annotations

import datetime as dt
import re

from django import template
from django.utils import timezone, translation
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from ati.law.deadlines import explain_stored, format_date

register = template.Library()


def _as_date(value: dt.date | dt.datetime) -> dt.date:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


@register.filter
def longdate(value: dt.date | dt.datetime | None) -> str:
    """'1 décembre 2026', '1 دجنبر 2026', '1 December 2026'."""
    if not value:
        return ""
    return format_date(_as_date(value), translation.get_language() or "fr", weekday=False)


@register.filter
def longdatetime(value: dt.datetime | None) -> str:
    """The date as `longdate`, then the local time (24-hour clock)."""
    if not value:
        return ""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    comma = "، " if (translation.get_language() or "fr")[:2] == "ar" else ", "
    return f"{longdate(local)}{comma}{local:%H:%M}"


#: First strong isolate and pop directional isolate (Unicode UAX #9).
FSI, PDI = "\u2068", "\u2069"


@register.filter(needs_autoescape=True)
def isolate(value: object, autoescape: bool = True) -> str:
    """A reference, number, date or Latin name set apart from the Arabic around it.

    In a right-to-left text the bidi algorithm otherwise moves the punctuation
    next to it ("DAI-2026-00001 ·", "2025." printed as ".2025"). Browsers honour
    <bdi>, but WeasyPrint and plain-text e-mails do not: Unicode isolates work in
    all three. A text of several lines is isolated line by line, each taking the
    direction of its first letter. Left-to-right languages get the value unchanged.
    """
    text = "" if value is None else str(value)
    escaped = conditional_escape(text) if autoescape else text
    if not text or not translation.get_language_bidi():
        return mark_safe(escaped)
    # A line break ends an isolate (it ends the bidi paragraph): each line gets its own.
    lines = str(escaped).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return mark_safe("\n".join(f"{FSI}{line}{PDI}" if line else "" for line in lines))


@register.filter
def due_explained(obj: object) -> str:
    """How ``obj``'s due date was computed (its ``due_basis``), in the reader's language."""
    return explain_stored(
        getattr(obj, "due_basis", None),
        getattr(obj, "due_explanation", ""),
        translation.get_language() or "fr",
    )


_NUMBER_HYPHEN = re.compile(r"(?<=\d)-(?=\d)")
_NUMERO_SPACE = re.compile(r"(?<=n°) (?=\d)")


@register.filter(is_safe=True)
def unbroken_numbers(value: object) -> str:
    """A law's number ("loi n° 31-13") is never cut at its hyphen nor after "n°".

    U+2011 NON-BREAKING HYPHEN between digits, a no-break space after "n°": a
    line ending in "31-" read as another number. Only text changes, so a safe
    value (a rendered block) stays safe.
    """
    text = "" if value is None else str(value)
    return _NUMERO_SPACE.sub("\u00a0", _NUMBER_HYPHEN.sub("\u2011", text))
