"""The centre's store of units' results: trusted signers, an idempotent import, and scores for reports.

One SQLite file per course at the centre (`<runtime home>/centre/<course>.sqlite` unless given).
Importing a bundle is one transaction: the same bundle twice changes nothing, a newer bundle of a
unit replaces that unit's rows, an older one is refused, and a bundle that fails any check
(truncated, altered, from a key the centre does not trust, another course, a unit that another key
sent before) is refused with the reason before anything is written.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import pandas as pd

from hocso import keys
from hocso.config import Course, data_home
from hocso.reports.levels import competence_profile
from hocso.reports.scores import SCORE_COLUMNS, exercise_table
from hocso.results.bundle import Bundle, BundleRefused, read_bundle, read_header
from hocso.roster import Learner, Roster

SCHEMA = """
CREATE TABLE IF NOT EXISTS trusted (fingerprint TEXT PRIMARY KEY, public_key TEXT NOT NULL, label TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS bundles (
    unit TEXT PRIMARY KEY, signer TEXT NOT NULL, created TEXT NOT NULL, digest TEXT NOT NULL, imported TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS learners (
    unit TEXT NOT NULL, learner_id TEXT NOT NULL, name TEXT NOT NULL, grp TEXT NOT NULL,
    PRIMARY KEY (unit, learner_id)
);
CREATE TABLE IF NOT EXISTS points (
    unit TEXT NOT NULL, learner_id TEXT NOT NULL, module TEXT NOT NULL, notebook TEXT NOT NULL,
    grade_id TEXT NOT NULL, points REAL NOT NULL, max_points REAL NOT NULL, competence TEXT,
    PRIMARY KEY (unit, learner_id, module, notebook, grade_id)
);
CREATE TABLE IF NOT EXISTS levels (
    unit TEXT NOT NULL, learner_id TEXT NOT NULL, competence TEXT NOT NULL, level INTEGER NOT NULL,
    PRIMARY KEY (unit, learner_id, competence)
);
"""

Outcome = Literal["imported", "replaced", "unchanged"]


@dataclass(frozen=True)
class ImportResult:
    outcome: Outcome
    unit: str
    learners: int


def centre_path(course: Course) -> Path:
    return data_home() / "centre" / f"{course.id}.sqlite"


def connect(path: Path) -> sqlite3.Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(path, isolation_level=None)  # transactions are explicit below
    connection.executescript(SCHEMA)
    return connection


def trust(path: Path, public_key_pem: str, label: str) -> str:
    """Trust a unit server's public key (from `hocso results key` there); its fingerprint."""
    public = keys.load_public_key(public_key_pem)
    fingerprint = keys.fingerprint(public)
    with connect(path) as connection:
        connection.execute(
            "INSERT INTO trusted VALUES (?, ?, ?) ON CONFLICT(fingerprint) DO UPDATE SET label = excluded.label",
            (fingerprint, keys.public_pem(public), label),
        )
    return fingerprint


def import_bundle(path: Path, course: Course, data: bytes) -> ImportResult:
    """Check and merge one bundle; BundleRefused (with nothing written) when it must not go in."""
    header = read_header(data)
    connection = connect(path)
    try:
        row = connection.execute(
            "SELECT public_key FROM trusted WHERE fingerprint = ?", (header["signer"],)
        ).fetchone()
        if row is None:
            raise BundleRefused(
                "foreign",
                f"the bundle of unit {header['unit']!r} is signed by key {header['signer']}, which this centre "
                "does not trust; add the unit's key with `hocso results trust KEY.pem --label ...` if it is theirs",
            )
        bundle = read_bundle(data, keys.load_public_key(row[0]))
        if bundle.course != course.id:
            raise BundleRefused(
                "wrong_course",
                f"the bundle is for course {bundle.course!r}, this centre's course is {course.id!r}",
            )
        connection.execute("BEGIN IMMEDIATE")
        try:
            result = _merge(connection, bundle)
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        return result
    finally:
        connection.close()


def _merge(connection: sqlite3.Connection, bundle: Bundle) -> ImportResult:
    known = connection.execute(
        "SELECT signer, created, digest FROM bundles WHERE unit = ?", (bundle.unit,)
    ).fetchone()
    if known is not None:
        signer, created, digest = known
        if signer != bundle.signer:
            raise BundleRefused(
                "other_signer",
                f"unit {bundle.unit!r} was sent before by key {signer}, this bundle by key {bundle.signer}",
            )
        if digest == bundle.digest:
            return ImportResult("unchanged", bundle.unit, len(bundle.learners))
        if created >= bundle.created:
            raise BundleRefused(
                "older",
                f"the centre already has a newer bundle of unit {bundle.unit!r} (made {created}); this one was made "
                f"{bundle.created}",
            )
        for table in ("learners", "points", "levels"):
            connection.execute(f"DELETE FROM {table} WHERE unit = ?", (bundle.unit,))
    connection.executemany(
        "INSERT INTO learners VALUES (?, ?, ?, ?)",
        [(bundle.unit, r.learner_id, r.name, r.group) for r in bundle.learners.itertuples(index=False)],
    )
    connection.executemany(
        "INSERT INTO points VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                bundle.unit,
                r.learner_id,
                r.module,
                r.notebook,
                r.grade_id,
                r.points,
                r.max_points,
                r.competence,
            )
            for r in bundle.points.itertuples(index=False)
        ],
    )
    connection.executemany(
        "INSERT INTO levels VALUES (?, ?, ?, ?)",
        [
            (bundle.unit, r.learner_id, r.competence, int(r.level))
            for r in bundle.levels.itertuples(index=False)
        ],
    )
    connection.execute(
        "INSERT INTO bundles VALUES (?, ?, ?, ?, datetime('now')) ON CONFLICT(unit) DO UPDATE SET "
        "signer = excluded.signer, created = excluded.created, digest = excluded.digest, imported = excluded.imported",
        (bundle.unit, bundle.signer, bundle.created, bundle.digest),
    )
    return ImportResult("imported" if known is None else "replaced", bundle.unit, len(bundle.learners))


