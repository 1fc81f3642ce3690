"""Computing the figures: set-based, from the request table to a JSON snapshot.

`refresh_stats()` runs three bulk steps in one transaction:

1. `WorkingDayIndex` for every calendar the requests use, over the dates they
   span (a loop over *dates*, a few hundred a year, never over requests);
2. `RequestFact`: one INSERT … SELECT over every request, where the working
   days to answer are the difference of two indexed ordinals;
3. GROUP BY queries over the facts (counts per body × year × month, per
   department × year, histograms of working days for the percentiles, grounds
   cited), stored as one `Snapshot`.

Percentiles come from the histogram (`GROUP BY response_days`), interpolated
like PostgreSQL's ``percentile_cont``, so SQLite and PostgreSQL give the same
numbers from the same aggregate rows.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db import connection, transaction
from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import ExtractMonth, ExtractYear, TruncDate
from django.utils import timezone

from ati.bodies.models import Department, PublicBody
from ati.core.progress import Progress
from ati.law.models import Calendar, ExceptionGround
from ati.law.selectors import working_calendar
from ati.requests.models import CLOCK_RUNNING, InformationRequest, Outcome, State

from .appeals import appeal_figures
from .models import RequestFact, Snapshot, Status, WorkingDayIndex

#: The count columns of every figure row, in the order of the open data.
COUNT_FIELDS = (
    "received",
    "answered",
    "answered_on_time",
    "answered_late",
    "open_within_deadline",
    "open_past_deadline",
    "granted",
    "partially_granted",
    "refused",
    "not_held",
    "transferred",
    "withdrawn",
)

#: How many snapshots to keep (the newest is the one shown).
KEEP_SNAPSHOTS = 3


def _count_annotations() -> dict[str, Any]:
    answered = Q(status__in=[Status.ON_TIME, Status.LATE])
    return {
        "received": Count("pk"),
        "answered": Count("pk", filter=answered),
        "answered_on_time": Count("pk", filter=Q(status=Status.ON_TIME)),
        "answered_late": Count("pk", filter=Q(status=Status.LATE)),
        "open_within_deadline": Count("pk", filter=Q(status=Status.OPEN)),
        "open_past_deadline": Count("pk", filter=Q(status=Status.OPEN_PAST_DEADLINE)),
        "granted": Count("pk", filter=answered & Q(outcome=Outcome.GRANTED)),
        "partially_granted": Count("pk", filter=answered & Q(outcome=Outcome.PARTIALLY_GRANTED)),
        "refused": Count("pk", filter=answered & Q(outcome=Outcome.REFUSED)),
        "not_held": Count("pk", filter=answered & Q(outcome=Outcome.NOT_HELD)),
        "transferred": Count("pk", filter=Q(status=Status.TRANSFERRED)),
        "withdrawn": Count("pk", filter=Q(status=Status.WITHDRAWN)),
        "response_days_sum": Sum("response_days"),
    }


# --- percentiles ---------------------------------------------------------------


def percentile(histogram: Iterable[tuple[int, int]], q: float) -> float | None:
    """``percentile_cont(q)`` of the values a histogram ``[(value, count), …]`` describes."""
    bins = sorted((v, n) for v, n in histogram if n > 0)
    total = sum(n for _v, n in bins)
    if not total:
        return None
    position = q * (total - 1)
    low_rank, frac = int(position), position - int(position)

    def value_at(rank: int) -> int:
        seen = 0
        for value, n in bins:
            seen += n
            if rank < seen:
                return value
        return bins[-1][0]

    low = value_at(low_rank)
    if not frac:
        return float(low)
    high = value_at(low_rank + 1)
    return low + (high - low) * frac


def median_p90(histogram: Iterable[tuple[int, int]]) -> tuple[float | None, float | None]:
    bins = list(histogram)
    return percentile(bins, 0.5), percentile(bins, 0.9)


# --- step 1: the working-day index -----------------------------------------------


def fill_working_day_index(today: dt.date) -> int:
    """Number the working days of each calendar in use over the dates requests span."""
    span = InformationRequest.objects.aggregate(lo=Min("received_on"), hi=Max("answered_at"))
    if span["lo"] is None:
        WorkingDayIndex.objects.all().delete()
        return 0
    start = span["lo"] - dt.timedelta(days=1)
    last_answer = timezone.localdate(span["hi"]) if span["hi"] else today
    end = max(today, last_answer) + dt.timedelta(days=1)
    calendar_ids = set(
        InformationRequest.objects.order_by()
        .values_list("profile_version__calendar_id", flat=True)
        .distinct()
    )
    WorkingDayIndex.objects.all().delete()
    rows = []
    for calendar in Calendar.objects.filter(pk__in=calendar_ids):
        working = working_calendar(calendar)
        ordinal, day = 0, start
        while day <= end:
            ordinal += working.is_working_day(day)
            rows.append(WorkingDayIndex(calendar=calendar, date=day, ordinal=ordinal))
            day += dt.timedelta(days=1)
    WorkingDayIndex.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


# --- step 2: the facts -------------------------------------------------------------


def fact_queryset(today: dt.date) -> Any:
    """The SELECT whose rows become `RequestFact`, column for column (see FACT_COLUMNS)."""

    def ordinal(date_ref: str) -> Subquery:
        return Subquery(
            WorkingDayIndex.objects.filter(
                calendar_id=OuterRef("profile_version__calendar_id"), date=OuterRef(date_ref)
            ).values("ordinal")[:1],
            output_field=IntegerField(),
        )

    answered = Q(answered_at__isnull=False)
    return (
        InformationRequest.objects.order_by()
        .annotate(
            f_request_id=F("pk"),
            f_body_id=F("body_id"),
            f_department_id=F("department_id"),
            f_received_on=F("received_on"),
            f_year=ExtractYear("received_on"),
            f_month=ExtractMonth("received_on"),
            f_urgent=F("urgent"),
            answered_day=TruncDate("answered_at"),
        )
        .annotate(
            f_status=Case(
                When(state=State.TRANSFERRED, then=Value(Status.TRANSFERRED.value)),
                When(state=State.WITHDRAWN, then=Value(Status.WITHDRAWN.value)),
                When(
                    answered & Q(answered_day__lte=F("response_due")),
                    then=Value(Status.ON_TIME.value),
                ),
                When(answered, then=Value(Status.LATE.value)),
                When(
                    state__in=CLOCK_RUNNING,
                    response_due__lt=today,
                    then=Value(Status.OPEN_PAST_DEADLINE.value),
                ),
                default=Value(Status.OPEN.value),
                output_field=CharField(),
            ),
            f_outcome=F("outcome"),
            f_answered_on=F("answered_day"),
            f_response_days=Case(
                When(answered, then=ordinal("answered_day") - ordinal("received_on")),
                default=None,
                output_field=IntegerField(),
            ),
        )
    )


FACT_COLUMNS = (
    "request_id",
    "body_id",
    "department_id",
    "received_on",
    "year",
    "month",
    "urgent",
    "status",
    "outcome",
    "answered_on",
    "response_days",
)


def fill_facts(today: dt.date) -> int:
    """Replace every `RequestFact` with one INSERT … SELECT over the requests."""
    table = connection.ops.quote_name(RequestFact._meta.db_table)
    with connection.cursor() as cursor:
        # PostgreSQL's TRUNCATE is transactional and skips a million-row DELETE; pages
        # never read this table (only the snapshot), so its exclusive lock blocks nobody.
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {table}")
        else:
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - our own table name
    qs = fact_queryset(today).values_list(*(f"f_{c}" for c in FACT_COLUMNS))
    sql, params = qs.query.sql_with_params()
    columns = ", ".join(connection.ops.quote_name(c) for c in FACT_COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({columns}) {sql}", params)
        return int(cursor.rowcount)


# --- step 3: the aggregates ------------------------------------------------------------


def _histograms(keys: tuple[str, ...]) -> dict[tuple[Any, ...], list[tuple[int, int]]]:
    rows = (
        RequestFact.objects.filter(response_days__isnull=False)
        .order_by()
        .values_list(*keys, "response_days")
        .annotate(n=Count("pk"))
    )
    grouped: dict[tuple[Any, ...], list[tuple[int, int]]] = defaultdict(list)
    for *key, days, n in rows:
        grouped[tuple(key)].append((days, n))
    return grouped


def _grouped(keys: tuple[str, ...]) -> list[dict[str, Any]]:
    hist = _histograms(keys)
    rows = []
    for row in RequestFact.objects.order_by(*keys).values(*keys).annotate(**_count_annotations()):
        median, p90 = median_p90(hist.get(tuple(row[k] for k in keys), []))
        row["response_days_sum"] = row["response_days_sum"] or 0
        row["median_response_days"] = median
        row["p90_response_days"] = p90
        rows.append(row)
    return rows


def compute_figures(today: dt.date) -> dict[str, Any]:
    """The figures from the current facts, as the JSON the snapshot stores."""
    year_hist = _histograms(("body_id", "year"))
    grounds_used = (
        InformationRequest.refusal_grounds.through.objects.filter(
            informationrequest__answered_at__isnull=False
        )
        .order_by()
        .values_list(
            "informationrequest__body_id",
            ExtractYear("informationrequest__received_on"),
            "exceptionground__code",
        )
        .annotate(n=Count("pk"))
    )
    grounds: dict[str, dict[str, str]] = {}
    for g in ExceptionGround.objects.order_by("version_id", "position").values(
        "code", "article", "label_fr", "label_ar", "label_en"
    ):
        # The latest version's wording wins.
        grounds[g["code"]] = {k: str(v) for k, v in g.items() if k != "code"}
    monthly = _grouped(("body_id", "year", "month"))
    years = sorted({row["year"] for row in monthly} | {today.year})
    return {
        "today": today.isoformat(),
        "years": years,
        "bodies": {
            str(b["pk"]): b
            for b in PublicBody.objects.values("pk", "code", "name_fr", "name_ar", "name_en")
        },
        "departments": {
            str(d["pk"]): d
            for d in Department.objects.values(
                "pk", "body_id", "code", "name_fr", "name_ar", "name_en"
            )
        },
        "grounds": grounds,
        "monthly": monthly,
        "departments_yearly": _grouped(("body_id", "department_id", "year")),
        "year_histograms": [
            [body_id, year, days, n]
            for (body_id, year), bins in sorted(year_hist.items())
            for days, n in sorted(bins)
        ],
        "grounds_yearly": [list(row) for row in grounds_used],
        "appeals": {str(year): appeal_figures(year).as_json() for year in years},
    }


def refresh_stats(today: dt.date | None = None, progress: bool = False) -> Snapshot:
    """Recompute everything and store a new snapshot; the old ones beyond a few go.

    With `progress`, its three steps on a bar (a terminal) or lines (ati.core.progress).
    """
    today = today or timezone.localdate()
    with (
        transaction.atomic(),
        Progress("statistics", 3, unit="steps", enabled=progress, every=5.0) as bar,
    ):
        fill_working_day_index(today)
        bar.update()
        fill_facts(today)
        bar.update()
        data = compute_figures(today)
        bar.update()
        snapshot = Snapshot.objects.create(computed_at=timezone.now(), data=data)
        stale = Snapshot.objects.order_by("-computed_at", "-pk").values_list("pk", flat=True)
        Snapshot.objects.filter(pk__in=list(stale[KEEP_SNAPSHOTS:])).delete()
    return snapshot
