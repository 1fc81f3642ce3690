"""The settings of a replica and of PgBouncer (ati/settings.py), and which views are declared
read-only. The routing itself is tested against a real standby in test_replica.py."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ati.core import replica

ROOT = Path(__file__).resolve().parents[2]
PRIMARY = "postgres://app@db.internal:5432/ati"

SHOW = """
import json
from ati import settings as s
print(json.dumps({
    "aliases": sorted(s.DATABASES),
    "routers": s.DATABASE_ROUTERS,
    "replica": s.DATABASES.get("replica"),
    "cursors": {a: d.get("DISABLE_SERVER_SIDE_CURSORS", False) for a, d in s.DATABASES.items()},
    "prepare": {a: d.get("OPTIONS", {}).get("prepare_threshold", "unset")
                for a, d in s.DATABASES.items()},
}, default=str))
"""


def _settings(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DATABASE_", "ATI_REPLICA_", "ATI_PGBOUNCER"))
    }
    environ.update(ATI_VAR_DIR=str(tmp_path), ATI_DEBUG="1")
    environ["DATABASE_URL"] = f"sqlite:///{tmp_path}/db.sqlite3"
    environ.update(env)
    return subprocess.run(
        [sys.executable, "-c", SHOW], cwd=ROOT, env=environ, capture_output=True, text=True
    )


def _shown(tmp_path: Path, **env: str) -> dict:
    result = _settings(tmp_path, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_no_replica_alias_nor_router_without_the_variable(tmp_path):
    shown = _shown(tmp_path, DATABASE_URL=PRIMARY)
    assert shown["aliases"] == ["default"] and shown["routers"] == []


def test_the_replica_alias_and_its_router(tmp_path):
    shown = _shown(
        tmp_path, DATABASE_URL=PRIMARY, DATABASE_REPLICA_URL="postgres://app@replica:5432/ati"
    )
    assert shown["aliases"] == ["default", "replica"]
    assert shown["routers"] == ["ati.core.replica.ReplicaRouter"]
    assert shown["replica"]["HOST"] == "replica"
    assert shown["replica"]["OPTIONS"]["connect_timeout"] == 2
    assert shown["replica"]["TEST"] == {"MIRROR": "default"}


@pytest.mark.parametrize(
    "env, message",
    [
        ({"DATABASE_REPLICA_URL": "postgres://replica/ati"}, "needs a PostgreSQL DATABASE_URL"),
        (
            {"DATABASE_URL": PRIMARY, "DATABASE_REPLICA_URL": "sqlite:///replica.sqlite3"},
            "must be a PostgreSQL URL",
        ),
        (
            {
                "DATABASE_URL": PRIMARY,
                "DATABASE_REPLICA_URL": "postgres://replica/ati",
                "ATI_REPLICA_MAX_LAG_SECONDS": "10",
                "ATI_REPLICA_STICKY_SECONDS": "5",
            },
            "ATI_REPLICA_STICKY_SECONDS must be at least",
        ),
        (
            {
                "DATABASE_URL": PRIMARY,
                "DATABASE_REPLICA_URL": "postgres://replica/ati",
                "ATI_REPLICA_MAX_LAG_SECONDS": "soon",
            },
            "expected a whole number",
        ),
    ],
)
def test_a_replica_that_cannot_work_is_refused_at_start(tmp_path, env, message):
    result = _settings(tmp_path, **env)
    assert result.returncode != 0
    assert message in result.stderr


@pytest.mark.parametrize(
    "env, through_pgbouncer",
    [
        ({"DATABASE_URL": PRIMARY}, False),
        ({"DATABASE_URL": PRIMARY, "ATI_PGBOUNCER": "1"}, True),
        ({"DATABASE_URL": "postgres://app@pool:6432/ati"}, True),  # PgBouncer's usual port
        ({"DATABASE_URL": "postgres://app@pool:6432/ati", "ATI_PGBOUNCER": "0"}, False),
    ],
)
def test_pgbouncer_turns_off_what_outlives_a_transaction(tmp_path, env, through_pgbouncer):
    shown = _shown(tmp_path, **env, DATABASE_REPLICA_URL="postgres://app@replica:6432/ati")
    for alias in ("default", "replica"):
        assert shown["cursors"][alias] is through_pgbouncer
        assert shown["prepare"][alias] == (None if through_pgbouncer else "unset")


def test_public_pages_and_anonymous_api_reads_are_declared():
    from ati.api_urls import router
    from ati.bodies import views as bodies_views
    from ati.core import views as core_views
    from ati.library import views as library_views
    from ati.stats import views as stats_views

    for view in (library_views.library, library_views.document, stats_views.statistics,
                 stats_views.requests_csv, stats_views.requests_json,
                 bodies_views.body_list, bodies_views.body_detail):  # fmt: skip
        assert replica.declared(view) == replica.ALL
    # Staff pages, and everything not declared, read the primary.
    assert replica.declared(library_views.review_queue) is None
    assert replica.declared(core_views.home) is None
    viewsets = {prefix: viewset for prefix, viewset, _ in router.registry}
    for prefix in ("library", "statistics", "bodies", "departments", "grounds"):
        view = viewsets[prefix].as_view({"get": "list"})
        assert replica.declared(view) == replica.ANONYMOUS, prefix
    for prefix in ("requests", "complaints", "appeals"):
        assert replica.declared(viewsets[prefix].as_view({"get": "list"})) is None
