"""The open data: one row per body × year × month, the same in CSV, JSON and the API.

Never any personal data: the rows come from the snapshot's aggregates, which
hold body codes and names, counts and working days only.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from .compute import COUNT_FIELDS
from .models import Snapshot
from .selectors import on_time_rate

SCHEMA_VERSION = "1.0"
LICENSE = (
    "Reuse permitted for lawful purposes, without distortion, citing the source and the "
    "date of publication (Law 31-13)."
)


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # integer, number, string
    unit: StrOrPromise
    description: StrOrPromise


_REQUESTS = _("requests")
_WORKING_DAYS = _("working days")

COLUMNS: tuple[Column, ...] = (
    Column("year", "integer", _("year"), _("Year in which the body received the requests.")),
    Column(
        "month", "integer", _("month (1-12)"), _("Month in which the body received the requests.")
    ),
    Column("body_code", "string", "", _("Stable identifier of the public body.")),
    Column("body_name_fr", "string", "", _("Name of the body in French.")),
    Column("body_name_ar", "string", "", _("Name of the body in Arabic.")),
    Column(
        "received",
        "integer",
        _REQUESTS,
        _("Requests received (including those later transferred or withdrawn)."),
    ),
    Column("answered", "integer", _REQUESTS, _("Requests answered (any outcome).")),
    Column(
        "answered_on_time",
        "integer",
        _REQUESTS,
        _("Answered on or before the due date in force (after any extension)."),
    ),
    Column("answered_late", "integer", _REQUESTS, _("Answered after the due date in force.")),
    Column(
        "open_within_deadline",
        "integer",
        _REQUESTS,
        _("Not answered yet, due date not passed (or awaiting a clarification)."),
    ),
    Column(
        "open_past_deadline",
        "integer",
        _REQUESTS,
        _("Not answered and past the due date: silence, which the law treats as a refusal."),
    ),
    Column("granted", "integer", _REQUESTS, _("Answered: information granted.")),
    Column(
        "partially_granted",
        "integer",
        _REQUESTS,
        _("Answered: partially granted, part withheld on a legal ground."),
    ),
    Column("refused", "integer", _REQUESTS, _("Answered: refused on a legal ground.")),
    Column(
        "not_held", "integer", _REQUESTS, _("Answered: the body does not hold the information.")
    ),
    Column(
        "transferred",
        "integer",
        _REQUESTS,
        _("Transferred to the body that holds the information (counted again there)."),
    ),
    Column("withdrawn", "integer", _REQUESTS, _("Withdrawn by the applicant.")),
    Column(
        "on_time_rate",
        "number",
        _("share (0 to 1)"),
        _(
            "answered_on_time / (answered_on_time + answered_late + open_past_deadline); "
            "empty when no deadline has come."
        ),
    ),
    Column(
        "median_response_working_days",
        "number",
        _WORKING_DAYS,
        _(
            "Median time to answer, in working days from receipt to the answer; empty when "
            "nothing was answered."
        ),
    ),
    Column(
        "p90_response_working_days",
        "number",
        _WORKING_DAYS,
        _("90th percentile of the time to answer (continuous, as PostgreSQL percentile_cont)."),
    ),
    Column(
        "mean_response_working_days",
        "number",
        _WORKING_DAYS,
        _("Mean time to answer, in working days."),
    ),
)
COLUMN_NAMES = tuple(c.name for c in COLUMNS)


def _round(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(value, digits)


def rows(
    snapshot: Snapshot, *, year: int | None = None, body_code: str | None = None
) -> list[dict[str, Any]]:
    bodies = snapshot.data["bodies"]
    result = []
    for row in snapshot.data["monthly"]:
        body = bodies.get(str(row["body_id"]), {})
        if year is not None and row["year"] != year:
            continue
        if body_code is not None and body.get("code") != body_code:
            continue
        counts = {name: row[name] for name in COUNT_FIELDS}
        answered = row["answered"]
        result.append(
            {
                "year": row["year"],
                "month": row["month"],
                "body_code": body.get("code", ""),
                "body_name_fr": body.get("name_fr", ""),
                "body_name_ar": body.get("name_ar", ""),
                **counts,
                "on_time_rate": _round(on_time_rate(counts)),
                "median_response_working_days": _round(row["median_response_days"], 2),
                "p90_response_working_days": _round(row["p90_response_days"], 2),
                "mean_response_working_days": _round(
                    row["response_days_sum"] / answered if answered else None, 2
                ),
            }
        )
    result.sort(key=lambda r: (r["year"], r["month"], r["body_code"]))
    return result


def as_csv(data: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMN_NAMES, lineterminator="\r\n")
    writer.writeheader()
    for row in data:
        writer.writerow({k: "" if v is None else v for k, v in row.items()})
    return out.getvalue()


def as_json(snapshot: Snapshot, data: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "computed_at": snapshot.computed_at.isoformat(),
        "license": LICENSE,
        "columns": [
            {"name": c.name, "type": c.type, "unit": str(c.unit), "description": str(c.description)}
            for c in COLUMNS
        ],
        "rows": data,
    }
