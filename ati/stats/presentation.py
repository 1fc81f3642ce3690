"""From figures to what a reader sees: formatted numbers, charts and their tables.

Shared by the public page and the annual report, so both show the same thing.
"""

from __future__ import annotations

from typing import Any

from django.utils import formats
from django.utils.translation import get_language, get_language_bidi
from django.utils.translation import gettext as _

from ati.law.deadlines import month_name

from . import charts
from .selectors import Figures, Line


def number(value: float | None, decimals: int = 0) -> str:
    if value is None:
        return "—"
    return str(formats.number_format(value, decimals, use_l10n=True, force_grouping=True))


def percent(rate: float | None) -> str:
    return "—" if rate is None else f"{number(rate * 100)} %"


def days(value: float | None) -> str:
    return "—" if value is None else number(value, 0 if float(value).is_integer() else 1)


def _month_label(line: Line) -> str:
    """The month as ati writes dates in the page's language: "décembre 2026", "دجنبر 2026"."""
    year, month = line.key
    return f"{month_name(month, get_language() or 'fr')} {year}"


def _month_ticks(months: list[Line]) -> list[str]:
    """The trend chart's labels: the month's name, the year under it where the year starts."""
    labels = []
    for i, line in enumerate(months):
        year, month = line.key
        name = month_name(month, get_language() or "fr")
        labels.append(f"{name}\n{year}" if i == 0 or month == 1 else name)
    return labels


def chart_context(
    fig: Figures, *, font: str = charts.FONT, prefix: str = "chart"
) -> dict[str, Any]:
    """The four charts, each with the rows of the table printed beside it."""
    rtl = get_language_bidi()
    ranked = [line for line in fig.bodies if line.rate is not None]
    on_time = charts.hbar_chart(
        f"{prefix}-on-time",
        _("On-time rate per body"),
        _(
            "Share of requests answered by the due date, among those whose deadline has come, "
            "for each body, highest first."
        ),
        [charts.Bar(line.label, line.rate or 0, percent(line.rate)) for line in ranked],
        max_value=1,
        rtl=rtl,
        font=font,
    )
    buckets = fig.response_buckets
    response = charts.column_chart(
        f"{prefix}-response",
        _("Time to answer"),
        _(
            "Number of answered requests by working days from receipt to the answer; the legal "
            "period is 20 working days, columns beyond it are in red."
        ),
        [charts.Bar(label, n, number(n)) for label, n in buckets],
        axis_label=_("working days"),
        rtl=rtl,
        highlight_after=3,
        font=font,
    )
    grounds = charts.hbar_chart(
        f"{prefix}-grounds",
        _("Refusals by legal ground"),
        _("How often each legal ground was cited in refusals and partial answers."),
        [charts.Bar(label, n, number(n)) for _code, label, n in fig.grounds],
        rtl=rtl,
        colour=charts.RED,
        font=font,
    )
    labels = [_month_label(m) for m in fig.months]
    trend = charts.line_chart(
        f"{prefix}-trend",
        _("Requests per month"),
        _("Requests received each month, and those of them answered on time."),
        _month_ticks(fig.months),
        [
            charts.Series(_("Received"), [m.counts["received"] for m in fig.months], charts.NAVY),
            charts.Series(
                _("Answered on time"),
                [m.counts["answered_on_time"] for m in fig.months],
                charts.BRAND,
                "6 4",
            ),
        ],
        rtl=rtl,
        font=font,
    )
    return {
        "on_time_chart": on_time,
        "response_chart": response,
        "grounds_chart": grounds,
        "trend_chart": trend,
        "ranked": ranked,
        "month_rows": [(label, m) for label, m in zip(labels, fig.months, strict=True)],
    }
