"""Recomputing the due dates of 100,000 open requests after a calendar change.

Scenario: an exceptional closure is added on Monday 31 August 2026, while
100,000 requests received between 20 July and 28 August 2026 are open (5 %
urgent). Most of their due dates move by one working day.

Measured, in the same run (absolute times drift on shared machines):
* baseline: the law read literally, walking day by day for every request;
* engine: ati.law.recompute.changed_due_dates (bisect arithmetic, memoised
  per distinct start date and period);
* sqlite / postgresql: the whole recompute against a table of 100,000 rows:
  read the open rows, compute, update the changed due dates in bulk and insert
  one audit row per change, in one transaction. PostgreSQL runs when
  BENCH_POSTGRES_URL (default: the local test server) is reachable.

Prints one line per measure, `name: value unit (ratio to baseline)`, and
writes var/bench/bench_recompute.json.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ati.law.data import holiday_rows  # noqa: E402
from ati.law.deadlines import Period, Unit, WorkingCalendar  # noqa: E402
from ati.law.recompute import changed_due_dates  # noqa: E402

NORMAL = Period(20, Unit.WORKING_DAYS)
URGENT = Period(3, Unit.WORKING_DAYS)
CLOSURE = date(2026, 8, 31)


def calendars() -> tuple[WorkingCalendar, WorkingCalendar]:
    closed = {row["date"]: row["label_fr"] for row in holiday_rows("ma", range(2025, 2028))}
    before = WorkingCalendar(frozenset({5, 6}), closed)
    after = WorkingCalendar(frozenset({5, 6}), {**closed, CLOSURE: "Fermeture exceptionnelle"})
    return before, after


def requests(n: int, calendar: WorkingCalendar) -> list[tuple[int, date, Period, date]]:
    rng = random.Random(3113)
    first = date(2026, 7, 20)
    rows = []
    for pk in range(1, n + 1):
        received = first + timedelta(days=rng.randrange(40))
        period = URGENT if rng.random() < 0.05 else NORMAL
        rows.append((pk, received, period, calendar.add_working_days(received, period.amount)))
    return rows


def naive_due(start: date, n: int, calendar: WorkingCalendar) -> date:
    day, counted = start, 0
    while counted < n:
        day += timedelta(days=1)
        if calendar.is_working_day(day):
            counted += 1
    return day


def naive_changes(rows: list[Any], calendar: WorkingCalendar) -> list[tuple[int, date, date]]:
    changed = []
    for pk, start, period, old in rows:
        new = naive_due(start, period.amount, calendar)
        if new != old:
            changed.append((pk, old, new))
    return changed


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def _recompute_in_database(conn: Any, placeholder: str, calendar: WorkingCalendar) -> int:
    p = placeholder
    cur = conn.cursor()
    cur.execute("SELECT id, received, urgent, due FROM bench_request WHERE is_open")
    rows = [
        (pk, _date(received), URGENT if urgent else NORMAL, _date(due))
        for pk, received, urgent, due in cur.fetchall()
    ]
    changes = changed_due_dates(rows, calendar)
    cur.executemany(
        f"UPDATE bench_request SET due = {p} WHERE id = {p}",
        [(new.isoformat(), pk) for pk, _old, new in changes],
    )
    cur.executemany(
        f"INSERT INTO bench_audit (object_id, before, after, reason) VALUES ({p}, {p}, {p}, {p})",
        [(pk, old.isoformat(), new.isoformat(), "closure 2026-08-31") for pk, old, new in changes],
    )
    conn.commit()
    return len(changes)


def _date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def _fill(conn: Any, placeholder: str, rows: list[Any], serial: str) -> None:
    p = placeholder
    cur = conn.cursor()
    cur.execute("DROP TABLE IF EXISTS bench_request")
    cur.execute("DROP TABLE IF EXISTS bench_audit")
    cur.execute(
        "CREATE TABLE bench_request (id integer PRIMARY KEY, received date NOT NULL, "
        "urgent boolean NOT NULL, due date NOT NULL, is_open boolean NOT NULL)"
    )
    cur.execute("CREATE INDEX bench_request_due ON bench_request (due)")
    cur.execute(
        f"CREATE TABLE bench_audit (id {serial}, object_id integer, before text, after text, "
        "reason text)"
    )
    cur.executemany(
        f"INSERT INTO bench_request VALUES ({p}, {p}, {p}, {p}, {p})",
        [(pk, s.isoformat(), period is URGENT, d.isoformat(), True) for pk, s, period, d in rows],
    )
    conn.commit()


def bench_sqlite(rows: list[Any], calendar: WorkingCalendar) -> tuple[float, int]:
    with tempfile.TemporaryDirectory() as tmp:
        conn = sqlite3.connect(Path(tmp) / "bench.sqlite3")
        conn.execute("PRAGMA journal_mode=WAL")
        _fill(conn, "?", rows, "integer PRIMARY KEY AUTOINCREMENT")
        seconds, changed = timed(lambda: _recompute_in_database(conn, "?", calendar))
        conn.close()
    return seconds, changed


def bench_postgres(rows: list[Any], calendar: WorkingCalendar) -> tuple[float, int] | None:
    url = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    try:
        import psycopg

        conn = psycopg.connect(url, connect_timeout=3)
    except Exception as exc:  # no server here: say so and go on
        print(f"postgresql: skipped ({exc.__class__.__name__})", file=sys.stderr)
        return None
    try:
        _fill(conn, "%s", rows, "serial PRIMARY KEY")
        return timed(lambda: _recompute_in_database(conn, "%s", calendar))
    finally:
        cur = conn.cursor()
        cur.execute("DROP TABLE IF EXISTS bench_request")
        cur.execute("DROP TABLE IF EXISTS bench_audit")
        conn.commit()
        conn.close()


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10,000 requests instead of 100,000")
    parser.add_argument("--requests", type=int, default=0)
    args = parser.parse_args(argv)
    n = args.requests or (10_000 if args.quick else 100_000)

    before, after = calendars()
    rows = requests(n, before)
    baseline, expected = timed(lambda: naive_changes(rows, after))
    engine, changes = timed(lambda: changed_due_dates(rows, after))
    assert sorted(changes) == sorted(expected), "engine and day-by-day reference disagree"

    results: dict[str, Any] = {
        "requests": n,
        "changed": len(changes),
        "baseline_day_by_day_s": baseline,
        "engine_s": engine,
    }
    lines = [
        (f"recompute_{n}_day_by_day_baseline", baseline),
        (f"recompute_{n}_engine", engine),
    ]
    sqlite_s, changed = bench_sqlite(rows, after)
    assert changed == len(changes)
    results["sqlite_s"] = sqlite_s
    lines.append((f"recompute_{n}_sqlite_with_audit_rows", sqlite_s))
    pg = bench_postgres(rows, after)
    if pg is not None:
        results["postgresql_s"] = pg[0]
        lines.append((f"recompute_{n}_postgresql_with_audit_rows", pg[0]))
    for name, seconds in lines:
        print(f"{name}: {seconds:.3f} s ({seconds / baseline:.3f}x baseline)")
    print(f"recompute_{n}_changed: {len(changes)} requests", file=sys.stderr)

    out = ROOT / "var" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    (out / "bench_recompute.json").write_text(json.dumps(results, indent=2))
    return results


if __name__ == "__main__":
    main()
