"""The figures agree with the requests they count (issue 8 § 1)."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter, defaultdict

import pytest
from django.db import connection
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from ati.law.selectors import working_calendar
from ati.requests.models import CLOCK_RUNNING, InformationRequest, State
from ati.stats.compute import COUNT_FIELDS, percentile, refresh_stats
from ati.stats.models import RequestFact, Snapshot
from ati.stats.selectors import figures

from .conftest import TODAY

pytestmark = pytest.mark.django_db


def naive_working_days(start: dt.date, end: dt.date, calendar) -> int:
    day, count = start, 0
    while day < end:
        day += dt.timedelta(days=1)
        count += calendar.is_working_day(day)
    return count


def naive_status(req: InformationRequest) -> str:
    if req.state == State.TRANSFERRED:
        return "transferred"
    if req.state == State.WITHDRAWN:
        return "withdrawn"
    if req.answered_at:
        answered = timezone.localdate(req.answered_at)
        return "answered_on_time" if answered <= req.response_due else "answered_late"
    if req.state in CLOCK_RUNNING and req.response_due < TODAY:
        return "open_past_deadline"
    return "open_within_deadline"


def naive_recount():
    """Every figure recomputed row by row in Python: the reference the SQL must match."""
    rows: dict[tuple, Counter] = defaultdict(Counter)
    days: dict[tuple, list[int]] = defaultdict(list)
    grounds: Counter = Counter()
    for req in InformationRequest.objects.prefetch_related("refusal_grounds"):
        key = (req.body_id, req.received_on.year, req.received_on.month)
        counts = rows[key]
        counts["received"] += 1
        status = naive_status(req)
        counts[status] += 1
        if req.answered_at:
            counts["answered"] += 1
            counts[req.outcome] += 1
            calendar = working_calendar(req.profile_version)
            days[key].append(
                naive_working_days(req.received_on, timezone.localdate(req.answered_at), calendar)
            )
            for ground in req.refusal_grounds.all():
                grounds[(req.body_id, req.received_on.year, ground.code)] += 1
    return rows, days, grounds


def test_every_figure_matches_a_naive_recount_of_the_requests(scenario):
    rows, days, grounds = naive_recount()
    monthly = scenario["snapshot"].data["monthly"]
    assert {(r["body_id"], r["year"], r["month"]) for r in monthly} == set(rows)
    for r in monthly:
        key = (r["body_id"], r["year"], r["month"])
        expected = rows[key]
        assert {f: r[f] for f in COUNT_FIELDS} == {f: expected[f] for f in COUNT_FIELDS}, key
        assert r["response_days_sum"] == sum(days[key])
        if days[key]:
            assert r["median_response_days"] == pytest.approx(statistics.median(days[key]))
            if len(days[key]) > 1:
                p90 = statistics.quantiles(days[key], n=10, method="inclusive")[-1]
                assert r["p90_response_days"] == pytest.approx(p90)
        else:
            assert r["median_response_days"] is None
    assert (
        Counter({(b, y, c): n for b, y, c, n in scenario["snapshot"].data["grounds_yearly"]})
        == grounds
    )
    assert RequestFact.objects.count() == InformationRequest.objects.count()


def test_the_scenario_covers_every_outcome_and_timing(scenario):
    fig = figures(scenario["snapshot"], year=2026)
    counts = fig.total.counts
    assert counts["received"] == InformationRequest.objects.count() == 13
    for name in COUNT_FIELDS:
        assert counts[name] > 0, name
    assert counts["answered_on_time"] == 6  # fast, on its due date, not held, closed, 2 elsewhere
    assert counts["answered_late"] == 2  # refused a day late, urgent after 4 working days
    assert counts["open_past_deadline"] == 1
    assert counts["open_within_deadline"] == 2  # one recent, one awaiting a clarification
    assert (counts["transferred"], counts["withdrawn"]) == (1, 1)


def test_response_time_is_counted_in_working_days_across_a_holiday(scenario):
    fast = scenario["requests"]["granted_fast"]
    fact = RequestFact.objects.get(request_id=fast.pk)
    # Friday 30 October to Tuesday 10 November: 2, 3, 4, 5, 9, 10 November; 6 November
    # (Green March) and the weekends are not counted.
    assert fact.answered_on == dt.date(2026, 11, 10)
    assert fact.response_days == 6
    on_due = RequestFact.objects.get(request_id=scenario["requests"]["partial_on_due_date"].pk)
    assert (on_due.response_days, on_due.status) == (20, "on_time")
    late = RequestFact.objects.get(request_id=scenario["requests"]["refused_late"].pk)
    assert (late.response_days, late.status) == (21, "late")


def test_per_department_and_per_body_figures(scenario):
    snapshot = scenario["snapshot"]
    body = scenario["body"]
    fig = figures(snapshot, year=2026, body_id=body.pk)
    by_dept = {line.key: line.counts for line in fig.departments}
    assert by_dept[scenario["department"].pk]["answered_late"] == 1
    assert sum(c["received"] for c in by_dept.values()) == fig.total.counts["received"]
    other = figures(snapshot, year=2026, body_id=scenario["other_body"].pk)
    assert other.total.counts["received"] == 2
    assert other.total.rate == 1.0
    assert [g[0] for g in other.grounds] == ["national-defence"]


def test_ranking_puts_the_best_on_time_rate_first(scenario):
    fig = figures(scenario["snapshot"], year=2026)
    rates = [line.rate for line in fig.bodies]
    assert rates == sorted(rates, reverse=True)
    assert fig.bodies[0].key == scenario["other_body"].pk


def test_refresh_replaces_the_facts_and_keeps_few_snapshots(scenario):
    for _ in range(4):
        refresh_stats(today=TODAY)
    assert RequestFact.objects.count() == InformationRequest.objects.count()
    assert Snapshot.objects.count() == 3


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=60), min_size=2, max_size=80))
def test_histogram_percentiles_equal_percentile_cont(values):
    histogram = Counter(values).items()
    assert percentile(histogram, 0.5) == pytest.approx(statistics.median(values))
    expected = statistics.quantiles(values, n=10, method="inclusive")[-1]
    assert percentile(histogram, 0.9) == pytest.approx(expected)


def test_percentile_of_nothing_is_none():
    assert percentile([], 0.5) is None


@pytest.mark.postgres
def test_histogram_percentiles_equal_postgresql_percentile_cont(scenario):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT body_id, percentile_cont(0.5) WITHIN GROUP (ORDER BY response_days), "
            "percentile_cont(0.9) WITHIN GROUP (ORDER BY response_days) "
            "FROM stats_requestfact WHERE response_days IS NOT NULL GROUP BY body_id"
        )
        expected = {b: (m, p) for b, m, p in cursor.fetchall()}
    fig = figures(scenario["snapshot"])
    for line in fig.bodies:
        assert (line.median, line.p90) == pytest.approx(expected[line.key])
