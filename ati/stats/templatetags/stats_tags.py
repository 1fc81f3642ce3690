from __future__ import annotations

from typing import Any

from django import template

from ati.stats import presentation

register = template.Library()


@register.filter
def num(value: Any, decimals: int = 0) -> str:
    return presentation.number(value, decimals)


@register.filter
def pct(rate: float | None) -> str:
    return presentation.percent(rate)


@register.filter
def wdays(value: float | None) -> str:
    return presentation.days(value)


@register.filter
def get(mapping: dict[str, Any], key: str) -> Any:
    return mapping.get(key, 0)
