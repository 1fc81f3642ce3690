from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext_lazy as _

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


#: The appeals figures' keys (ati.stats.appeals) as people read them; the msgids
#: are the appeals app's own, so they are translated once.
APPEAL_LABELS = {
    "refusal_confirmed": _("Refusal confirmed"),
    "disclosure_ordered": _("Disclosure ordered"),
    "partial_disclosure_ordered": _("Partial disclosure ordered"),
    "inadmissible": _("Inadmissible"),
    "withdrawn": _("Withdrawn"),
    "complied": _("Order complied with"),
    "not_complied": _("Order not complied with"),
    "pending": _("Awaiting compliance (deadline not passed)"),
    "annulled_by_court": _("Annulled by the administrative court"),
    "filed_by_applicant": _("Taken to court by the applicant"),
    "filed_by_body": _("Taken to court by the body"),
    "upheld": _("Upheld by the court"),
    "annulled": _("Annulled by the court"),
    "partly_annulled": _("Partly annulled by the court"),
}


@register.filter
def appeal_label(key: str) -> str:
    return str(APPEAL_LABELS.get(key, key))
