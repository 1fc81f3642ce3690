"""The annual report for the commission (Law 31-13 § 7): a PDF per language.

The same figures, charts and tables as the public page for one year, plus the
bodies that missed the legal deadline, the bodies that did not comply with the
commission's orders and the commission's decisions of the year (those two come
from the appeals app through `ati.stats.appeals`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

from ati.core.pdf import html_to_pdf

from .compute import refresh_stats
from .models import Snapshot
from .presentation import chart_context
from .selectors import figures, latest_snapshot, localized

LANGUAGES = ("fr", "ar", "en")
#: Law 31-13 came into force on 12 March 2019 (fully applicable from 2020).
FIRST_YEAR = 2019

FONTS = {
    "ar": "Amiri, 'DejaVu Sans', sans-serif",
    "fr": "'DejaVu Sans', Amiri, sans-serif",
    "en": "'DejaVu Sans', Amiri, sans-serif",
}


class ReportError(ValueError):
    """A year or language the report cannot be made for."""


def check_request(year: int, language: str, today: dt.date | None = None) -> None:
    today = today or timezone.localdate()
    if language not in LANGUAGES:
        raise ReportError(f"unknown language {language!r}: choose one of {', '.join(LANGUAGES)}")
    if not FIRST_YEAR <= year <= today.year:
        raise ReportError(f"no report for {year}: choose a year from {FIRST_YEAR} to {today.year}")


def report_html(snapshot: Snapshot, year: int, language: str) -> str:
    with translation.override(language):
        fig = figures(snapshot, year=year, language=language)
        late_bodies = sorted(
            (
                line
                for line in fig.bodies
                if line.counts["open_past_deadline"] or line.counts["answered_late"]
            ),
            key=lambda line: (
                -line.counts["open_past_deadline"],
                -line.counts["answered_late"],
                line.label,
            ),
        )
        bodies = snapshot.data["bodies"]

        def body_name(body_id: int) -> str:
            return localized(bodies.get(str(body_id), {}), "name", language) or str(body_id)

        context: dict[str, Any] = {
            "fig": fig,
            **chart_context(fig, font=FONTS[language], prefix="report"),
            "year": year,
            "lang": language,
            "rtl": translation.get_language_bidi(),
            "late_bodies": late_bodies,
            "non_compliant": [(body_name(b.body_id), b) for b in fig.appeals.non_compliant_bodies],
            "decisions": [(body_name(d.body_id), d) for d in fig.appeals.decisions],
            "site_name": settings.ATI_SITE_NAME,
            "site_url": settings.ATI_SITE_URL,
            "now": timezone.localtime(),
            "snapshot": snapshot,
        }
        return render_to_string("stats/report/annual.html", context)


def annual_report_pdf(year: int, language: str, *, refresh: bool = True) -> bytes:
    check_request(year, language)
    snapshot = refresh_stats() if refresh else latest_snapshot()
    assert snapshot is not None
    html = report_html(snapshot, year, language)
    return html_to_pdf(html)
