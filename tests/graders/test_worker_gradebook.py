"""Flushing the gradebook's log must leave SQLite's own locks alone.

A first version also fsynced the database file through a descriptor of its own; closing it dropped
the POSIX locks SQLite held on the file in that worker, and under load other workers' commits were
lost. Whether a process still holds its lock is visible from outside: switching the journal mode
needs the database to itself.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

from hocso.graders.worker_gradebook import make_durable, use_wal_journal

PROBE = """
import sqlite3, sys
connection = sqlite3.connect(sys.argv[1], timeout=0.1)
try:
    print(connection.execute("PRAGMA journal_mode=DELETE").fetchone()[0])
except sqlite3.OperationalError as error:
    print(error)
"""


def _other_process_takes_over(db: Path) -> str:
    return subprocess.run(
        [sys.executable, "-c", PROBE, str(db)], capture_output=True, text=True, check=True, timeout=60
    ).stdout.strip()


def test_flushing_the_log_keeps_the_workers_lock(tmp_path: Path):
    db = tmp_path / "gradebook.db"
    use_wal_journal(f"sqlite:///{db}")
    worker = sqlite3.connect(db)
    worker.execute("CREATE TABLE grade (score REAL)")
    worker.execute("INSERT INTO grade VALUES (3)")
    worker.commit()
    assert worker.execute("SELECT score FROM grade").fetchall() == [(3.0,)]
    make_durable(f"sqlite:///{db}")
    assert _other_process_takes_over(db) == "database is locked"
    worker.close()
    assert _other_process_takes_over(db) == "delete"  # the probe can succeed once nobody holds it
