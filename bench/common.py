"""What the national-scale benchmarks share: databases, child processes, result lines.

Each benchmark runs its measures in a child process with its own DATABASE_URL
(SQLite in a temporary folder, and PostgreSQL when ATI_BENCH_POSTGRES is
reachable), reads back one JSON line, prints ``name: value unit (ratio)`` and
writes the JSON to var/bench/.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN = os.environ.get("ATI_BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432/postgres")
SECRET = "bench-only-secret-key-not-for-production-" + "q" * 30


def postgres_reachable() -> bool:
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=3):
            return True
    except Exception:
        return False


@contextlib.contextmanager
def database(vendor: str, name: str) -> Iterator[str]:
    """A fresh, empty database of this vendor; its URL. Dropped afterwards.

    ATI_BENCH_DB_SUFFIX is added to the name: two clones benchmarking on one server at
    once must not drop each other's database.
    """
    name += os.environ.get("ATI_BENCH_DB_SUFFIX", "")
    if vendor == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            yield f"sqlite:///{folder}/{name}.sqlite3"
        return
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def vendors() -> list[str]:
    """The databases to measure: ATI_BENCH_DATABASES ("sqlite,postgresql"), else both.

    `make bench` at full scale asks for PostgreSQL alone (the national deployment's
    database; SQLite is the embedded demo's), `make bench QUICK=1` for both. PostgreSQL
    is left out, loudly, when it does not answer.
    """
    wanted = [
        v.strip()
        for v in os.environ.get("ATI_BENCH_DATABASES", "sqlite,postgresql").split(",")
        if v.strip()
    ]
    unknown = set(wanted) - {"sqlite", "postgresql"}
    if unknown:
        raise SystemExit(f"ATI_BENCH_DATABASES: unknown database(s) {sorted(unknown)}")
    if "postgresql" in wanted and not postgres_reachable():
        print(f"# PostgreSQL does not answer at {PG_ADMIN}: not measured", file=sys.stderr)
        wanted.remove("postgresql")
        return wanted or ["sqlite"]
    return wanted


def child_env(database_url: str, var: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "ATI_VAR_DIR": var,
        "SECRET_KEY": SECRET,
        "ATI_DEBUG": "0",
        "ATI_HTTPS": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "CELERY_BROKER_URL": "memory://",
        "DJANGO_SETTINGS_MODULE": "ati.settings",
        "PYTHONPATH": str(ROOT),
    }


def run_child(script: str, args: list[str], database_url: str, var: str) -> dict[str, Any] | None:
    """Runs `script --child …`; its last stdout line is JSON. None (and stderr shown) on failure."""
    out = subprocess.run(
        [sys.executable, script, "--child", *args],
        env=child_env(database_url, var),
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        print(f"# {Path(script).name} child failed\n{out.stderr[-4000:]}", file=sys.stderr)
        return None
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def sqlite_child(script: str, name: str, args: list[str]) -> dict[str, Any] | None:
    """`run_child` on a fresh SQLite database and a temporary var folder, both removed after."""
    with database("sqlite", name) as url, tempfile.TemporaryDirectory() as var:
        return run_child(script, args, url, var)


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ati.settings")
    import django

    django.setup()


def generate(requests: int, bodies: int, documents: int = 0) -> dict[str, Any]:
    """Migrate, then the national-scale generator (ati/demo/loadgen.py); its counts and times."""
    from django.core.management import call_command

    from ati.demo.loadgen import Plan
    from ati.demo.loadgen import generate as fill

    call_command("migrate", verbosity=0)
    plan = Plan(bodies=bodies, requests=requests, documents=documents, today=dt.date(2026, 11, 26))
    report = fill(plan)
    return {"counts": dict(report.counts), "seconds": report.seconds}


def api_tokens(users: list[Any]) -> list[str]:
    """A personal API token for each user (ati.accounts.tokens), in one insert; their keys."""
    import secrets

    from django.utils import timezone

    from ati.accounts.models import ApiToken
    from ati.accounts.tokens import KEY_PREFIX, hash_key

    keys = [KEY_PREFIX + secrets.token_urlsafe(32) for _ in users]
    expires = timezone.now() + dt.timedelta(days=30)
    ApiToken.objects.bulk_create(
        ApiToken(user=u, name="bench", key_hash=hash_key(k), prefix=k[:10], expires_at=expires)
        for u, k in zip(users, keys, strict=True)
    )
    return keys


def line(name: str, value: float, unit: str, note: str) -> str:
    text = (
        f"{name}: {value:.2f} {unit} ({note})"
        if value < 100
        else f"{name}: {value:.0f} {unit} ({note})"
    )
    print(text, flush=True)
    return text


def write_json(name: str, data: dict[str, Any]) -> Path:
    out = ROOT / "var" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{name}.json"
    data = {"benchmark": name, "at": dt.datetime.now().isoformat(timespec="seconds"), **data}
    path.write_text(json.dumps(data, indent=2, default=str))
    return path


def load() -> str:
    """The machine's load average now (the figures are ratios because of it)."""
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"
