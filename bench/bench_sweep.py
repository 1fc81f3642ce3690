"""Benchmark: the set-based deadline sweep against a row-by-row baseline.

    .venv/bin/python bench/bench_sweep.py [--quick] [--requests N] [--keep]

Builds N open requests (default 1,000,000; 100,000 with --quick) in a
PostgreSQL database of its own (ATI_BENCH_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/ati_bench, dropped and re-created), with
INSERT ... SELECT generate_series. Due dates: 0.5 % overdue by 1-30 days, the
rest spread over the next two years. Then it times, in one run:

* sweep (dry run): the set-based selection of what is due, no writes;
* sweep: selection and queuing (bulk insert of the notices);
* sweep again: the steady state, every 5 minutes (nothing new to queue);
* row-by-row: a loop over every open request, computing its remaining working
  days in Python and asking the database whether each due one was noticed.
  It runs on a sample (--sample, default 100,000 rows) and is extrapolated to
  N, which the output says.

Each result is one line ``name: value unit (ratio to baseline)`` and the whole
run is written as JSON to var/bench/sweep-<timestamp>.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def setup_database(url: str) -> None:
    import dj_database_url
    import psycopg

    conf = dj_database_url.parse(url)
    with psycopg.connect(
        host=conf["HOST"] or None,
        port=conf["PORT"] or None,
        user=conf["USER"] or None,
        password=conf["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    ) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{conf["NAME"]}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{conf["NAME"]}"')
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production-7c2e9d4f1a")
    os.environ.setdefault("ATI_VAR_DIR", str(ROOT / "var"))
    os.environ["CELERY_BROKER_URL"] = "memory://"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ati.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def generate(n: int, today: dt.date, bodies: int = 200) -> float:
    """Bodies with an officer and a head each, then n open requests in one INSERT."""
    from django.db import connection

    from ati.accounts.models import Role, User
    from ati.bodies.models import Membership, PublicBody
    from ati.law.selectors import default_profile_version
    from ati.requests.models import InformationRequest, State

    started = time.perf_counter()
    version = default_profile_version(today)
    body_objs = PublicBody.objects.bulk_create(
        [
            PublicBody(
                code=f"bench-{i}",
                name_fr=f"Organisme {i}",
                kind="ministry",
                legal_profile_id=version.profile_id,
            )
            for i in range(bodies)
        ]
    )
    users = []
    for body in body_objs:
        users += [
            User(
                email=f"officer-{body.pk}@bench.ma",
                full_name="Officer",
                role=Role.OFFICER,
                email_verified=True,
            ),
            User(
                email=f"head-{body.pk}@bench.ma",
                full_name="Head",
                role=Role.HEAD_OF_BODY,
                email_verified=True,
            ),
        ]
    users = User.objects.bulk_create(users)
    Membership.objects.bulk_create(
        [
            Membership(user=user, body=body_objs[i // 2], role=user.role)
            for i, user in enumerate(users)
        ]
    )
    first_body = body_objs[0].pk

    given = {
        "reference": "'B-' || g",
        "body_id": f"{first_body} + (g % {bodies})",
        "profile_version_id": str(version.pk),
        "applicant_first_name": "'Amina'",
        "applicant_last_name": "'Test'",
        "applicant_address": "'Rabat'",
        "applicant_id_kind": "'cin'",
        "applicant_id_number": "'AB' || g",
        "applicant_email": "'a' || g || '@bench.ma'",
        "language": "(ARRAY['fr','ar','en'])[1 + g % 3]",
        "subject": "'Demande ' || g",
        "information_requested": "'Information'",
        "delivery_form": "'electronic'",
        "channel": "'online'",
        "state": f"(ARRAY['{State.SUBMITTED}','{State.ASSIGNED}','{State.DRAFT_READY}'])"
        "[1 + g % 3]",
        "submitted_at": "now()",
        "received_on": "due - 28",
        "clock_started_on": "due - 28",
        "response_due": "due",
        "original_response_due": "due",
    }
    columns, values = [], []
    for field in InformationRequest._meta.concrete_fields:
        if field.primary_key:
            continue
        columns.append(field.column)
        if field.attname in given:
            values.append(given[field.attname])
        elif field.null:
            values.append("NULL")
        else:
            kind = field.get_internal_type()
            values.append(
                "false"
                if kind == "BooleanField"
                else "0"
                if kind.endswith(("IntegerField", "DecimalField"))
                else "''"
            )
    # 0.5 % overdue by 1-30 days; the rest due over the next two years.
    due = (
        f"CASE WHEN g % 200 = 0 THEN DATE '{today}' - (1 + g % 30) "
        f"ELSE DATE '{today}' + (g % 730) END"
    )
    table = InformationRequest._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(columns)}) "
            f"SELECT {', '.join(values)} FROM (SELECT g, {due} AS due "
            f"FROM generate_series(1, {n}) AS g) AS s"
        )
        cursor.execute(f"ANALYZE {table}")
    return time.perf_counter() - started


def row_by_row(today: dt.date, sample: int) -> tuple[float, int, int]:
    """The naive sweep: every open request loaded, its state computed in Python."""
    from ati.law.selectors import working_calendar
    from ati.notifications.models import Notification
    from ati.requests.models import CLOCK_RUNNING, InformationRequest
    from ati.requests.sweep import reminder_days

    thresholds = reminder_days()
    started = time.perf_counter()
    seen = due = 0
    qs = (
        InformationRequest.objects.filter(state__in=CLOCK_RUNNING)
        .select_related("profile_version__calendar")
        .order_by("pk")[:sample]
    )
    for req in qs.iterator(chunk_size=5000):
        seen += 1
        calendar = working_calendar(req.profile_version)
        if req.response_due < today:
            kinds = ["request.escalation", "request.deemed_refusal"]
        else:
            left = calendar.working_days_between(today, req.response_due)
            kinds = [f"request.reminder.{t}" for t in thresholds if left <= t][-1:]
        for kind in kinds:
            due += 1
            Notification.objects.filter(
                related_id=req.pk, kind=kind, due_on=req.response_due
            ).exists()
    return time.perf_counter() - started, seen, due


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="100,000 requests")
    parser.add_argument("--requests", type=int, default=None)
    parser.add_argument(
        "--sample", type=int, default=100_000, help="rows the row-by-row baseline really loops over"
    )
    args = parser.parse_args()
    n = args.requests or (100_000 if args.quick else 1_000_000)
    url = os.environ.get("ATI_BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ati_bench")
    setup_database(url)

    from ati.notifications.models import Notification
    from ati.notifications.sweep import sweep

    today = dt.date(2026, 11, 26)  # a Thursday; fixed so that runs compare
    gen = generate(n, today)
    print(f"generate: {gen:.1f} s for {n:,} open requests")

    t = time.perf_counter()
    dry = sweep(today, dry_run=True)
    select_s = time.perf_counter() - t
    t = time.perf_counter()
    first = sweep(today)
    sweep_s = time.perf_counter() - t
    t = time.perf_counter()
    again = sweep(today)
    again_s = time.perf_counter() - t
    assert again.queued == 0 and first.queued == Notification.objects.count() == dry.queued

    sample = min(args.sample, n)
    Notification.objects.all().delete()  # the baseline sees the same state as the first run
    base_s, seen, base_due = row_by_row(today, sample)
    extrapolated = base_s * n / seen
    note = "measured" if seen == n else f"measured on {seen:,} rows, extrapolated to {n:,}"

    lines = {
        "sweep_select": (select_s, extrapolated / select_s),
        "sweep": (sweep_s, extrapolated / sweep_s),
        "sweep_again": (again_s, extrapolated / again_s),
    }
    print(f"row-by-row baseline: {extrapolated:.2f} s (1.0×; {note})")
    for name, (seconds, ratio) in lines.items():
        print(f"{name}: {seconds:.2f} s ({ratio:.0f}× faster than row-by-row)")
    print(
        f"queued: {first.queued} notices "
        f"({', '.join(f'{k}: {v}' for k, v in sorted(first.by_kind.items()))}); "
        f"second run queued {again.queued}"
    )
    out = ROOT / "var" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"sweep-{dt.datetime.now():%Y%m%d-%H%M%S}.json"
    path.write_text(
        json.dumps(
            {
                "benchmark": "sweep",
                "requests": n,
                "today": today.isoformat(),
                "database": "postgresql",
                "generate_s": gen,
                "sweep_select_s": select_s,
                "sweep_s": sweep_s,
                "sweep_again_s": again_s,
                "row_by_row_s": extrapolated,
                "row_by_row_measured_s": base_s,
                "row_by_row_rows": seen,
                "row_by_row_due_rows": base_due,
                "row_by_row_note": note,
                "queued": first.queued,
                "queued_by_kind": first.by_kind,
                "ratios": {name: ratio for name, (_, ratio) in lines.items()},
                "under_10_s": sweep_s < 10,
            },
            indent=2,
        )
    )
    print(f"written: {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
