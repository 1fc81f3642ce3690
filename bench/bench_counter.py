"""The ceiling the yearly reference counter puts on submissions (PostgreSQL, pgbench).

    .venv/bin/python bench/bench_counter.py [--quick] [--clients N]

Every submission of a year takes the same counter row (`core.Counter`, decision 0015)
as its last statement and holds it until its commit has reached the disk (gapless
numbers: the law's receipt). Whatever the web tier does, submissions cannot commit
faster than one per (that statement + the commit's WAL flush): the audit event is
written before it and only relabelled by it. This measures that ceiling with
PostgreSQL's own `pgbench` on a fresh database, 16 clients (--clients), 10 s per
script (5 with --quick), three scripts of the submission's transaction shape
(ati/requests/services.py: `_number_last`):

* **floor**: insert the request and its audit event, set the reference from the request's
  own id (and relabel the event), commit: no shared row;
* **yearly counter** (today's format, DAI-YYYY-NNNNN): the same, the reference taken
  from one counter row for the year (`UPDATE … RETURNING` folded into the request's
  update, as the service does);
* **counter per body and year** (a possible format, decision 0016): the same with one
  counter row for each of 500 bodies, a body chosen at random per submission.

Reports transactions per second and each as a share of the floor; the load average
beside them. Target: the yearly counter's ceiling at least 150 submissions/s on this
machine (the submission target of bench_http.py; 15/s with --quick) — that the
counter does not cap it. docs/deployment.md sizes 1,500/s from these figures.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common

SCHEMA = """
CREATE TABLE counter (name text, year int, value bigint NOT NULL, PRIMARY KEY (name, year));
CREATE TABLE request (id bigserial PRIMARY KEY, reference varchar(32) UNIQUE NOT NULL,
                      body int NOT NULL, subject text NOT NULL, information text NOT NULL);
CREATE TABLE event (id bigserial PRIMARY KEY, at timestamptz NOT NULL DEFAULT now(),
                    action text NOT NULL, object_id text NOT NULL, object_repr text NOT NULL,
                    after jsonb NOT NULL);
INSERT INTO counter SELECT 'requests.reference', 2026, 0;
INSERT INTO counter SELECT 'requests.reference.' || b, 2026, 0 FROM generate_series(1, 500) b;
"""

HEAD = r"""\set body random(1, 500)
BEGIN;
INSERT INTO request (reference, body, subject, information)
  VALUES ('pending-' || left(md5(random()::text), 24), :body, 'Budget 2025',
          repeat('Le budget détaillé de la commune pour 2025, par chapitre. ', 4));
INSERT INTO event (action, object_id, object_repr, after)
  VALUES ('request.submitted', currval('request_id_seq')::text,
          'pending — Budget',
          '{"state": "submitted"}');
"""
TAIL = "COMMIT;\n"
# As _number_last: the counter, the request's reference and the event's label in one
# statement, the last before the commit.
NUMBER = """WITH c AS (UPDATE counter SET value = value + 1 WHERE name = {name} AND year = 2026
                RETURNING value),
  r AS (UPDATE request SET reference = {prefix} || lpad(c.value::text, 5, '0')
        FROM c WHERE id = currval('request_id_seq') RETURNING reference)
UPDATE event SET object_repr = r.reference || ' — Budget' FROM r
  WHERE event.id = currval('event_id_seq');
"""
SCRIPTS = {
    "floor": HEAD
    + """WITH r AS (UPDATE request SET reference = 'DAI-2026-' || id
               WHERE id = currval('request_id_seq') RETURNING reference)
UPDATE event SET object_repr = r.reference || ' — Budget' FROM r
  WHERE event.id = currval('event_id_seq');
"""
    + TAIL,
    "yearly": HEAD + NUMBER.format(name="'requests.reference'", prefix="'DAI-2026-'") + TAIL,
    "per_body": HEAD
    + NUMBER.format(name="'requests.reference.' || :body", prefix="'DAI-2026-' || :body || '-'")
    + TAIL,
}


def pgbench(url: str, script: str, clients: int, seconds: int) -> float:
    with tempfile.NamedTemporaryFile("w", suffix=".sql") as f:
        f.write(script)
        f.flush()
        out = subprocess.run(
            ["pgbench", "-n", "-c", str(clients), "-j", "2", "-T", str(seconds), "-f", f.name, url],
            capture_output=True,
            text=True,
            check=False,
        )
    found = re.search(r"tps = ([\d.]+)", out.stdout)
    if out.returncode != 0 or not found:
        raise SystemExit(f"pgbench failed:\n{out.stdout[-2000:]}\n{out.stderr[-2000:]}")
    return float(found.group(1))


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--clients", type=int, default=16)
    args = parser.parse_args()
    if "postgresql" not in common.vendors():
        print("# bench_counter: PostgreSQL only; not measured", file=sys.stderr)
        return 0
    if shutil.which("pgbench") is None:
        print("# bench_counter: pgbench is missing (Debian: postgresql-client)", file=sys.stderr)
        return 1
    seconds = 5 if args.quick else 10
    target = 15.0 if args.quick else 150.0
    import psycopg

    before = common.load()
    with common.database("postgresql", "ati_bench_counter") as url:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(SCHEMA)
        tps = {name: pgbench(url, sql, args.clients, seconds) for name, sql in SCRIPTS.items()}
    after = common.load()
    floor = tps["floor"]
    note = f"{args.clients} clients, {seconds} s; load {before} -> {after}"
    common.line(
        "counter_floor_postgresql",
        floor,
        "tx/s",
        f"insert, audit event, reference from its own id, commit: no shared row; {note}",
    )
    common.line(
        "counter_yearly_postgresql",
        tps["yearly"],
        "tx/s",
        f"{tps['yearly'] / floor:.2f}x the floor; one counter row for the year, held until "
        f"the commit is on disk; target >= {target:.0f}/s; {note}",
    )
    common.line(
        "counter_per_body_postgresql",
        tps["per_body"],
        "tx/s",
        f"{tps['per_body'] / floor:.2f}x the floor; one counter row per body (500) and year; "
        f"{note}",
    )
    common.write_json(
        "counter",
        {"tps": tps, "clients": args.clients, "seconds": seconds, "load": [before, after]},
    )
    return 0 if tps["yearly"] >= target else 1


if __name__ == "__main__":
    raise SystemExit(main())
