"""Questions per learner per day, counted in a small SQLite file under the data home.

SQLite because several kernels of one learner may ask at once; an UPSERT in one statement keeps the
count right without a lock file. The day is the local date, so the quota resets at local midnight.
The object also remembers what it counted: the server's count never goes down while it runs, even if
code running as the same OS user (a learner's kernel in the one-machine lab) empties the file.
"""

from __future__ import annotations

import sqlite3
import threading
from datetime import date
from pathlib import Path

from hocso.config import data_home


def quota_path() -> Path:
    return data_home() / "assistant" / "quota.sqlite"


class DailyQuota:
    def __init__(self, limit: int, path: Path | None = None) -> None:
        self.limit = limit
        self.path = path or quota_path()
        self._db: sqlite3.Connection | None = None
        self._counted: dict[tuple[str, str], int] = {}
        self._lock = threading.Lock()  # the service answers on a few threads over one connection

    def _connect(self) -> sqlite3.Connection:
        """One connection per quota object; the widget's and ask()'s calls come from one kernel thread."""
        if self._db is not None:
            return self._db
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, timeout=5, check_same_thread=False)
        # WAL and normal sync: a count lost to a power cut costs a learner one question, not the server
        # a disk flush per question (several ms each on a busy machine)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute(
            "CREATE TABLE IF NOT EXISTS asked (learner TEXT, day TEXT, count INTEGER, PRIMARY KEY (learner, day))"
        )
        self._db = db
        return db

    def used(self, learner: str, today: date | None = None) -> int:
        with self._connect() as db:
            row = db.execute(
                "SELECT count FROM asked WHERE learner = ? AND day = ?",
                (learner, (today or date.today()).isoformat()),
            ).fetchone()
        return row[0] if row else 0

    def try_take(self, learner: str, today: date | None = None) -> bool:
        """Count one question; False (and nothing counted) when the day's limit is reached. 0 = no limit."""
        day = (today or date.today()).isoformat()
        with self._lock, self._connect() as db:
            row = db.execute(
                "SELECT count FROM asked WHERE learner = ? AND day = ?", (learner, day)
            ).fetchone()
            count = max(row[0] if row else 0, self._counted.get((learner, day), 0))
            if self.limit and count >= self.limit:
                return False
            db.execute(
                "INSERT INTO asked VALUES (?, ?, ?) ON CONFLICT (learner, day) DO UPDATE SET count = MAX(count + 1, ?)",
                (learner, day, count + 1, count + 1),
            )
        self._counted[(learner, day)] = count + 1
        return True
