"""The opt-in conversation log: redacted text only, in local SQLite, exportable by instructors.

Off unless course.toml sets `log_conversations = true`. What is stored is exactly what was sent after
redaction, plus the reply and which backend answered; a password checked locally is never stored.
"""

from __future__ import annotations

import csv
import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from hocso.config import LanguageCode, data_home

#: who answered: the offline tutor, a remote or local (checked on this machine) model, or nobody
ReplyBackend = Literal["offline", "remote", "local", "none"]


def log_path() -> Path:
    return data_home() / "assistant" / "conversations.sqlite"


@dataclass(frozen=True)
class LoggedTurn:
    at: str
    learner: str
    language: LanguageCode  # as recorded (record takes a LanguageCode)
    backend: str
    question: str
    answer: str
    redacted: str  # comma-separated kinds that were hidden


class ConversationLog:
    def __init__(self, path: Path | None = None) -> None:
        self.path = path or log_path()

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, timeout=5)
        db.execute(
            "CREATE TABLE IF NOT EXISTS turns (at TEXT, learner TEXT, language TEXT, backend TEXT, "
            "question TEXT, answer TEXT, redacted TEXT)"
        )
        return db

    def record(
        self,
        learner: str,
        language: LanguageCode,
        backend: ReplyBackend,
        question: str,
        answer: str,
        redacted: Sequence[str],
    ) -> None:
        with self._connect() as db:
            db.execute(
                "INSERT INTO turns VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    datetime.now(UTC).isoformat(timespec="seconds"),
                    learner,
                    language,
                    backend,
                    question,
                    answer,
                    ",".join(redacted),
                ),
            )

    def turns(self) -> list[LoggedTurn]:
        if not self.path.exists():
            return []
        with self._connect() as db:
            rows = db.execute("SELECT * FROM turns ORDER BY rowid").fetchall()
        return [LoggedTurn(*row) for row in rows]

    def export(self, target: Path) -> int:
        """Write every turn to `target` (.csv or .jsonl, by suffix); returns how many."""
        turns = self.turns()
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.suffix == ".csv":
            with target.open("w", newline="", encoding="utf-8") as stream:
                writer = csv.writer(stream)
                writer.writerow(LoggedTurn.__dataclass_fields__)
                writer.writerows([list(turn.__dict__.values()) for turn in turns])
        else:
            target.write_text(
                "".join(json.dumps(turn.__dict__, ensure_ascii=False) + "\n" for turn in turns),
                encoding="utf-8",
            )
        return len(turns)
