"""Questions per learner per day, counted in a small SQLite file under the data home.

SQLite because several kernels of one learner may ask at once; an UPSERT in one statement keeps the
count right without a lock file. The day is the local date, so the quota resets at local midnight.
"""

from __future__ import annotations

import sqlite3
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

    def _connect(self) -> sqlite3.Connection:
        """One connection per quota object; the widget's and ask()'s calls come from one kernel thread."""
        if self._db is not None:
            return self._db
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, timeout=5, check_same_thread=False)
        db.execute(
            "CREATE TABLE IF NOT EXISTS asked (learner TEXT, day TEXT, count INTEGER, PRIMARY KEY (learner, day))"
        )
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
        with self._connect() as db:
            if self.limit:
                row = db.execute(
                    "SELECT count FROM asked WHERE learner = ? AND day = ?", (learner, day)
                ).fetchone()
                if row and row[0] >= self.limit:
                    return False
            db.execute(
                "INSERT INTO asked VALUES (?, ?, 1) ON CONFLICT (learner, day) DO UPDATE SET count = count + 1",
                (learner, day),
            )
        return True
