"""Dates as Moroccan administrations write them, in the page's language.

Django's Arabic locale uses the Mashreq month names (نوفمبر); Morocco writes
نونبر, دجنبر…, as the deadline engine's explanations do. One formatter for both.
"""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone, translation

from ati.law.deadlines import format_date

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
    return f"{longdate(local)}, {local:%H:%M}"