def centre_scores(path: Path, course: Course) -> tuple[pd.DataFrame, Roster]:
    """Every imported unit's scores (SCORE_COLUMNS) and learners, for `hocso report` at the centre.

    Learner ids are prefixed with their unit ("<unit>/<id>") so two units' learner 17 stay two people.
    """
    with connect(path) as connection:
        learners = pd.read_sql_query(
            "SELECT unit, learner_id, name, grp FROM learners ORDER BY unit, learner_id", connection
        )
        points = pd.read_sql_query("SELECT * FROM points", connection)
    learners["learner_id"] = learners["unit"] + "/" + learners["learner_id"]
    points["learner_id"] = points["unit"] + "/" + points["learner_id"]
    points["awaiting"] = False
    scores = points.reindex(columns=list(SCORE_COLUMNS))
    roster = Roster(Learner(r.learner_id, r.name, r.grp, r.unit) for r in learners.itertuples(index=False))
    return scores, roster


def unit_tables(
    course: Course, scores: pd.DataFrame, roster: Roster, unit: str
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The learners, points and competence levels of one unit, as a bundle carries them."""
    selected = roster.in_unit(unit)
    ids = set(selected.ids)
    learners = pd.DataFrame(
        [(lr.learner_id, lr.name, lr.group, lr.unit) for lr in selected],
        columns=["learner_id", "name", "group", "unit"],
    )
    mine = scores[scores["learner_id"].astype(str).isin(ids)]
    points = mine[
        ["learner_id", "module", "notebook", "grade_id", "points", "max_points", "competence"]
    ].astype({"learner_id": str, "module": str, "notebook": str, "grade_id": str})
    profile = competence_profile(course, mine, selected, exercise_table(course))
    levels = (
        profile[["learner_id", "competence", "level"]]
        if not profile.empty
        else pd.DataFrame(columns=["learner_id", "competence", "level"])
    )
    return learners, points, levels
