"""The replica router against a real streaming standby (ati/core/replica.py).

PostgreSQL pass of `make test` only. A throwaway primary (initdb, on a free port) gets a
copy of the test database, then a standby made with `pg_basebackup` streams from it on
another port: a base backup of the shared server on 5432 would copy every database on it
(other runs', the benchmarks'), and its pg_hba.conf need not allow replication. One
standby for the module; both servers are stopped and removed whatever happens.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, connections
from django.test import Client
from django.test.utils import CaptureQueriesContext

from ati.core import replica
from tests.factories import UserFactory, api_key

pytestmark = pytest.mark.postgres

PASSWORD = "correct horse battery staple"  # tests/factories.py
TOOLS = ("initdb", "pg_ctl", "pg_basebackup", "pg_dump", "psql")


def _bin_dir() -> Path:
    """Debian's binaries of the server's major version (ATI_PG_BIN to use others)."""
    if os.environ.get("ATI_PG_BIN"):
        return Path(os.environ["ATI_PG_BIN"])
    return Path(f"/usr/lib/postgresql/{connection.pg_version // 10000}/bin")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Servers:
    """The throwaway primary and its standby, run as the `postgres` user when we are root
    (initdb refuses root)."""

    def __init__(self, bin_dir: Path) -> None:
        self.bin = bin_dir
        self.root = Path(tempfile.mkdtemp(prefix="ati-replica-"))
        self.as_user: dict[str, Any] = {}
        if os.geteuid() == 0:
            owner = pwd.getpwnam("postgres")
            os.chown(self.root, owner.pw_uid, owner.pw_gid)
            self.as_user = {"user": owner.pw_uid, "group": owner.pw_gid, "extra_groups": []}
        self.primary_port, self.standby_port = _free_port(), _free_port()
        self.started: list[Path] = []

    def run(self, tool: str, *args: str, **kw: Any) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(self.bin / tool), *args],
            cwd=self.root,
            check=True,
            capture_output=True,
            text=True,
            timeout=120,
            **self.as_user,
            **kw,
        )

    def start(self, name: str, port: int) -> None:
        data = self.root / name
        options = f"-p {port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self.started.append(data)
        self.run("pg_ctl", "-D", str(data), "-l", str(self.root / f"{name}.log"), "-w", "-t",
                 "60", "-o", options, "start")  # fmt: skip

    def stop(self, name: str) -> None:
        data = self.root / name
        if data in self.started:
            self.run("pg_ctl", "-D", str(data), "-m", "immediate", "-w", "stop")
            self.started.remove(data)

    def cleanup(self) -> None:
        for data in list(self.started):
            with contextlib.suppress(subprocess.SubprocessError, OSError):
                self.stop(data.name)
        shutil.rmtree(self.root, ignore_errors=True)

    def log(self, name: str) -> str:
        path = self.root / f"{name}.log"
        return path.read_text()[-3000:] if path.exists() else ""


def _sql(port: int, sql: str) -> str:
    import psycopg

    with psycopg.connect(host="127.0.0.1", port=port, user="postgres", dbname="ati",
                         autocommit=True, connect_timeout=5) as conn:  # fmt: skip
        row = conn.execute(sql).fetchone()
        return "" if row is None else str(row[0])


def _wait(what: str, condition: Any, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {timeout:.0f} s for {what}")
        time.sleep(0.1)


def _caught_up(servers: Servers) -> bool:
    lsn = _sql(servers.primary_port, "SELECT pg_current_wal_lsn()")
    return _sql(servers.standby_port, f"SELECT pg_last_wal_replay_lsn() >= '{lsn}'") == "True"


@pytest.fixture(scope="module")
def servers(django_db_setup: None, django_db_blocker: Any) -> Iterator[Servers]:
    with django_db_blocker.unblock():
        yield from _servers()


def _servers() -> Iterator[Servers]:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (runs in the PostgreSQL pass)")
    bin_dir = _bin_dir()
    missing = [t for t in TOOLS if not (bin_dir / t).exists()]
    if missing:
        pytest.skip(f"PostgreSQL's server binaries are missing in {bin_dir}: {missing}")
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("run as root with no `postgres` user to run initdb as")
    servers = Servers(bin_dir)
    saved = connections.settings["default"]
    try:
        servers.run("initdb", "-D", str(servers.root / "primary"), "-U", "postgres",
                    "--auth=trust", "--no-sync", "--no-locale", "-E", "UTF8")  # fmt: skip
        # initdb's pg_hba.conf lets 127.0.0.1 replicate; wal_level is "replica" by default.
        servers.start("primary", servers.primary_port)
        primary = f"postgresql://postgres@127.0.0.1:{servers.primary_port}"
        subprocess.run([str(bin_dir / "psql"), f"{primary}/postgres", "-qc",
                        "CREATE DATABASE ati"], check=True, capture_output=True)  # fmt: skip
        # The schema (and the rows migrations insert) of this run's test database.
        source = saved
        dump = subprocess.run(
            [
                str(bin_dir / "pg_dump"),
                "--no-owner",
                "--no-privileges",
                "-h",
                source["HOST"] or "127.0.0.1",
                "-p",
                str(source["PORT"] or 5432),
                "-U",
                source["USER"] or "postgres",
                "-d",
                source["NAME"],
            ],
            check=True,
            capture_output=True,
            env={**os.environ, "PGPASSWORD": source["PASSWORD"] or ""},
            timeout=120,
        )
        subprocess.run([str(bin_dir / "psql"), f"{primary}/ati", "-q", "-v", "ON_ERROR_STOP=1"],
                       input=dump.stdout, check=True, capture_output=True)  # fmt: skip
        servers.run("pg_basebackup", "-h", "127.0.0.1", "-p", str(servers.primary_port),
                    "-U", "postgres", "-D", str(servers.root / "standby"), "-R",
                    "-X", "stream", "--checkpoint=fast", "--no-sync")  # fmt: skip
        servers.start("standby", servers.standby_port)
        _wait(
            "the standby to stream",
            lambda: (
                _sql(
                    servers.primary_port,
                    "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'",
                )
                == "1"
            ),
        )
    except BaseException:
        print(servers.log("primary"), servers.log("standby"))
        servers.cleanup()
        raise
    # Django's "default" is the throwaway primary for this module, "replica" its standby.
    primary_settings = {
        **saved,
        "HOST": "127.0.0.1",
        "PORT": str(servers.primary_port),
        "NAME": "ati",
        "USER": "postgres",
        "PASSWORD": "",
        "CONN_MAX_AGE": 0,
    }
    replica_settings = {
        **primary_settings,
        "PORT": str(servers.standby_port),
        "OPTIONS": {**primary_settings.get("OPTIONS", {}), "connect_timeout": 2},
        "TEST": {**primary_settings.get("TEST", {}), "MIRROR": "default"},
    }
    connections["default"].close()
    connections.settings["default"] = primary_settings
    connections.settings[replica.REPLICA] = replica_settings
    del connections["default"]
    try:
        from ati.stats.compute import refresh_stats

        refresh_stats()  # the statistics page reads the newest snapshot
        yield servers
    finally:
        for alias in ("default", replica.REPLICA):
            with contextlib.suppress(Exception):  # the standby may be gone: nothing to close
                connections[alias].close()
            with contextlib.suppress(AttributeError):
                del connections[alias]
        del connections.settings[replica.REPLICA]
        connections.settings["default"] = saved
        replica.forget()
        servers.cleanup()


@pytest.fixture
def routed(servers: Servers, settings: Any) -> Servers:
    settings.DATABASE_ROUTERS = ["ati.core.replica.ReplicaRouter"]
    settings.ATI_REPLICA_MAX_LAG_SECONDS = 30
    settings.ATI_REPLICA_CHECK_SECONDS = 0  # measured at each request: no cached state
    settings.ATI_REPLICA_STICKY_SECONDS = 60
    replica.forget()
    _wait("the standby to catch up", lambda: _caught_up(servers))
    return servers


def test_reads_inside_a_transaction_stay_on_the_primary(db):
    """Before the module's servers start (it uses this run's test database): a view's
    transaction reads the rows it locked on the database it writes to."""
    from django.db import transaction

    token = replica._route.set(replica.Route(alias=replica.REPLICA))
    try:
        with transaction.atomic():
            assert replica.current_alias() == replica.PRIMARY
    finally:
        replica._route.reset(token)


def _get(client: Client, path: str) -> tuple[Any, list[str], list[str]]:
    """The response, then the SQL the primary and the replica ran for it."""
    with (
        CaptureQueriesContext(connections["default"]) as on_primary,
        CaptureQueriesContext(connections[replica.REPLICA]) as on_replica,
    ):
        response = client.get(path)
    assert response.status_code == 200, response.content[:500]
    return response, [q["sql"] for q in on_primary], [q["sql"] for q in on_replica]


def _touches(queries: list[str], table: str) -> bool:
    return any(table in q for q in queries)


@pytest.mark.parametrize(
    "path, table",
    [
        ("/library/?q=budget", "library_publication"),
        ("/statistics/", "stats_snapshot"),
        ("/statistics/data/requests.json", "stats_snapshot"),
        ("/api/v1/library/?q=budget", "library_publication"),
        ("/api/v1/bodies/", "bodies_publicbody"),
        ("/bodies/", "bodies_publicbody"),
    ],
)
def test_public_reads_go_to_the_replica(routed, path, table):
    _, on_primary, on_replica = _get(Client(), path)
    assert _touches(on_replica, table)
    assert not _touches(on_primary, table)
    # What the primary did answer: where its WAL is, to measure the replica's lag.
    assert _touches(on_primary, "pg_current_wal_lsn")


def test_other_reads_stay_on_the_primary(routed):
    # Not declared read-only: the home page; the API with credentials.
    _, on_primary, on_replica = _get(Client(), "/")
    assert not on_replica
    key = api_key(UserFactory())
    _, on_primary, on_replica = _get(Client(HTTP_AUTHORIZATION=f"Token {key}"), "/api/v1/bodies/")
    assert _touches(on_primary, "bodies_publicbody")
    assert not on_replica


def test_a_person_who_just_wrote_reads_the_primary(routed):
    user = UserFactory()
    _wait("the standby to have the account", lambda: _caught_up(routed))
    # From here the standby replays nothing: what is written now exists on the primary only.
    _sql(routed.standby_port, "SELECT pg_wal_replay_pause()")
    try:
        person = Client()
        signed_in = person.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
        assert signed_in.status_code == 302, signed_in.content[:300]
        assert replica.STICKY_COOKIE in signed_in.cookies
        # The session just written is read back: on the replica it does not exist yet.
        response, on_primary, on_replica = _get(person, "/library/?q=budget")
        assert response.wsgi_request.user == user
        assert _touches(on_primary, "library_publication")
        assert not on_replica
        # Someone else is still served by the replica, which is within the bound.
        _, on_primary, on_replica = _get(Client(), "/library/?q=budget")
        assert _touches(on_replica, "library_publication")
        assert not _touches(on_primary, "library_publication")
    finally:
        _sql(routed.standby_port, "SELECT pg_wal_replay_resume()")


def test_a_replica_behind_the_bound_is_left_for_the_primary(routed, settings):
    settings.ATI_REPLICA_MAX_LAG_SECONDS = 1
    _sql(routed.standby_port, "SELECT pg_wal_replay_pause()")
    try:
        UserFactory()  # a change the standby does not replay
        time.sleep(1.5)
        health = replica.health(force=True)
        assert not health.ready and health.lag is not None and health.lag > 1, health
        _, on_primary, on_replica = _get(Client(), "/library/?q=budget")
        assert _touches(on_primary, "library_publication")
        assert not _touches(on_replica, "library_publication")
    finally:
        _sql(routed.standby_port, "SELECT pg_wal_replay_resume()")
    _wait("the standby to catch up", lambda: _caught_up(routed))
    _, on_primary, on_replica = _get(Client(), "/library/?q=budget")
    assert _touches(on_replica, "library_publication")


def test_a_stopped_replica_is_left_for_the_primary(routed, settings):
    """Last in the module: it stops the standby."""
    # Measured while it streams, and trusted for a minute: the first request after the stop
    # fails on the replica's connection and is run again on the primary.
    settings.ATI_REPLICA_CHECK_SECONDS = 60
    _, _, on_replica = _get(Client(), "/library/?q=budget")
    assert _touches(on_replica, "library_publication")
    routed.stop("standby")
    response = Client().get("/library/?q=budget")
    assert response.status_code == 200
    assert not replica.health().ready
    # Measured at each request again: the replica does not answer, the primary serves.
    settings.ATI_REPLICA_CHECK_SECONDS = 0
    with CaptureQueriesContext(connections["default"]) as on_primary:
        response = Client().get("/api/v1/library/?q=budget")
    assert response.status_code == 200
    assert _touches([q["sql"] for q in on_primary], "library_publication")
    assert "does not answer" in replica.health().reason
