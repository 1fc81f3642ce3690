"""Recompute the due dates of 100,000 open requests after a calendar change (issue #3).

Real `InformationRequest` rows, the real holder (`ati.requests.services.recompute_due_dates`)
reached through the calendar service, with its audit events; on SQLite, and on
PostgreSQL when one answers. The baseline, measured in the same run, is the
row-by-row way: each request recomputed day by day, saved and audited alone
(timed on a sample and scaled to the full count, which the output says).

    .venv/bin/python bench/bench_recompute_requests.py [--quick] [--requests N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import common  # noqa: E402

SAMPLE = 500


def child(n: int) -> dict[str, Any]:
    """Runs inside a process whose DATABASE_URL points at an empty database."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ati.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from ati.accounts.models import Role, User
    from ati.audit.services import record
    from ati.bodies.models import PublicBody
    from ati.law import services as law_services
    from ati.law.models import Calendar
    from ati.law.selectors import default_profile_version, working_calendar
    from ati.requests.models import InformationRequest

    call_command("migrate", verbosity=0)
    admin = User.objects.create(
        email="bench@ati.invalid", full_name="Bench", role=Role.ADMINISTRATOR, is_superuser=True
    )
    body = PublicBody.objects.create(code="bench", name_fr="Organisme de mesure", kind="ministry")
    version = default_profile_version()
    calendar = working_calendar(version)
    start = dt.date(2026, 9, 1)
    rows = []
    for i in range(n):
        received = start + dt.timedelta(days=i % 90)
        due = received  # wrong on purpose: every row is recomputed by the change below
        rows.append(
            InformationRequest(
                reference=f"B-{i:07d}",
                body=body,
                profile_version=version,
                applicant_first_name="A",
                applicant_last_name="B",
                applicant_address="x",
                applicant_id_number="AB1",
                applicant_email="a@b.invalid",
                subject="s",
                information_requested="x",
                received_on=received,
                clock_started_on=received,
                response_due=due,
                original_response_due=due,
                urgent=False,
            )
        )
    InformationRequest.objects.bulk_create(rows, batch_size=5000)
    del rows

    # Baseline: row by row, day by day, one save and one audit event each (on a sample).
    def naive_due(begin: dt.date, count: int) -> dt.date:
        day, left = begin, count
        while left:
            day += dt.timedelta(days=1)
            left -= calendar.is_working_day(day)
        return day

    sample = list(InformationRequest.objects.order_by("pk")[:SAMPLE])
    t0 = time.perf_counter()
    with transaction.atomic():
        for req in sample:
            req.response_due = naive_due(req.clock_started_on, 20)
            InformationRequest.objects.filter(pk=req.pk).update(response_due=req.response_due)
            record("request.due_date_recomputed", obj=req, after={"response_due": req.response_due})
        transaction.set_rollback(True)
    baseline = (time.perf_counter() - t0) / SAMPLE * n

    ma = Calendar.objects.get(code="ma")
    t0 = time.perf_counter()
    _, changed = law_services.add_closure(
        admin, ma, dt.date(2026, 11, 20), label_fr="Fermeture (mesure)", reason="bench"
    )
    elapsed = time.perf_counter() - t0
    # The audit events of the change are chained after commit by the sealer (beat, every
    # second): its time, once, for all of them, outside the calendar change's transaction.
    from ati.audit.services import seal

    t0 = time.perf_counter()
    sealed = seal()
    seal_s = time.perf_counter() - t0
    return {
        "sealed": sealed,
        "seal_s": seal_s,
        "vendor": connection.vendor,
        "requests": n,
        "changed": changed,
        "seconds": elapsed,
        "baseline_row_by_row_s": baseline,
        "sample": SAMPLE,
    }


def run(label: str, database_url: str, n: int, var: str) -> dict[str, Any] | None:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "ATI_VAR_DIR": var,
        "SECRET_KEY": "bench-only-" + "k" * 60,
        "ATI_DEBUG": "0",
        "ATI_HTTPS": "0",
    }
    out = subprocess.run(
        [sys.executable, __file__, "--child", str(n)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        print(f"# {label}: failed\n{out.stderr[-2000:]}", file=sys.stderr)
        return None
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10,000 requests instead of 100,000")
    parser.add_argument("--requests", type=int, default=0)
    parser.add_argument("--child", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child)))
        return 0
    n = args.requests or (10_000 if args.quick else 100_000)
    results = []
    wanted = common.vendors()
    if "sqlite" in wanted:
        with tempfile.TemporaryDirectory() as var:
            sqlite = run("sqlite", f"sqlite:///{var}/bench.sqlite3", n, var)
            if sqlite:
                results.append(sqlite)
    if "postgresql" in wanted:
        with (
            common.database("postgresql", f"ati_bench_{os.getpid()}") as url,
            tempfile.TemporaryDirectory() as var,
        ):
            pg = run("postgresql", url, n, var)
            if pg:
                results.append(pg)
    for r in results:
        ratio = r["seconds"] / r["baseline_row_by_row_s"]
        print(
            f"recompute_{n}_requests_{r['vendor']}: {r['seconds']:.2f} s "
            f"({ratio:.3f}x row-by-row baseline, {r['baseline_row_by_row_s']:.1f} s "
            f"scaled from {r['sample']} rows; {r['changed']} due dates moved; target 30 s; "
            f"the sealer then chained {r['sealed']} audit events in {r['seal_s']:.2f} s)"
        )
    out = ROOT / "var" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    (out / "bench_recompute_requests.json").write_text(json.dumps(results, indent=2))
    return 0 if results else 1


if __name__ == "__main__":
    sys.exit(main())
