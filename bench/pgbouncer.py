"""A PgBouncer of the benchmark's own, in transaction mode, in front of its PostgreSQL.

    with pgbouncer.running("postgres://postgres@127.0.0.1:5432/ati_bench_http") as url:
        ...  # url: the same database through PgBouncer, on a free port of 127.0.0.1

Debian's package (`make bench` installs it); started on a free port with its own
configuration, log and socket in a temporary folder, stopped and removed afterwards.
PgBouncer refuses to run as root: as root it runs as the `postgres` user (`-u`).
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

#: Server connections per database and user: what PostgreSQL sees, whatever the number
#: of web processes in front (docs/deployment.md sizes it).
POOL_SIZE = int(os.environ.get("ATI_BENCH_PGBOUNCER_POOL", "20"))


def binary() -> str | None:
    return shutil.which("pgbouncer") or (
        "/usr/sbin/pgbouncer" if Path("/usr/sbin/pgbouncer").exists() else None
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def config(upstream: str, port: int, folder: Path, user: str) -> str:
    parts = urlsplit(upstream)
    return f"""[databases]
* = host={parts.hostname or "127.0.0.1"} port={parts.port or 5432}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {port}
unix_socket_dir = {folder}
pidfile = {folder}/pgbouncer.pid
logfile = {folder}/pgbouncer.log
auth_type = trust
auth_file = {folder}/users.txt
admin_users = {user}
pool_mode = transaction
default_pool_size = {POOL_SIZE}
max_client_conn = 2000
; Django's connections set these at start: PgBouncer keeps them per client.
ignore_startup_parameters = extra_float_digits,options
server_reset_query =
log_connections = 0
log_disconnections = 0
"""


@contextlib.contextmanager
def running(upstream: str) -> Iterator[str]:
    """PgBouncer in front of `upstream` (a postgres:// URL); yields the URL through it."""
    exe = binary()
    if exe is None:
        raise RuntimeError("pgbouncer is not installed (make bench installs it)")
    parts = urlsplit(upstream)
    user = parts.username or "postgres"
    folder = Path(tempfile.mkdtemp(prefix="ati-pgbouncer-"))
    run_as: list[str] = []
    if os.geteuid() == 0:
        owner = pwd.getpwnam("postgres")
        os.chown(folder, owner.pw_uid, owner.pw_gid)
        run_as = ["-u", "postgres"]
    port = _free_port()
    (folder / "pgbouncer.ini").write_text(config(upstream, port, folder, user))
    password = parts.password or ""
    (folder / "users.txt").write_text(f'"{user}" "{password}"\n')
    proc = subprocess.Popen(
        [exe, *run_as, str(folder / "pgbouncer.ini")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            if proc.poll() is not None:
                log = (
                    (folder / "pgbouncer.log").read_text()
                    if (folder / "pgbouncer.log").exists()
                    else ""
                )
                raise RuntimeError(
                    f"pgbouncer stopped: {proc.stderr.read() if proc.stderr else ''} {log}"
                )
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("pgbouncer did not open its port in 20 s") from None
                time.sleep(0.1)
        netloc = f"{parts.username}@127.0.0.1:{port}" if parts.username else f"127.0.0.1:{port}"
        if parts.password:
            netloc = f"{parts.username}:{parts.password}@127.0.0.1:{port}"
        yield urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)  # SIGTERM: at once, not waiting for clients
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        shutil.rmtree(folder, ignore_errors=True)
