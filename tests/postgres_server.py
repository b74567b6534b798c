"""A real PostgreSQL server from Debian's packages, on loopback, in a temporary folder.

Used by the `postgres` session fixture (tests/conftest.py) and by bench/gradebook.py. `initdb` and
`postgres` refuse to run as root, so as root they run as the `postgres` account Debian's package
makes (the data folder is given to it). The server listens on 127.0.0.1 and a socket in its own
folder only; it trusts local connections (it lives for one test session and holds test data) and
skips fsync (nothing in it must survive a crash of the machine).
"""

from __future__ import annotations

import ctypes
import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

SUPERUSER = "hocso"
START_TIMEOUT_S = 120.0  # a guard against hanging, not a speed check


def postgres_bindir() -> Path | None:
    """The folder of Debian's `initdb` and `postgres` (the newest installed major version)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/postgres"), key=lambda p: int(p.split("/")[4]))
    return Path(found[-1]).parent if found else None


@dataclass
class PostgresServer:
    folder: Path
    port: int
    process: subprocess.Popen[bytes]

    @property
    def server_url(self) -> str:
        """The server without a database: hocso then uses one named after the course."""
        return f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{self.port}"

    def new_database_url(self, prefix: str = "test") -> str:
        """A fresh, empty database's URL (one per course, as in a real deployment)."""
        import psycopg

        name = f"{prefix}_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(self._conninfo("postgres"), autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return f"{self.server_url}/{name}"

    def _conninfo(self, database: str) -> str:
        return f"host=127.0.0.1 port={self.port} user={SUPERUSER} dbname={database} connect_timeout=10"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(2)  # SIGINT: PostgreSQL's fast shutdown
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.folder, ignore_errors=True)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_postgres(bindir: Path) -> PostgresServer:
    """initdb a new cluster in a temporary folder and start it; returns once it accepts connections."""
    folder = Path(tempfile.mkdtemp(prefix="hocso-pg-"))  # not under pytest's 0700 root-only folders
    data, sockets = folder / "data", folder / "socket"
    sockets.mkdir()
    as_user: dict[str, object] = {}
    if os.geteuid() == 0:
        account = pwd.getpwnam("postgres")
        for path in (folder, sockets):
            os.chown(path, account.pw_uid, account.pw_gid)
        as_user = {"user": account.pw_uid, "group": account.pw_gid, "extra_groups": []}
    subprocess.run(
        [str(bindir / "initdb"), "-D", str(data), "-U", SUPERUSER, "--auth=trust", "-E", "UTF8", "--no-sync"],
        check=True,
        capture_output=True,
        cwd=folder,
        **as_user,  # type: ignore[arg-type]
    )
    port = _free_port()
    settings = ["fsync=off", "synchronous_commit=on", "full_page_writes=off", "max_connections=100"]
    command = [str(bindir / "postgres"), "-D", str(data), "-h", "127.0.0.1", "-p", str(port)]
    command += ["-k", str(sockets)]
    for setting in settings:
        command += ["-c", setting]
    log = (folder / "server.log").open("wb")
    process = subprocess.Popen(
        command,
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=folder,
        preexec_fn=_stop_with_parent,
        **as_user,  # type: ignore[arg-type]
    )
    server = PostgresServer(folder, port, process)
    _wait_until_ready(server, log.name)
    return server


def _stop_with_parent() -> None:
    """In the server's process before exec: a fast shutdown when the test run ends, even by kill -9."""
    ctypes.CDLL(None).prctl(1, signal.SIGINT, 0, 0, 0)  # PR_SET_PDEATHSIG


def _wait_until_ready(server: PostgresServer, log: str) -> None:
    import psycopg

    deadline = time.monotonic() + START_TIMEOUT_S
    while True:
        if server.process.poll() is not None:
            raise RuntimeError(f"PostgreSQL stopped at start:\n{Path(log).read_text(errors='replace')}")
        try:
            psycopg.connect(server._conninfo("postgres")).close()
            return
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                server.stop()
                raise
            time.sleep(0.2)
