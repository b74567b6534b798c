"""The centre's store of units' results: trusted signers, an idempotent import, and scores for reports.

One SQLite file per course at the centre (`<runtime home>/centre/<course>.sqlite` unless given).
Importing a bundle is one transaction: the same bundle twice changes nothing, a newer bundle of a
unit replaces that unit's rows, an older one is refused, and a bundle that fails any check
(truncated, altered, from a key the centre does not trust, another course, a unit that another key
sent before) is refused with the reason before anything is written.
"""

from __future__ import annotations

import itertools
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from hocso import keys
from hocso.config import Course, data_home
from hocso.errors import HocsoError
from hocso.reports.levels import competence_profile
from hocso.reports.scores import SCORE_COLUMNS, _take_categorical, exercise_table
from hocso.results.bundle import Bundle, BundleRefused, parse_body, read_header, verified_body
from hocso.roster import Learner, Roster

# Integer keys, not text: a unit's learners and items are numbered as its bundle numbers them. A unit's
# points are always replaced whole, so they are kept as one row of three arrays per unit (learner
# number, item number, points): the centre's 100,000 learners x 12 modules (4.8 million points) read
# back in a second instead of a minute of Python tuples, and the store stays small. Learners, items
# and levels stay plain tables. `user_version` says which layout a store has.
STORE_VERSION = 3
SCHEMA = f"""
BEGIN IMMEDIATE;
CREATE TABLE IF NOT EXISTS trusted (fingerprint TEXT PRIMARY KEY, public_key TEXT NOT NULL, label TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS bundles (
    unit_no INTEGER PRIMARY KEY, unit TEXT NOT NULL UNIQUE, signer TEXT NOT NULL, created TEXT NOT NULL,
    digest TEXT NOT NULL, imported TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS learners (
    unit_no INTEGER NOT NULL, learner_no INTEGER NOT NULL, learner_id TEXT NOT NULL, name TEXT NOT NULL,
    grp TEXT NOT NULL, PRIMARY KEY (unit_no, learner_no), UNIQUE (unit_no, learner_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS items (
    unit_no INTEGER NOT NULL, item_no INTEGER NOT NULL, module TEXT NOT NULL, notebook TEXT NOT NULL,
    grade_id TEXT NOT NULL, max_points REAL NOT NULL, competence TEXT, PRIMARY KEY (unit_no, item_no)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS points (
    unit_no INTEGER PRIMARY KEY, learner_no BLOB NOT NULL, item_no BLOB NOT NULL, points BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS levels (
    unit_no INTEGER NOT NULL, learner_no INTEGER NOT NULL, competence TEXT NOT NULL, level INTEGER NOT NULL,
    PRIMARY KEY (unit_no, learner_no, competence)
) WITHOUT ROWID;
PRAGMA user_version = {STORE_VERSION};
COMMIT;
"""
UNIT_TABLES = ("learners", "items", "points", "levels")
NUMBER = np.dtype("<i4")  # learner and item numbers in the points arrays
POINTS = np.dtype("<f8")

Outcome = Literal["imported", "replaced", "unchanged"]


class CentreStoreError(HocsoError):
    """The centre's store has a layout this hocso does not read (made by an older version)."""


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
    (version,) = connection.execute("PRAGMA user_version").fetchone()
    if version == 0:
        old = connection.execute("SELECT 1 FROM sqlite_master WHERE name = 'bundles'").fetchone()
        if old is None:
            connection.executescript(SCHEMA)
            return connection
    if version != STORE_VERSION:
        connection.close()
        raise CentreStoreError(
            f"the centre store {path} was made by another version of hocso (layout {version}, this one reads "
            f"{STORE_VERSION}); import the units' bundles again into a new store (--db NEW.sqlite)"
        )
    return connection


def trust(path: Path, public_key_pem: str, label: str) -> str:
    """Trust a unit server's public key (from `hocso results key` there); its fingerprint."""
    public = keys.load_public_key(public_key_pem)
    fingerprint = keys.fingerprint(public)
    with closing(connect(path)) as connection:
        connection.execute(
            "INSERT INTO trusted VALUES (?, ?, ?) ON CONFLICT(fingerprint) DO UPDATE SET label = excluded.label",
            (fingerprint, keys.public_pem(public), label),
        )
    return fingerprint


