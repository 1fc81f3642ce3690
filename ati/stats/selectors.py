"""Reading the figures: the latest snapshot, sliced by year and body for pages and files.

Everything here works on the snapshot's aggregate rows (a few per body and
month), never on requests.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import get_language

from .appeals import AppealFigures
from .compute import COUNT_FIELDS, median_p90, refresh_stats
from .models import Snapshot

#: Buckets of the response-time chart, in working days (the law's 20 is a boundary).
RESPONSE_BUCKETS: tuple[tuple[int, int | None], ...] = (
    (0, 5),
    (6, 10),
    (11, 15),
    (16, 20),
    (21, 25),
    (26, 30),
    (31, 40),
    (41, None),
)

_lock = threading.Lock()
_latest: dict[str, Snapshot] = {}


def latest_snapshot(*, refresh_if_missing: bool = True) -> Snapshot | None:
    """The newest snapshot; parsed once per process and reused while it stays the newest."""
    head = Snapshot.objects.order_by("-computed_at", "-pk").values_list("pk", "computed_at").first()
    if head is None:
        return refresh_stats() if refresh_if_missing else None
    cached = _latest.get("snapshot")
    if cached is not None and (cached.pk, cached.computed_at) == head:
        return cached
    snapshot = Snapshot.objects.get(pk=head[0])
    with _lock:
        _latest["snapshot"] = snapshot
    return snapshot


def forget_snapshot() -> None:
    """Drop the process's parsed snapshot (tests, whose databases reuse primary keys)."""
    with _lock:
        _latest.clear()


def localized(row: dict[str, Any], name: str, language: str | None = None) -> str:
    lang = (language or get_language() or "fr")[:2]
    for code in (lang, "fr", "ar", "en"):
        if row.get(f"{name}_{code}"):
            return str(row[f"{name}_{code}"])
    return ""


def on_time_rate(counts: dict[str, Any]) -> float | None:
    """Answered on time among the requests whose deadline has come (silence counts as late)."""
    due = counts["answered_on_time"] + counts["answered_late"] + counts["open_past_deadline"]
    return counts["answered_on_time"] / due if due else None


def _empty_counts() -> dict[str, int]:
    return dict.fromkeys((*COUNT_FIELDS, "response_days_sum"), 0)


def _add(total: dict[str, int], row: dict[str, Any]) -> None:
    for name in total:
        total[name] += row.get(name) or 0


@dataclass
class Line:
    """The figures of one body, department or month."""

    key: Any
    label: str
    counts: dict[str, int]
    median: float | None = None
    p90: float | None = None
    code: str = ""

    @property
    def rate(self) -> float | None:
        return on_time_rate(self.counts)

    @property
    def mean(self) -> float | None:
        answered = self.counts["answered"]
        return self.counts["response_days_sum"] / answered if answered else None


@dataclass
class Figures:
    year: int | None
    body: dict[str, Any] | None
    years: list[int]
    total: Line
    bodies: list[Line] = field(default_factory=list)  # ranked by on-time rate
    departments: list[Line] = field(default_factory=list)
    months: list[Line] = field(default_factory=list)
    response_buckets: list[tuple[str, int]] = field(default_factory=list)
    grounds: list[tuple[str, str, int]] = field(default_factory=list)  # code, label, count
    appeals: AppealFigures = field(default_factory=AppealFigures)
    computed_at: Any = None
    today: str = ""


def _bucket_label(low: int, high: int | None) -> str:
    return f"{low}–{high}" if high is not None else f"{low}+"


def bucketed(histogram: Iterable[tuple[int, int]]) -> list[tuple[str, int]]:
    counts = [0] * len(RESPONSE_BUCKETS)
    for days, n in histogram:
        for i, (low, high) in enumerate(RESPONSE_BUCKETS):
            if days >= low and (high is None or days <= high):
                counts[i] += n
                break
    return [
        (_bucket_label(lo, hi), c) for (lo, hi), c in zip(RESPONSE_BUCKETS, counts, strict=True)
    ]


def figures(
    snapshot: Snapshot,
    *,
    year: int | None = None,
    body_id: int | None = None,
    language: str | None = None,
) -> Figures:
    data = snapshot.data

    def keep(row_body: int, row_year: int) -> bool:
        return (year is None or row_year == year) and (body_id is None or row_body == body_id)

    bodies_meta = data["bodies"]
    monthly = [r for r in data["monthly"] if keep(r["body_id"], r["year"])]
    hist = [(b, d, n) for b, y, d, n in data["year_histograms"] if keep(b, y)]

    total = Line(None, "", _empty_counts())
    per_body: dict[int, dict[str, int]] = defaultdict(_empty_counts)
    per_month: dict[tuple[int, int], dict[str, int]] = defaultdict(_empty_counts)
    for row in monthly:
        _add(total.counts, row)
        _add(per_body[row["body_id"]], row)
        _add(per_month[(row["year"], row["month"])], row)
    body_hist: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for b, d, n in hist:
        body_hist[b].append((d, n))
    all_hist: dict[int, int] = defaultdict(int)
    for _b, d, n in hist:
        all_hist[d] += n
    total.median, total.p90 = median_p90(all_hist.items())

    bodies = []
    for b, counts in per_body.items():
        meta = bodies_meta.get(str(b), {})
        median, p90 = median_p90(body_hist.get(b, []))
        bodies.append(
            Line(b, localized(meta, "name", language), counts, median, p90, meta.get("code", ""))
        )
    bodies.sort(key=lambda line: (-(line.rate if line.rate is not None else -1), line.label))

    departments = []
    if body_id is not None:
        per_dept: dict[Any, dict[str, int]] = defaultdict(_empty_counts)
        for row in data["departments_yearly"]:
            if keep(row["body_id"], row["year"]):
                _add(per_dept[row["department_id"]], row)
        for d, counts in per_dept.items():
            meta = data["departments"].get(str(d), {}) if d is not None else {}
            departments.append(
                Line(d, localized(meta, "name", language), counts, code=meta.get("code", ""))
            )
        departments.sort(key=lambda line: (line.key is None, line.label))

    months = [
        Line(key, f"{key[0]}-{key[1]:02d}", counts) for key, counts in sorted(per_month.items())
    ]

    ground_counts: dict[str, int] = defaultdict(int)
    for b, y, code, n in data["grounds_yearly"]:
        if keep(b, y):
            ground_counts[code] += n
    grounds = sorted(
        (
            (code, localized(data["grounds"].get(code, {}), "label", language) or code, n)
            for code, n in ground_counts.items()
        ),
        key=lambda g: (-g[2], g[1]),
    )

    appeals = AppealFigures()
    if year is not None and str(year) in data.get("appeals", {}):
        appeals = AppealFigures.from_json(data["appeals"][str(year)])

    return Figures(
        year=year,
        body=bodies_meta.get(str(body_id)) if body_id is not None else None,
        years=list(data.get("years", [])),
        total=total,
        bodies=bodies,
        departments=departments,
        months=months,
        response_buckets=bucketed(all_hist.items()),
        grounds=grounds,
        appeals=appeals,
        computed_at=snapshot.computed_at,
        today=data.get("today", ""),
    )
