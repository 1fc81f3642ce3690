"""Submission throughput and worker memory under gunicorn, on loopback, bounded in time.

    .venv/bin/python bench/bench_http.py [--quick] [--duration S] [--vendor postgresql]
        [--workers N] [--pgbouncer | --no-pgbouncer] [--submit-only | --memory-only]
        [--notices poll|task]

For each database (SQLite, and PostgreSQL when reachable) a child process
migrates and fills a database with `ati.demo.loadgen` (100,000 requests; 20,000
with --quick), then:

* submission: gunicorn (--workers, 2 × cores by default; production settings:
  ATI_DEBUG=0, Celery broker on Redis db 14 if reachable, and the national layout's
  ATI_SUBMISSION_NOTICES=poll: no task published per submission, docs/jobs.md;
  --notices task for the default's) on 127.0.0.1, and wrk
  POSTing JSON submissions, each with the token of one of 2,000 citizens in turn
  (the limit is 20 an hour per account), for --duration seconds (30; 10 with
  --quick) over 16 connections, while the audit sealer runs every second as beat
  runs it; and the **floor**: the same load, under the same gunicorn, on a DRF
  view that inserts one row per POST in one transaction (`ati/core/bench_floor.py`,
  mounted by ATI_BENCH_FLOOR=1, which only this benchmark sets), for half the
  duration just before the submissions and half just after (the machine's speed
  drifts; the floor brackets the submissions rather than follow them). Reports
  submissions per second and their share of the floor's, the 50th and 99th
  percentiles, errors (non-2xx and socket errors), checks that the rows (and
  audit events) added equal the accepted responses and that the audit chain
  verifies after the run, and samples `pg_stat_activity`/`pg_locks` every 50 ms
  during the submissions (where the time inside PostgreSQL goes). Targets:
  150/s, at least 0.4x the floor, p99 < 300 ms, no error, nothing lost
  (--quick: a tenth of the throughput, ten times the p99).
* through PgBouncer (--pgbouncer; by default when Debian's pgbouncer is installed, which
  `make bench` does; ATI_BENCH_PGBOUNCER=0 or --no-pgbouncer to leave it out): on
  PostgreSQL, the same submissions and floor on a fresh database, gunicorn connecting to
  a PgBouncer this benchmark starts on a free port in transaction mode (bench/pgbouncer.py,
  ATI_PGBOUNCER=1), reported as `postgresql_pgbouncer` with the same targets.
* memory: gunicorn with one worker, 10,000 GETs one after another (bounded at 15 minutes;
  1,000 with --quick, a tenth as for everything else) of six pages in turn (the
  officer's queue and a request through the API, the library search page and API, the
  statistics, the home page), then the worker's resident size (VmRSS, from /proc).
  Target under 150 MB at either scale: a worker's size is not a matter of scale. Its
  size "at start" is read once it has answered one GET (the home page): gunicorn opens
  the port before its worker has imported Django, and under load that takes a minute.
  --memory-only measures this alone (no submissions, no PgBouncer), to check a change
  to what the web process imports in a few minutes.

The submissions are given as a share of the floor measured in the same run, the
memory as a ratio to its target, with the load average beside them.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common, pgbouncer

VENV_BIN = Path(sys.executable).parent

# Each submission comes from one of many citizens (the limit is 20 per account per
# hour, as for real people), in turn.
POST_LUA = """
wrk.method = "POST"
tokens = {%(tokens)s}
counter = 0
request = function()
  counter = counter + 1
  local body = string.format('{"body": "%(body)s", "subject": "Budget %%d", ' ..
    '"information_requested": "Le budget détaillé de la commune pour 2025, par chapitre.", ' ..
    '"first_name": "Amina", "last_name": "Bench", "address": "1 avenue Mohammed V, Rabat", ' ..
    '"id_number": "AB%%06d"}', counter, counter %% 1000000)
  local headers = {}
  headers["Content-Type"] = "application/json"
  headers["Authorization"] = "Token " .. tokens[(counter %% #tokens) + 1]
  return wrk.format(nil, nil, headers, body)
end
"""

#: Citizens who submit during the run: enough that none reaches the hourly limit.
CITIZENS = 2000


def setup_child(requests: int, bodies: int) -> dict[str, Any]:
    common.setup_django()
    from django.core.management import call_command

    from ati.accounts.models import User
    from ati.bodies.models import Membership
    from ati.core import bench_floor
    from ati.requests.models import InformationRequest

    gen = common.generate(requests, bodies)
    bench_floor.create_table()
    # Production settings serve static files from the manifest (the deploy steps' collectstatic).
    call_command("collectstatic", interactive=False, verbosity=0)
    citizens = User.objects.bulk_create(
        User(
            email=f"bench-citizen-{n}@citizens.ma",
            full_name=f"Bench {n}",
            email_verified=True,
            password="!",  # noqa: S106 - an unusable password
        )
        for n in range(CITIZENS)
    )
    tokens = common.api_tokens(citizens)
    member = Membership.objects.select_related("user", "body").filter(role="officer").first()
    assert member is not None
    return {
        "citizen_tokens": tokens,
        "officer_token": common.api_tokens([member.user])[0],
        "body": member.body.code,
        "rows": InformationRequest.objects.count(),
        "request_id": InformationRequest.objects.filter(body=member.body).values_list(
            "pk", flat=True
        )[0],
        "generate_s": sum(gen["seconds"].values()),
    }


def count_child(verify: bool = False) -> dict[str, Any]:
    common.setup_django()
    from ati.audit.models import AuditEvent
    from ati.audit.selectors import verify_chain
    from ati.core import bench_floor
    from ati.requests.models import InformationRequest

    counts: dict[str, Any] = {
        "rows": InformationRequest.objects.count(),
        "floor_rows": bench_floor.count(),
        "events": AuditEvent.objects.count(),
    }
    if hasattr(AuditEvent, "position"):  # not before the sealer (comparing with older code)
        counts["unsealed"] = AuditEvent.objects.filter(position__isnull=True).count()
    if verify:
        checked, broken = verify_chain()
        counts["chain_verified"] = checked
        counts["chain_broken"] = None if broken is None else f"#{broken.event_id} {broken.problem}"
    return counts


def sealer_child(seconds: float) -> dict[str, Any]:
    """What beat does in production: the audit sealer every second, for `seconds`."""
    common.setup_django()
    from ati.audit import services

    seal = getattr(services, "seal", lambda: 0)  # older code: nothing to seal
    runs, sealed, longest, started = 0, 0, 0.0, time.monotonic()
    while time.monotonic() - started < seconds:
        t0 = time.monotonic()
        sealed += seal()
        took = time.monotonic() - t0
        runs, longest = runs + 1, max(longest, took)
        time.sleep(max(0.0, 1.0 - took))
    return {"runs": runs, "sealed": sealed, "longest_s": longest}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def redis_url() -> str:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return "redis://127.0.0.1:6379/14"
    except OSError:
        return "memory://"


class Gunicorn:
    def __init__(self, env: dict[str, str], workers: int):
        self.port = free_port()
        self.env = {**env, "CELERY_BROKER_URL": redis_url(), "ATI_BENCH_FLOOR": "1"}
        self.proc = subprocess.Popen(
            [
                str(VENV_BIN / "gunicorn"),
                "ati.wsgi",
                "-w",
                str(workers),
                "-b",
                f"127.0.0.1:{self.port}",
                "--timeout",
                "120",
                "--log-level",
                "warning",
            ],
            env=self.env,
            cwd=common.ROOT,
            start_new_session=True,
        )
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    break
            except OSError:
                time.sleep(0.3)
        time.sleep(1.5)  # the workers import Django

    def workers(self) -> list[int]:
        out = subprocess.run(
            ["ps", "-o", "pid=", "--ppid", str(self.proc.pid)], capture_output=True, text=True
        )
        return [int(p) for p in out.stdout.split()]

    def stop(self) -> None:
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)


def rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status")
    if not status.exists():
        return 0.0
    for row in status.read_text().splitlines():
        if row.startswith("VmRSS:"):
            return int(row.split()[1]) / 1024
    return 0.0


def get_many(port: int, paths: list[str], token: str, n: int, bound_s: float) -> dict[str, Any]:
    """`n` GETs of `paths` in turn, one at a time, each on a new connection, within `bound_s`.

    A plain client rather than wrk: against gunicorn's sync worker (which closes every
    connection), wrk with one connection stalled for good after some minutes, the
    worker waiting for a request wrk never sent.
    """
    import http.client

    times, failures, started = [], 0, time.perf_counter()
    for i in range(n):
        if time.perf_counter() - started > bound_s:
            break
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        t0 = time.perf_counter()
        try:
            conn.request("GET", paths[i % len(paths)], headers={"Authorization": f"Token {token}"})
            response = conn.getresponse()
            response.read()
            failures += response.status >= 400
        except OSError:
            failures += 1
        finally:
            conn.close()
        times.append((time.perf_counter() - t0) * 1000)
    seconds = time.perf_counter() - started
    times.sort()
    return {
        "requests": len(times),
        "seconds": seconds,
        "per_second": len(times) / seconds if seconds else 0.0,
        "non_2xx": failures,
        "p50_ms": times[len(times) // 2] if times else None,
    }


def wait_for_workers(port: int, token: str, workers: int, bound_s: float = 300) -> dict[str, Any]:
    """POST to the floor from many connections until every worker has answered once.

    Under load, gunicorn's workers take tens of seconds to import Django after the port
    opens: a run that starts before they are up measures their boot, not the requests.
    """
    import http.client
    from concurrent.futures import ThreadPoolExecutor

    body = json.dumps({"body": "warm", "subject": "warm", "information_requested": "warm"})
    seen: set[int] = set()
    started = time.perf_counter()

    def one(_: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        try:
            conn.request(
                "POST",
                "/bench/floor/",
                body=body,
                headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
            )
            response = conn.getresponse()
            if response.status == 201:
                seen.add(int(json.loads(response.read())["worker"]))
        except OSError:
            pass
        finally:
            conn.close()

    with ThreadPoolExecutor(max_workers=2 * workers) as pool:
        while len(seen) < workers and time.perf_counter() - started < bound_s:
            list(pool.map(one, range(2 * workers)))
    return {"workers_up": len(seen), "boot_s": time.perf_counter() - started}


def wrk(url: str, script: str, duration: int, connections: int) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(script)
    out = subprocess.run(
        [
            "wrk",
            f"-t{min(2, connections)}",
            f"-c{connections}",
            f"-d{duration}s",
            "--timeout",
            "10s",
            "--latency",
            "-s",
            f.name,
            url,
        ],
        capture_output=True,
        text=True,
        timeout=duration + 120,
    )
    os.unlink(f.name)
    text = out.stdout

    def ms(value: str) -> float:
        number, unit = re.match(r"([\d.]+)(\w+)", value).groups()  # type: ignore[union-attr]
        return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]

    if " requests in " not in text:
        raise RuntimeError(f"wrk said: {text} {out.stderr}")
    total = int(re.search(r"(\d+) requests in", text).group(1))  # type: ignore[union-attr]
    seconds = ms(re.search(r"requests in ([\d.]+\w+),", text).group(1)) / 1000  # type: ignore[union-attr]
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text
    )
    pct = {p: ms(v) for p, v in re.findall(r"^\s+(\d+)%\s+([\d.]+\w+)", text, re.M)}
    return {
        "requests": total,
        "seconds": seconds,
        "per_second": total / seconds,
        "non_2xx": int(non2xx.group(1)) if non2xx else 0,
        "socket_errors": sum(map(int, socket_errors.groups())) if socket_errors else 0,
        "socket_errors_by_kind": dict(
            zip(
                ("connect", "read", "write", "timeout"),
                map(int, socket_errors.groups() if socket_errors else (0, 0, 0, 0)),
                strict=True,
            )
        ),
        "p50_ms": pct.get("50"),
        "p99_ms": pct.get("99"),
        "output": text,
    }


def _both_halves(first: dict[str, Any], second: dict[str, Any]) -> dict[str, Any]:
    """Two wrk runs as one: their requests over their seconds, errors summed, and the
    worse of the two for each percentile (wrk gives no histogram to merge)."""
    seconds = first["seconds"] + second["seconds"]
    requests = first["requests"] + second["requests"]
    return {
        "requests": requests,
        "seconds": seconds,
        "per_second": requests / seconds,
        "per_second_halves": [first["per_second"], second["per_second"]],
        "non_2xx": first["non_2xx"] + second["non_2xx"],
        "socket_errors": first["socket_errors"] + second["socket_errors"],
        "socket_errors_by_kind": {
            k: first["socket_errors_by_kind"][k] + second["socket_errors_by_kind"][k]
            for k in first["socket_errors_by_kind"]
        },
        "p50_ms": max(first["p50_ms"] or 0, second["p50_ms"] or 0) or None,
        "p99_ms": max(first["p99_ms"] or 0, second["p99_ms"] or 0) or None,
        "output": first["output"] + second["output"],
    }


class PgSampler:
    """Samples pg_stat_activity (and waits on pg_locks) of the bench database every 50 ms.

    What the backends serving the submissions are doing at each instant: running a
    statement (and which), idle in a transaction (Python holding it open between two
    statements), or waiting (for a lock: on which relation; or for I/O, the WAL flush...).
    Counted per (state, wait, statement head), the share of samples says where the
    seconds of a submission go inside PostgreSQL.
    """

    SQL = """
        SELECT a.state, coalesce(a.wait_event_type, '') || ':' || coalesce(a.wait_event, ''),
               left(regexp_replace(a.query, '\\s+', ' ', 'g'), 60),
               (SELECT string_agg(DISTINCT coalesce(l.relation::regclass::text, l.locktype), ',')
                  FROM pg_locks l WHERE l.pid = a.pid AND NOT l.granted)
          FROM pg_stat_activity a
         WHERE a.datname = current_database() AND a.pid <> pg_backend_pid()
           AND a.backend_type = 'client backend'
    """

    def __init__(self, url: str):
        import threading

        self.url, self.samples, self.counts = url, 0, {}  # type: ignore[var-annotated]
        self.stop_event = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self) -> None:
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as conn:
            while not self.stop_event.wait(0.05):
                rows = conn.execute(self.SQL).fetchall()
                self.samples += 1
                for state, wait, query, waiting_on in rows:
                    if state == "idle":
                        continue
                    key = f"{state} | {wait} | {waiting_on or ''} | {query}"
                    self.counts[key] = self.counts.get(key, 0) + 1

    def __enter__(self) -> PgSampler:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop_event.set()
        self.thread.join(timeout=5)

    def summary(self, top: int = 15) -> dict[str, Any]:
        """Backends busy per sample on average, and the most frequent (state, wait, query)."""
        total = sum(self.counts.values())
        ranked = sorted(self.counts.items(), key=lambda kv: -kv[1])[:top]
        return {
            "samples": self.samples,
            "busy_backends_per_sample": total / self.samples if self.samples else 0.0,
            "top": [
                {"share": n / total if total else 0.0, "state | wait | waiting on | query": k}
                for k, n in ranked
            ],
        }


def measure(
    vendor: str,
    url: str,
    var: str,
    requests: int,
    duration: int,
    workers: int,
    memory: bool = True,
    serve_url: str | None = None,
    gets: int = 10_000,
    submit: bool = True,
) -> dict[str, Any]:
    """`serve_url`: where gunicorn and the sealer connect (PgBouncer), when not `url`."""
    script = str(Path(__file__).resolve())
    setup = common.run_child(script, ["setup", str(requests), "50"], url, var)
    if setup is None:
        raise RuntimeError("setup failed")
    env = common.child_env(serve_url or url, var)
    if serve_url:
        env["ATI_PGBOUNCER"] = "1"
    result: dict[str, Any] = {
        "vendor": vendor,
        "requests_in_db": setup["rows"],
        "pgbouncer": {"pool_mode": "transaction", "pool_size": pgbouncer.POOL_SIZE}
        if serve_url
        else None,
    }
    if submit:
        result.update(submissions(script, url, var, env, setup, duration, workers, vendor))
    if memory:
        result["memory"] = worker_memory(env, setup, gets)
    return result


def submissions(
    script: str,
    url: str,
    var: str,
    env: dict[str, str],
    setup: dict[str, Any],
    duration: int,
    workers: int,
    vendor: str,
) -> dict[str, Any]:
    """The submissions and the floor under one gunicorn, with the sealer beside them."""
    result: dict[str, Any] = {}
    server = Gunicorn(env, workers=workers)
    try:
        base = f"http://127.0.0.1:{server.port}/api/v1/requests/"
        # A short warm-up, then the measured run.
        post = POST_LUA % {
            "tokens": ",".join(f'"{t}"' for t in setup["citizen_tokens"]),
            "body": setup["body"],
        }
        result["boot"] = wait_for_workers(server.port, setup["citizen_tokens"][0], workers)
        # Each worker's first submission loads templates, translations, the calendar:
        # a warm-up long enough for every worker to have served a few.
        wrk(base, post, 5, 16)
        floor_url = f"http://127.0.0.1:{server.port}/bench/floor/"
        wrk(floor_url, post, 2, 16)
        before = common.run_child(script, ["count"], url, var)
        # The floor in two halves, one on each side of the submissions: this shared
        # machine's speed drifts within a minute, and a floor measured only after them
        # (once 688/s against 397-412/s in the runs around it) made their share a matter
        # of the minute rather than of the code.
        floor_before = wrk(floor_url, post, max(1, duration // 2), 16)
        # The sealer runs beside the submissions, as beat runs it in production.
        sealer = subprocess.Popen(
            [sys.executable, script, "--child", "sealer", str(duration + 1)],
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        load_start = common.load()
        if vendor == "postgresql":
            with PgSampler(url) as sampler:
                run = wrk(base, post, duration, 16)
            result["pg_activity"] = sampler.summary()
        else:
            run = wrk(base, post, duration, 16)
        sealed = sealer.communicate(timeout=120)[0]
        result["sealer"] = json.loads(sealed.strip().splitlines()[-1])
        time.sleep(1)
        middle = common.run_child(script, ["count"], url, var)
        # The floor: the same load on a view that inserts one row (ati/core/bench_floor.py).
        floor_after = wrk(floor_url, post, max(1, duration - duration // 2), 16)
        floor = _both_halves(floor_before, floor_after)
        time.sleep(1)
        after = common.run_child(script, ["count", "verify"], url, var)
        result["load"] = f"{load_start} -> {common.load()}"
    finally:
        server.stop()
    assert before and middle and after
    run["rows_added"] = middle["rows"] - before["rows"]
    run["accepted"] = run["requests"] - run["non_2xx"]
    run["events_added"] = middle["events"] - before["events"]
    floor["rows_added"] = after["floor_rows"] - before["floor_rows"]
    floor["accepted"] = floor["requests"] - floor["non_2xx"]
    result["floor"] = floor
    result["audit"] = after
    result["submit"] = run
    return result


def worker_memory(env: dict[str, str], setup: dict[str, Any], gets: int) -> dict[str, Any]:
    """One gunicorn worker's resident size after `gets` GETs of an officer's pages."""
    server = Gunicorn(env, workers=1)
    try:
        (worker,) = server.workers()
        # An officer's day, in turn: the queue and a request (API), the library search
        # (page and API), the statistics, the home page.
        paths = [
            f"/api/v1/requests/?body__code={setup['body']}",
            f"/api/v1/requests/{setup['request_id']}/",
            "/api/v1/library/?q=budget",
            "/library/?q=budget+commune",
            "/statistics/",
            "/",
        ]
        # The size once the worker has imported Django and answered: the port opens
        # before that, and under load the import takes tens of seconds.
        booted = get_many(server.port, ["/"], setup["officer_token"], 1, 300)
        start_rss = rss_mb(worker)
        get = get_many(server.port, paths, setup["officer_token"], gets, 900)
        # A worker that died (timeout, memory) was replaced: measure the one serving now,
        # and say so (it counts as an error).
        now = server.workers()
        return {
            "worker_rss_start_mb": start_rss,
            "first_get_ms": booted["p50_ms"],
            "worker_rss_after_mb": max((rss_mb(pid) for pid in now), default=0.0),
            "worker_replaced": worker not in now,
            "gets": get["requests"],
            "get_non_2xx": get["non_2xx"],
            "get_p50_ms": get["p50_ms"],
            "get_per_second": get["per_second"],
            "paths": paths,
            "load": common.load(),
        }
    finally:
        server.stop()


def report_submissions(
    vendor: str, r: dict[str, Any], targets: dict[str, float], workers: int
) -> int:
    """Prints the submissions' lines; 1 if something was lost, failed or missed its target."""
    status = 0
    s = r["submit"]
    for row in r.get("pg_activity", {}).get("top", []):
        print(f"# pg {row['share']:6.1%}  {row['state | wait | waiting on | query']}")
    if "pg_activity" in r:
        busy = r["pg_activity"]["busy_backends_per_sample"]
        print(f"# pg: {busy:.1f} backends busy per sample on average (of 16 connections)")
    errors = s["non_2xx"] + s["socket_errors"]
    f = r["floor"]
    floor_errors = f["non_2xx"] + f["socket_errors"]
    ratio = s["per_second"] / f["per_second"] if f["per_second"] else 0.0
    common.line(
        f"submit_throughput_{vendor}",
        s["per_second"],
        "submissions/s",
        f"{ratio:.2f}x the floor ({f['per_second']:.0f}/s, "
        f"{f['per_second_halves'][0]:.0f} before and {f['per_second_halves'][1]:.0f} after: "
        "a DRF view inserting one row, "
        f"same gunicorn -w {workers}, wrk -c16 {s['seconds']:.0f} s; notices "
        f"{os.environ.get('ATI_SUBMISSION_NOTICES', 'task')}); "
        f"{s['per_second'] / targets['per_second']:.2f}x the {targets['per_second']:.0f}/s "
        f"target (floor share target {targets['floor_ratio']}); load {r['load']}",
    )
    common.line(
        f"submit_p99_{vendor}",
        s["p99_ms"] or 0,
        "ms",
        f"{(s['p99_ms'] or 0) / targets['p99_ms']:.2f}x the {targets['p99_ms']:.0f} ms target; "
        f"p50 {s['p50_ms']} ms; "
        f"the floor's p50 {f['p50_ms']} ms, p99 {f['p99_ms']} ms",
    )
    audit = r["audit"]
    common.line(
        f"submit_errors_{vendor}",
        errors,
        "errors",
        f"{s['accepted']} accepted, {s['rows_added']} rows added, "
        f"{s['events_added']} audit events; the floor {floor_errors} errors, "
        f"{f['accepted']} accepted, {f['rows_added']} rows added; "
        f"sealer {r['sealer']['runs']} runs, longest {r['sealer']['longest_s'] * 1000:.0f} ms; "
        f"{r['boot']['workers_up']} workers up after {r['boot']['boot_s']:.0f} s; "
        f"chain after: {audit['chain_verified']} verified, "
        f"{audit['chain_broken'] or 'intact'}",
    )
    lost = (
        s["rows_added"] < s["accepted"]
        or f["rows_added"] < f["accepted"]
        or s["events_added"] < s["rows_added"]
        or audit["chain_broken"] is not None
    )
    if lost or errors or floor_errors:
        status = 1
    if (
        s["per_second"] < targets["per_second"]
        or ratio < targets["floor_ratio"]
        or (s["p99_ms"] or 1e9) > targets["p99_ms"]
    ):
        status = 1
    return status


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--duration", type=int, default=0)
    parser.add_argument("--vendor", choices=["sqlite", "postgresql"])
    # 2 × cores: a worker waiting on the database leaves the core to another.
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1))
    only = parser.add_mutually_exclusive_group()
    only.add_argument(
        "--submit-only", action="store_true", help="skip the memory phase (while profiling)"
    )
    only.add_argument(
        "--memory-only",
        action="store_true",
        help="only the web worker's size after the GETs (no submissions, no PgBouncer)",
    )
    parser.add_argument(
        "--pgbouncer",
        action=argparse.BooleanOptionalAction,
        default=os.environ.get("ATI_BENCH_PGBOUNCER", "auto") not in {"0", "no", "off"},
        help="also measure the submissions through PgBouncer (PostgreSQL; default: when installed)",
    )
    parser.add_argument(
        "--notices",
        choices=["poll", "task"],
        default="poll",
        help="ATI_SUBMISSION_NOTICES of the web processes (default: poll, as deployment.md's "
        "national layout; task publishes one Celery task per submission)",
    )
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        what = args.child[0]
        if what == "setup":
            data = setup_child(int(args.child[1]), int(args.child[2]))
        elif what == "sealer":
            data = sealer_child(float(args.child[1]))
        else:
            data = count_child(verify="verify" in args.child[1:])
        print(json.dumps(data))
        return 0
    if subprocess.run(["which", "wrk"], capture_output=True).returncode != 0:
        print(
            "# bench_http: wrk is missing (make bench installs it: apt-get install wrk)",
            file=sys.stderr,
        )
        return 1
    requests = 20_000 if args.quick else 100_000
    duration = args.duration or (10 if args.quick else 30)
    status = 0
    # --quick checks the same properties at a tenth of the scale: a tenth of the
    # throughput (absolute and as a share of the floor), ten times the p99; nothing lost,
    # no error and an intact audit chain either way.
    targets = (
        {"per_second": 15.0, "floor_ratio": 0.04, "p99_ms": 3000.0}
        if args.quick
        else {"per_second": 150.0, "floor_ratio": 0.4, "p99_ms": 300.0}
    )
    results: dict[str, Any] = {
        "load_before": common.load(),
        "targets": targets,
        "submission_notices": args.notices,
    }
    os.environ["ATI_SUBMISSION_NOTICES"] = args.notices  # the children's and gunicorn's
    runs = [args.vendor] if args.vendor else common.vendors()
    if args.pgbouncer and "postgresql" in runs and not args.memory_only:
        if pgbouncer.binary():
            runs.append("postgresql_pgbouncer")
        else:
            print("# bench_http: pgbouncer is not installed: not measured", file=sys.stderr)
            status = int(os.environ.get("ATI_BENCH_PGBOUNCER", "auto") not in {"auto", ""})
    # `vendor` names the run ("postgresql_pgbouncer"), `kind` its database.
    for vendor in runs:
        kind, via_pgbouncer = vendor.split("_")[0], vendor.endswith("_pgbouncer")
        with (
            common.database(kind, "ati_bench_http") as url,
            tempfile.TemporaryDirectory() as var,
            pgbouncer.running(url) if via_pgbouncer else contextlib.nullcontext(None) as bounced,
        ):
            try:
                r = measure(
                    kind,
                    url,
                    var,
                    requests,
                    duration,
                    args.workers,
                    memory=not args.submit_only and not via_pgbouncer,
                    serve_url=bounced,
                    gets=1_000 if args.quick else 10_000,
                    submit=not args.memory_only,
                )
            except Exception as exc:  # say it, and fail the run
                print(f"# bench_http {vendor} failed: {exc!r}", file=sys.stderr)
                status = 1
                continue
        results[vendor] = r
        if "submit" in r:
            status = max(status, report_submissions(vendor, r, targets, args.workers))
        m = r.get("memory")
        if m is None:
            continue
        common.line(
            f"worker_rss_after_gets_{vendor}",
            m["worker_rss_after_mb"],
            "MB",
            f"{m['worker_rss_after_mb'] / m['worker_rss_start_mb']:.2f}x its "
            f"{m['worker_rss_start_mb']:.0f} MB after its first GET; target 150 MB; "
            f"after {m['gets']} GETs of 6 pages in turn (queue, request, library, stats, home), "
            f"{m['get_per_second']:.0f}/s; load {m['load']}"
            + ("; the worker was REPLACED" if m["worker_replaced"] else ""),
        )
        if m["worker_rss_after_mb"] > 150 or m["worker_replaced"] or m["get_non_2xx"]:
            status = 1
    results["load_after"] = common.load()
    for v in ("sqlite", "postgresql", "postgresql_pgbouncer"):
        if v in results:
            results[v].get("submit", {}).pop("output", None)
            results[v].get("floor", {}).pop("output", None)
    common.write_json("http", results)
    return status


if __name__ == "__main__":
    sys.exit(main())