def import_bundle(path: Path, course: Course, data: bytes) -> ImportResult:
    """Check and merge one bundle; BundleRefused (with nothing written) when it must not go in."""
    header = read_header(data)
    with closing(connect(path)) as connection:
        row = connection.execute(
            "SELECT public_key FROM trusted WHERE fingerprint = ?", (header["signer"],)
        ).fetchone()
        if row is None:
            raise BundleRefused(
                "foreign",
                f"the bundle of unit {header['unit']!r} is signed by key {header['signer']}, which this centre "
                "does not trust; add the unit's key with `hocso results trust KEY.pem --label ...` if it is theirs",
            )
        header, body = verified_body(data, keys.load_public_key(row[0]))
        if header["course"] != course.id:
            raise BundleRefused(
                "wrong_course",
                f"the bundle is for course {header['course']!r}, this centre's course is {course.id!r}",
            )
        known = connection.execute(
            "SELECT signer, digest FROM bundles WHERE unit = ?", (str(header["unit"]),)
        ).fetchone()
        if known == (header["signer"], header["body_sha256"]):  # this very bundle is in: nothing to parse
            return ImportResult("unchanged", str(header["unit"]), int(header.get("learners", 0)))
        bundle = parse_body(header, body)
        connection.execute("BEGIN IMMEDIATE")
        try:
            result = _merge(connection, bundle)
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        return result


def _merge(connection: sqlite3.Connection, bundle: Bundle) -> ImportResult:
    known = connection.execute(
        "SELECT unit_no, signer, created, digest FROM bundles WHERE unit = ?", (bundle.unit,)
    ).fetchone()
    if known is not None:
        unit_no, signer, created, digest = known
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
        for table in UNIT_TABLES:
            connection.execute(f"DELETE FROM {table} WHERE unit_no = ?", (unit_no,))
        connection.execute(
            "UPDATE bundles SET created = ?, digest = ?, imported = datetime('now') WHERE unit_no = ?",
            (bundle.created, bundle.digest, unit_no),
        )
    else:
        unit_no = connection.execute(
            "INSERT INTO bundles (unit, signer, created, digest, imported) VALUES (?, ?, ?, ?, datetime('now'))",
            (bundle.unit, bundle.signer, bundle.created, bundle.digest),
        ).lastrowid
    learners, items, points, levels = _numbered(bundle)
    connection.executemany(
        "INSERT INTO learners VALUES (?, ?, ?, ?, ?)",
        zip(
            itertools.repeat(unit_no),
            range(len(learners)),
            learners["learner_id"].astype(str),
            learners["name"].astype(str),
            learners["group"].astype(str),
            strict=False,
        ),
    )
    connection.executemany(
        "INSERT INTO items VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(unit_no, n, *item) for n, item in enumerate(items.itertuples(index=False, name=None))],
    )
    learner_no, item_no, values = points
    connection.execute(
        "INSERT INTO points VALUES (?, ?, ?, ?)",
        (
            unit_no,
            learner_no.astype(NUMBER).tobytes(),
            item_no.astype(NUMBER).tobytes(),
            values.astype(POINTS).tobytes(),
        ),
    )
    connection.executemany(
        "INSERT INTO levels VALUES (?, ?, ?, ?)",
        zip(itertools.repeat(unit_no), *(column.tolist() for column in levels), strict=False),
    )
    return ImportResult("imported" if known is None else "replaced", bundle.unit, len(bundle.learners))


def _numbered(
    bundle: Bundle,
) -> tuple[pd.DataFrame, pd.DataFrame, tuple[np.ndarray, ...], tuple[np.ndarray, ...]]:
    """The bundle's learners and items, and its points and levels by learner and item number."""
    learners = bundle.learners.drop_duplicates("learner_id").reset_index(drop=True)
    item_keys = ["module", "notebook", "grade_id"]
    items = bundle.points.drop_duplicates(item_keys)[[*item_keys, "max_points", "competence"]]
    items = items.astype({k: str for k in item_keys}).reset_index(drop=True)
    items["competence"] = items["competence"].astype(object).where(items["competence"].notna(), None)
    learner_ids = pd.Index(learners["learner_id"].astype(str))
    points = bundle.points
    item_no = pd.MultiIndex.from_frame(items[item_keys]).get_indexer(
        pd.MultiIndex.from_frame(points[item_keys].astype(str))
    )
    learner_no = learner_ids.get_indexer(pd.Index(points["learner_id"].astype(str)))
    order = np.lexsort((item_no, learner_no))  # in key order, rows append to the store's B-tree
    numbered_points = (
        learner_no[order],
        item_no[order],
        points["points"].astype("float64").to_numpy()[order],
    )
    levels = bundle.levels
    learner_no = learner_ids.get_indexer(pd.Index(levels["learner_id"].astype(str)))
    mine = learner_no >= 0  # levels of learners the bundle does not list are not the unit's results
    numbered_levels = (
        learner_no[mine],
        levels["competence"].astype(str).to_numpy()[mine],
        levels["level"].astype("int64").to_numpy()[mine],
    )
    if (numbered_points[0] < 0).any():
        raise BundleRefused(
            "altered", f"the bundle of unit {bundle.unit!r} has points of learners it does not list"
        )
    return learners, items, numbered_points, numbered_levels


