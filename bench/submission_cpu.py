"""The CPU of one submission, in-process: what a web worker spends per POST.

    .venv/bin/python bench/submission_cpu.py [--vendor postgresql] [-n 250] [--profile OUT]

A child process migrates a fresh database, fills it with `ati.demo.loadgen` (2,000
requests over 10 bodies), then submits `-n` requests one after another through
Django's test client (the whole stack: middleware, token authentication, DRF,
the service, the response), each as one of many citizens in turn, after 20 of
warm-up. Reports the Python process's CPU (`time.process_time`) and wall time per
submission, and the SQL statements of one submission; `--profile OUT` writes a
cProfile of the measured submissions (cProfile's own cost then inflates the times).
Not part of `make bench` (bench_http.py measures the same path under gunicorn); the
figure to compare before and after a change to the submission.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common

WARM_UP = 20


def _backend_cpu(connection: Any) -> float | None:
    """The CPU seconds of the database server process serving `connection`, read from
    /proc (PostgreSQL on this machine: one backend process per connection); None on
    SQLite, which runs inside the Python process and is counted in its CPU."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:  # a server on another machine
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _wal_position(connection: Any) -> int | None:
    """PostgreSQL's write-ahead log position in bytes: what the submissions wrote to it,
    a count that does not depend on the machine's speed (the server's other databases
    are idle during the run)."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn() - '0/0'::pg_lsn")
        return int(cursor.fetchone()[0])


def child(n: int, profile: str) -> dict[str, Any]:
    common.setup_django()
    from django.db import connection
    from django.test import Client

    from ati.accounts.models import User
    from ati.bodies.models import PublicBody

    common.generate(2000, 10)
    body = PublicBody.objects.filter(is_active=True).order_by("pk").first()
    assert body is not None
    citizens = User.objects.bulk_create(
        User(email=f"cpu-{i}@citizens.ma", full_name=f"Cpu {i}", email_verified=True, password="!")  # noqa: S106
        for i in range(n + WARM_UP + 1)
    )
    tokens = common.api_tokens(citizens)
    client = Client()

    def submit(i: int) -> None:
        payload = {
            "body": body.code,
            "subject": f"Budget {i}",
            "information_requested": "Le budget détaillé de la commune pour 2025, par chapitre.",
            "first_name": "Amina",
            "last_name": "Bench",
            "address": "1 avenue Mohammed V, Rabat",
            "id_number": f"AB{i:06d}",
        }
        response = client.post(
            "/api/v1/requests/",
            data=json.dumps(payload),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Token {tokens[i]}",
        )
        assert response.status_code == 201, response.content[:500]

    for i in range(WARM_UP):
        submit(i)
    # Counted by a wrapper, not CaptureQueriesContext: the request's start resets its log.
    sql: list[str] = []

    def log(execute: Any, query: str, params: Any, many: bool, context: Any) -> Any:
        sql.append(query)
        return execute(query, params, many, context)

    with connection.execute_wrapper(log):
        submit(WARM_UP)
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile(time.process_time)  # CPU, not waits
        profiler.enable()
    backend0, wal0 = _backend_cpu(connection), _wal_position(connection)
    cpu0, wall0 = time.process_time(), time.perf_counter()
    for i in range(WARM_UP + 1, WARM_UP + 1 + n):
        submit(i)
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    backend, wal = _backend_cpu(connection), _wal_position(connection)
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(profile)
    return {
        "submissions": n,
        "cpu_ms": cpu / n * 1000,
        "wal_bytes": None if wal is None else (wal - wal0) / n,
        "backend_ms": None if backend is None else (backend - backend0) / n * 1000,
        "wall_ms": wall / n * 1000,
        "queries": len(sql),
        "sql": [" ".join(q.split())[:140] for q in sql],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--vendor", choices=["sqlite", "postgresql"], default="postgresql")
    parser.add_argument("-n", type=int, default=250)
    parser.add_argument("--profile", default="")
    parser.add_argument("--verbose", action="store_true", help="print the SQL of one submission")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(int(args.child[0]), args.child[1] if len(args.child) > 1 else "")))
        return 0
    load_before = common.load()
    with common.database(args.vendor, "ati_bench_cpu") as url, tempfile.TemporaryDirectory() as var:
        child_args = [str(args.n)] + ([str(Path(args.profile).resolve())] if args.profile else [])
        r = common.run_child(str(Path(__file__).resolve()), child_args, url, var)
    if r is None:
        return 1
    if args.verbose:
        for sql in r["sql"]:
            print(f"#   {sql}")
    common.line(
        f"submission_cpu_{args.vendor}",
        r["cpu_ms"],
        "ms CPU",
        f"{r['wall_ms']:.1f} ms wall, "
        + (
            ""
            if r["backend_ms"] is None
            else f"{r['backend_ms']:.2f} ms CPU in PostgreSQL's backend, "
        )
        + ("" if r["wal_bytes"] is None else f"{r['wal_bytes']:,.0f} bytes of WAL, ")
        + f"{r['queries']} SQL statements, {r['submissions']} "
        f"submissions through the test client; load {load_before} -> {common.load()}",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
