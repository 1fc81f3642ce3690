"""Statistics at 1,000,000 requests on PostgreSQL (issue 8): recomputation and cached page.

Fills the request table with ``INSERT … SELECT generate_series`` (requests in every
state over two years, 200 bodies, refusal grounds), then measures

* ``refresh_stats()``: the working-day index, the facts (one INSERT … SELECT)
  and every aggregate; target under 60 s;
* the public statistics page once cached (median of repeated GETs through the
  whole middleware stack); target under 300 ms, reported with its ratio to a
  bare Django view measured in the same process.

    .venv/bin/python bench/bench_stats.py [--quick] [--requests N]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN = os.environ.get("ATI_BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432/postgres")
BODIES = 200
STATE_CYCLE = (  # one request in 20: its state, by i % 20
    ["closed"] * 8
    + ["answered"] * 6
    + ["transferred", "withdrawn", "submitted", "submitted", "assigned", "awaiting_clarification"]
)
OUTCOMES = ["granted", "granted", "partially_granted", "refused", "not_held"]


def _fill(n: int) -> None:
    from django.db import connection

    from ati.bodies.models import PublicBody
    from ati.law.selectors import default_profile_version
    from ati.requests.models import InformationRequest

    version = default_profile_version()
    bodies = PublicBody.objects.bulk_create(
        PublicBody(
            code=f"bench-{i:03d}",
            name_fr=f"Organisme {i}",
            name_ar=f"هيئة {i}",
            kind="ministry",
            legal_profile=version.profile,
        )
        for i in range(BODIES)
    )
    first_body = min(b.pk for b in bodies)
    grounds = list(version.grounds.order_by("pk").values_list("pk", flat=True)[:8])
    state_case = (
        "CASE i % 20 "
        + " ".join(f"WHEN {k} THEN '{s}'" for k, s in enumerate(STATE_CYCLE))
        + " END"
    )
    answered = "(i % 20) < 14"
    outcome_case = (
        "CASE (i / 20) % 5 "
        + " ".join(f"WHEN {k} THEN '{o}'" for k, o in enumerate(OUTCOMES))
        + " END"
    )
    received = "(date '2025-01-01' + (i % 670)::int)"
    # Time to answer: mostly within the period, a tail beyond it (calendar days).
    delay = "(2 + (i * 7919) % 24 + CASE WHEN i % 9 = 0 THEN (i % 23) ELSE 0 END)::int"
    explicit = {
        "reference": "'B-' || i",
        "body_id": f"{first_body} + (i * 31) % {BODIES}",
        "profile_version_id": str(version.pk),
        "applicant_id_kind": "'cin'",
        "language": "'fr'",
        "delivery_form": "'electronic'",
        "channel": "'post'",
        "urgent": "false",
        "state": state_case,
        "submitted_at": f"{received}::timestamp + interval '9 hours'",
        "received_on": received,
        "clock_started_on": received,
        "response_due": f"{received} + 28",
        "original_response_due": f"{received} + 28",
        "outcome": f"CASE WHEN {answered} THEN {outcome_case} ELSE '' END",
        "answered_at": f"CASE WHEN {answered} THEN ({received} + {delay})::timestamp "
        "+ interval '10 hours' END",
        "extensions_used": "0",
        "reproduction_cost": "0",
        # Requests of past years: their receipt and officers' notice were written long ago.
        "submission_notices_pending": "false",
    }
    columns, values = [], []
    for field in InformationRequest._meta.concrete_fields:
        if field.primary_key:
            continue
        column = field.column
        if column in explicit:
            expr = explicit[column]
        elif field.null:
            continue
        elif field.get_internal_type() in (
            "CharField",
            "TextField",
            "EmailField",
            "SlugField",
            "FSMField",
        ):
            expr = "''"
        else:
            raise RuntimeError(f"no value for {column}")
        columns.append(column)
        values.append(expr)
    table = InformationRequest._meta.db_table
    through = InformationRequest.refusal_grounds.through._meta.db_table
    ground_array = "ARRAY[" + ",".join(str(g) for g in grounds) + "]"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(columns)}) "
            f"SELECT {', '.join(values)} FROM generate_series(1::bigint, {n}) AS i"
        )
        cursor.execute(
            f"INSERT INTO {through} (informationrequest_id, exceptionground_id) "
            f"SELECT id, ({ground_array})[1 + id % {len(grounds)}] FROM {table} "
            "WHERE outcome IN ('refused', 'partially_granted')"
        )
        cursor.execute(f"ANALYZE {table}")


def _median_ms(client: Any, url: str, repeat: int) -> float:
    client.get(url)  # warm: the first render fills the cache
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(times)


def child(n: int) -> dict[str, Any]:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ati.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.http import HttpResponse
    from django.test import Client, override_settings
    from django.urls import include, path

    from ati.stats.compute import refresh_stats
    from ati.stats.models import RequestFact

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    t0 = time.perf_counter()
    _fill(n)
    fill_s = time.perf_counter() - t0

    t0 = time.perf_counter()
    snapshot = refresh_stats()
    refresh_s = time.perf_counter() - t0
    # Again, over a full fact table: what the scheduled refresh does every time.
    t0 = time.perf_counter()
    snapshot = refresh_stats()
    again_s = time.perf_counter() - t0
    facts = RequestFact.objects.count()

    # The bare view, behind the same middleware, in a URLconf beside the real one.
    module = type(sys)("bench_stats_urls")
    module.urlpatterns = [  # type: ignore[attr-defined]
        path("bench/bare/", lambda request: HttpResponse("ok")),
        path("", include("ati.urls")),
    ]
    sys.modules["bench_stats_urls"] = module
    repeat = 30
    with override_settings(ROOT_URLCONF="bench_stats_urls", ALLOWED_HOSTS=["*"]):
        client = Client(HTTP_ACCEPT_LANGUAGE="fr")
        bare_ms = _median_ms(client, "/bench/bare/", repeat)
        t0 = time.perf_counter()
        client.get("/statistics/?year=2026&x=cold")
        cold_ms = (time.perf_counter() - t0) * 1000
        page_ms = _median_ms(client, "/statistics/", repeat)
        year_ms = _median_ms(client, "/statistics/?year=2026", repeat)
        ar_ms = _median_ms(Client(HTTP_ACCEPT_LANGUAGE="ar"), "/statistics/?year=2026", repeat)
        csv_ms = _median_ms(client, "/statistics/data/requests.csv", 5)
    return {
        "vendor": connection.vendor,
        "requests": n,
        "facts": facts,
        "fill_s": fill_s,
        "refresh_s": refresh_s,
        "refresh_again_s": again_s,
        "snapshot_rows": len(snapshot.data["monthly"]),
        "bare_view_ms": bare_ms,
        "page_cached_ms": page_ms,
        "page_year_cached_ms": year_ms,
        "page_ar_cached_ms": ar_ms,
        "page_first_render_ms": cold_ms,
        "csv_ms": csv_ms,
    }


def run(database_url: str, n: int, var: str) -> dict[str, Any] | None:
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
        print(f"# bench_stats failed\n{out.stderr[-3000:]}", file=sys.stderr)
        return None
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100,000 requests, not 1,000,000")
    parser.add_argument("--requests", type=int, default=0)
    parser.add_argument("--child", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child)))
        return 0
    n = args.requests or (100_000 if args.quick else 1_000_000)
    try:
        import psycopg

        name = f"ati_bench_stats_{os.getpid()}"
        with psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except Exception as exc:  # the benchmark is about PostgreSQL: say so and stop
        print(f"# bench_stats skipped: PostgreSQL unreachable ({exc})", file=sys.stderr)
        return 0
    try:
        with tempfile.TemporaryDirectory() as var:
            result = run(PG_ADMIN.rsplit("/", 1)[0] + f"/{name}", n, var)
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    if result is None:
        return 1
    bare = result["bare_view_ms"]
    print(
        f"stats_refresh_{n}_requests_postgresql: {result['refresh_s']:.2f} s "
        f"(target 60 s; {result['facts']} facts, {result['snapshot_rows']} body-month rows; "
        f"filling the table took {result['fill_s']:.1f} s)"
    )
    print(
        f"stats_refresh_again_{n}_requests_postgresql: {result['refresh_again_s']:.2f} s "
        "(the scheduled refresh, over a full fact table; target 60 s)"
    )
    for key, label in (
        ("page_cached_ms", "stats_page_cached"),
        ("page_year_cached_ms", "stats_page_year_cached"),
        ("page_ar_cached_ms", "stats_page_ar_cached"),
    ):
        print(
            f"{label}_{n}_requests: {result[key]:.1f} ms ({result[key] / bare:.1f}x bare Django "
            f"view at {bare:.2f} ms; target 300 ms)"
        )
    print(
        f"stats_page_first_render_{n}_requests: {result['page_first_render_ms']:.0f} ms "
        f"(uncached, {result['page_first_render_ms'] / bare:.0f}x bare view)"
    )
    print(
        f"stats_csv_{n}_requests: {result['csv_ms']:.1f} ms ({result['csv_ms'] / bare:.1f}x bare "
        "view)"
    )
    out = ROOT / "var" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    (out / "bench_stats.json").write_text(json.dumps(result, indent=2))
    ok = max(result["refresh_s"], result["refresh_again_s"]) < 60 and result["page_cached_ms"] < 300
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
