"""The done marker: what grading one learner's submission of a module last gave, and of which files.

`autograded/<learner>/<module>/.hocso-graded` is written last, after the grades are committed, as
JSON: the fingerprint (SHA-256 over the names and bytes of every file in the learner's
`submitted/<learner>/<module>/`), whether grading succeeded, and the reason when it did not. The
next autograde grades a learner again exactly when there is no marker or the submission's
fingerprint differs (a new file was collected), so a failed submission is retried only when it
changed; `--force` grades everyone again. Export reads the same marker for its status column.
A marker written before fingerprints (plain "ok" or a reason) counts as done unless a submitted
file is newer than it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path

__all__ = [
    "DONE_MARKER",
    "GradingRecord",
    "is_current",
    "read_record",
    "submission_fingerprint",
    "write_record",
]

DONE_MARKER = ".hocso-graded"


@dataclass(frozen=True)
class GradingRecord:
    fingerprint: str  # "" for a marker written before fingerprints
    ok: bool
    reason: str = ""
    scored: bool = True  # False: no automatic score stands (grading failed, or it tampered)


def submission_fingerprint(folder: Path) -> str:
    """SHA-256 over the relative names and contents of every file under `folder`, in name order."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(path.relative_to(folder).as_posix().encode("utf-8") + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def write_record(autograded: Path, record: GradingRecord) -> None:
    autograded.mkdir(parents=True, exist_ok=True)
    (autograded / DONE_MARKER).write_text(json.dumps(asdict(record), ensure_ascii=False), encoding="utf-8")


def read_record(autograded: Path) -> GradingRecord | None:
    """The marker in this autograded folder; None when the learner was never (completely) graded."""
    try:
        text = (autograded / DONE_MARKER).read_text(encoding="utf-8")
    except OSError:
        return None
    try:
        data = json.loads(text)
        return GradingRecord(
            str(data["fingerprint"]),
            bool(data["ok"]),
            str(data.get("reason", "")),
            bool(data.get("scored", True)),
        )
    except (ValueError, KeyError, TypeError):
        ok = text.strip() == "ok"
        return GradingRecord("", ok, "" if ok else text.strip(), ok)


def is_current(autograded: Path, submitted: Path) -> bool:
    """Whether the marker in `autograded` is of exactly the files now in `submitted`."""
    record = read_record(autograded)
    if record is None:
        return False
    if record.fingerprint:
        return record.fingerprint == submission_fingerprint(submitted)
    marker_time = (autograded / DONE_MARKER).stat().st_mtime
    return all(p.stat().st_mtime <= marker_time for p in submitted.rglob("*") if p.is_file())