def centre_scores(path: Path, course: Course) -> tuple[pd.DataFrame, Roster]:
    """Every imported unit's scores (SCORE_COLUMNS, categorical like `load_scores`) and learners,
    for `hocso report` at the centre.

    Learner ids are prefixed with their unit ("<unit>/<id>") so two units' learner 17 stay two people.
    """
    with closing(connect(path)) as connection:
        learners = pd.read_sql_query(
            "SELECT l.unit_no, l.learner_no, b.unit, l.learner_id, l.name, l.grp FROM learners l "
            "JOIN bundles b ON b.unit_no = l.unit_no ORDER BY b.unit, l.learner_id",
            connection,
        )
        items = pd.read_sql_query(
            "SELECT unit_no, item_no, module, notebook, grade_id, max_points, competence FROM items",
            connection,
        )
        unit_no, learner_no, item_no, points = _read_points(connection)
    learners["learner_id"] = learners["unit"] + "/" + learners["learner_id"]
    learner = _positions(learners["unit_no"], learners["learner_no"], unit_no, learner_no)
    item = _positions(items["unit_no"], items["item_no"], unit_no, item_no)
    scores = pd.DataFrame(
        {"learner_id": pd.Categorical.from_codes(learner, categories=pd.Index(learners["learner_id"]))}
    )
    for column in ("module", "notebook", "grade_id", "competence"):
        scores[column] = _take_categorical(items[column], item)
    scores["points"] = points
    scores["max_points"] = items["max_points"].astype("float64").to_numpy()[item]
    scores["awaiting"] = np.zeros(len(scores), dtype=bool)
    columns = (learners[c].astype(str) for c in ("learner_id", "name", "grp", "unit"))
    roster = Roster(Learner(*row) for row in zip(*columns, strict=True))
    return scores[list(SCORE_COLUMNS)], roster


def _read_points(connection: sqlite3.Connection) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Every stored point as four arrays: unit, learner and item numbers, and points."""
    units, learners, items, points = [], [], [], []
    for unit_no, learner_no, item_no, values in connection.execute("SELECT * FROM points ORDER BY unit_no"):
        learners.append(np.frombuffer(learner_no, dtype=NUMBER))
        items.append(np.frombuffer(item_no, dtype=NUMBER))
        points.append(np.frombuffer(values, dtype=POINTS))
        if not len(learners[-1]) == len(items[-1]) == len(points[-1]):
            raise CentreStoreError(f"the centre store's points of unit number {unit_no} are damaged")
        units.append(np.full(len(points[-1]), unit_no, dtype="int64"))
    if not units:
        empty = np.empty(0, dtype="int64")
        return empty, empty, empty, np.empty(0, dtype="float64")
    return (
        np.concatenate(units),
        np.concatenate(learners).astype("int64"),
        np.concatenate(items).astype("int64"),
        np.concatenate(points),
    )


def _positions(
    table_units: pd.Series, table_numbers: pd.Series, units: np.ndarray, numbers: np.ndarray
) -> np.ndarray:
    """For each (unit, number) pair, its row in the table that lists (table_units, table_numbers)."""
    table_keys = (table_units.to_numpy("int64") << 32) | table_numbers.to_numpy("int64")
    order = np.argsort(table_keys, kind="stable")
    wanted = (units << 32) | numbers
    found = np.searchsorted(table_keys[order], wanted)
    found = np.minimum(found, max(len(order) - 1, 0))
    if len(wanted) and (len(order) == 0 or (table_keys[order][found] != wanted).any()):
        raise CentreStoreError(
            "the centre store has points of learners or items it does not list; it may be damaged"
        )
    return order[found] if len(order) else found


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
