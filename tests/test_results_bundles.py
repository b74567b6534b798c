"""Results from three units reach the centre as signed bundles: merged once, replaced by newer, refused when bad."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from hocso import keys
from hocso.reports.scores import load_scores
from hocso.reports.summary import build_report
from hocso.reports.synthetic import build_synthetic_cohort
from hocso.results.bundle import BundleRefused, write_bundle
from hocso.results.centre import CentreStoreError, centre_scores, import_bundle, trust, unit_tables

REPO = Path(__file__).resolve().parents[1]
MADE = datetime(2026, 12, 2, 8, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def units(tmp_path_factory):
    """One synthetic course of 60 learners in 3 units; each unit server has its own key and bundle."""
    folder = tmp_path_factory.mktemp("units")
    cohort = build_synthetic_cohort(
        folder, REPO / "course_config" / "framework.toml", learners=60, units=3, modules=2, seed=3
    )
    scores = load_scores(cohort.course, cohort.gradebook_url)
    roster = cohort.roster
    bundles = {}
    for unit in roster.units:
        key = Ed25519PrivateKey.generate()
        tables = unit_tables(cohort.course, scores, roster, unit)
        path = write_bundle(folder / f"{unit}.hocso-results", cohort.course, unit, *tables, key, created=MADE)
        bundles[unit] = (key, path, tables)
    return cohort, scores, roster, bundles


@pytest.fixture
def centre(units, tmp_path):
    _cohort, _scores, _roster, bundles = units
    store = tmp_path / "centre.sqlite"
    for unit, (key, _path, _tables) in bundles.items():
        trust(store, keys.public_pem(key), unit)
    return store


def _raw_points(gradebook_url: str) -> dict[str, float]:
    """Points per learner straight from nbgrader's tables (independent of hocso's readers)."""
    path = gradebook_url.removeprefix("sqlite:///")
    query = """SELECT sa.student_id, SUM(COALESCE(g.manual_score, g.auto_score, 0) + COALESCE(g.extra_credit, 0))
               FROM grade g JOIN submitted_notebook sn ON g.notebook_id = sn.id
               JOIN submitted_assignment sa ON sn.assignment_id = sa.id GROUP BY sa.student_id"""
    with sqlite3.connect(path) as connection:
        return {str(learner): float(total) for learner, total in connection.execute(query)}


def test_three_units_imported_twice_equal_the_union_of_their_own_reports(units, centre):
    cohort, scores, roster, bundles = units
    outcomes = [
        import_bundle(centre, cohort.course, path.read_bytes()).outcome for _k, path, _t in bundles.values()
    ]
    assert outcomes == ["imported"] * 3
    again = [
        import_bundle(centre, cohort.course, path.read_bytes()).outcome for _k, path, _t in bundles.values()
    ]
    assert again == ["unchanged"] * 3
    merged, merged_roster = centre_scores(centre, cohort.course)
    assert len(merged_roster) == len(roster) == 60

    raw = _raw_points(cohort.gradebook_url)
    by_learner = (
        merged.assign(learner=merged["learner_id"].str.split("/").str[1]).groupby("learner")["points"].sum()
    )
    assert by_learner.to_dict() == pytest.approx(raw)

    centre_report = build_report(cohort.course, merged, merged_roster).learners
    own = []
    for unit in roster.units:
        mine = build_report(cohort.course, scores, roster, unit=unit).learners
        own.append(mine.assign(learner_id=unit + "/" + mine["learner_id"].astype(str)))
    expected = pd.concat(own).sort_values("learner_id", ignore_index=True)
    got = centre_report.sort_values("learner_id", ignore_index=True)
    columns = ["learner_id", "group", "unit", "points", "max_points", "score"]
    pd.testing.assert_frame_equal(got[columns], expected[columns], check_dtype=False)


def _raw_cell_points(gradebook_url: str) -> dict[tuple[str, str, str], float]:
    """Points per learner x module x cell name straight from nbgrader's tables."""
    query = """SELECT sa.student_id, a.name, c.name,
                      COALESCE(g.manual_score, g.auto_score, 0) + COALESCE(g.extra_credit, 0)
               FROM grade g JOIN submitted_notebook sn ON g.notebook_id = sn.id
               JOIN submitted_assignment sa ON sn.assignment_id = sa.id
               JOIN assignment a ON sa.assignment_id = a.id JOIN base_cell c ON g.cell_id = c.id"""
    with sqlite3.connect(gradebook_url.removeprefix("sqlite:///")) as connection:
        return {(str(lr), str(m), str(c)): float(p) for lr, m, c, p in connection.execute(query)}


def _expected_breakdown(cohort, by: str) -> pd.DataFrame:
    """Per unit or group x competence: learners and mean score, computed from the raw gradebook, the
    roster file and the notebooks' JSON. The one counted module is m01 (m00 is the pre-test, which
    the profile leaves out); a learner who did not submit it scores 0."""
    notebook = json.loads((cohort.course.root / "notebooks" / "m01" / "m01.ipynb").read_text())
    cells = [
        (
            c["metadata"]["nbgrader"]["grade_id"],
            c["metadata"]["hocso"]["competence"],
            c["metadata"]["nbgrader"]["points"],
        )
        for c in notebook["cells"]
        if c["metadata"].get("nbgrader", {}).get("grade")
    ]
    raw = _raw_cell_points(cohort.gradebook_url)
    roster = pd.read_csv(cohort.roster_path, dtype=str)
    rows = []
    for learner in roster.itertuples(index=False):
        for competence in sorted({c for _g, c, _p in cells}):
            mine = [(g, p) for g, c, p in cells if c == competence]
            earned = sum(raw.get((learner.learner_id, "m01", g), 0.0) for g, _p in mine)
            rows.append((getattr(learner, by), competence, earned / sum(p for _g, p in mine)))
    frame = pd.DataFrame(rows, columns=[by, "competence", "score"])
    table = frame.groupby([by, "competence"], as_index=False).agg(
        learners=("score", "size"), mean_score=("score", "mean")
    )
    return table.sort_values([by, "competence"], ignore_index=True)


def test_the_centres_report_breaks_down_every_imported_unit_and_group(units, centre):
    """`hocso report` at the centre: per unit and per group, the numbers the raw gradebooks give."""
    cohort, _scores, roster, bundles = units
    for _key, path, _tables in bundles.values():
        import_bundle(centre, cohort.course, path.read_bytes())
    merged, merged_roster = centre_scores(centre, cohort.course)
    report = build_report(cohort.course, merged, merged_roster)
    columns = ["learners", "mean_score"]
    for by in ("unit", "group"):
        got = report.by_unit if by == "unit" else report.by_group
        got = got.astype({by: str, "competence": str}).sort_values([by, "competence"], ignore_index=True)
        expected = _expected_breakdown(cohort, by)
        assert set(got[by]) == set(roster.units if by == "unit" else roster.groups)
        pd.testing.assert_frame_equal(
            got[[by, "competence", *columns]], expected[[by, "competence", *columns]], check_dtype=False
        )
    one_unit = build_report(cohort.course, merged, merged_roster, unit=roster.units[2])
    assert set(one_unit.learners["unit"]) == {roster.units[2]}
    assert len(one_unit.learners) == sum(1 for lr in roster if lr.unit == roster.units[2])


def test_a_tampered_truncated_or_foreign_bundle_is_refused_and_nothing_is_written(units, centre, tmp_path):
    cohort, _scores, roster, bundles = units
    unit = roster.units[0]
    _key, path, tables = bundles[unit]
    data = path.read_bytes()
    raised_points = tables[1].assign(points=tables[1]["max_points"])  # a unit that gives itself full marks
    forged = write_bundle(
        tmp_path / "forged",
        cohort.course,
        unit,
        tables[0],
        raised_points,
        tables[2],
        Ed25519PrivateKey.generate(),
        created=MADE + timedelta(days=1),
    )
    header_end = data.index(b"\n", len(b"HOCSO-RESULTS 1\n"))
    flipped = bytearray(data)
    flipped[header_end + 20] ^= 0x01
    attempts = {
        "altered": bytes(flipped),
        "truncated": data[: len(data) // 2],
        "foreign": forged.read_bytes(),
        "not_a_bundle": b"PK\x03\x04 a zip file",
    }
    for why, attempt in attempts.items():
        with pytest.raises(BundleRefused) as refused:
            import_bundle(centre, cohort.course, attempt)
        assert refused.value.why == why
    merged, merged_roster = centre_scores(centre, cohort.course)
    assert merged.empty and len(merged_roster) == 0


def test_a_newer_bundle_replaces_the_units_rows_and_an_older_one_is_refused(units, centre, tmp_path):
    cohort, _scores, roster, bundles = units
    for _key, path, _t in bundles.values():
        import_bundle(centre, cohort.course, path.read_bytes())
    unit = roster.units[1]
    key, _path, (learners, points, levels) = bundles[unit]
    fewer = learners.iloc[:5]
    newer = write_bundle(
        tmp_path / "newer",
        cohort.course,
        unit,
        fewer,
        points[points["learner_id"].isin(fewer["learner_id"])],
        levels,
        key,
        created=MADE + timedelta(hours=2),
    )
    assert import_bundle(centre, cohort.course, newer.read_bytes()).outcome == "replaced"
    _merged, merged_roster = centre_scores(centre, cohort.course)
    assert sum(1 for lr in merged_roster if lr.unit == unit) == 5
    assert len(merged_roster) == 60 - len(learners) + 5
    older = write_bundle(
        tmp_path / "older",
        cohort.course,
        unit,
        learners,
        points,
        levels,
        key,
        created=MADE + timedelta(hours=1),
    )
    with pytest.raises(BundleRefused) as refused:
        import_bundle(centre, cohort.course, older.read_bytes())
    assert refused.value.why == "older"
    other_key = Ed25519PrivateKey.generate()
    trust(centre, keys.public_pem(other_key), "someone else")
    hijack = write_bundle(
        tmp_path / "hijack",
        cohort.course,
        unit,
        learners,
        points,
        levels,
        other_key,
        created=MADE + timedelta(days=3),
    )
    with pytest.raises(BundleRefused) as refused:
        import_bundle(centre, cohort.course, hijack.read_bytes())
    assert refused.value.why == "other_signer"


def test_a_class_of_40_for_a_module_fits_in_a_few_kilobytes(units, tmp_path):
    """40 learners with Vietnamese names, every graded cell of one module, a level per competence."""
    cohort, _scores, _roster, bundles = units
    _key, _path, (_learners, points, levels) = next(iter(bundles.values()))
    module = sorted(points["module"].unique())[0]
    cells = points[points["module"] == module].drop_duplicates(["notebook", "grade_id"])
    names = [f"Nguyễn Văn Học Viên Số {n}" for n in range(40)]
    forty = pd.DataFrame(
        {"learner_id": [f"hv{n:03d}" for n in range(40)], "name": names, "group": "soldiers", "unit": "x"}
    )
    rows = [
        cell._replace(learner_id=learner, points=float(n % 4))
        for n, learner in enumerate(forty["learner_id"])
        for cell in cells.itertuples(index=False)
    ]
    mine = pd.DataFrame(rows, columns=cells.columns)
    competences = sorted(levels["competence"].unique())
    few = pd.DataFrame(
        [(lr, c, 3) for lr in forty["learner_id"] for c in competences],
        columns=["learner_id", "competence", "level"],
    )
    path = write_bundle(
        tmp_path / "forty", cohort.course, "x", forty, mine, few, Ed25519PrivateKey.generate()
    )
    assert len(mine) == 40 * len(cells) and path.stat().st_size < 6_000, path.stat().st_size


@pytest.mark.slow
def test_export_trust_import_report_from_the_command_line(units, tmp_path):
    """The documented commands, as a unit and a centre would run them (two runtime homes)."""
    cohort, _scores, roster, _bundles = units
    course = ["--course", str(cohort.course.root)]
    unit_env = dict(os.environ, HOCSO_HOME=str(tmp_path / "unit"))
    centre_env = dict(os.environ, HOCSO_HOME=str(tmp_path / "centre"))
    run = [sys.executable, "-m", "hocso", "results"]

    def hocso(args, env):
        return subprocess.run([*run, *args, *course], capture_output=True, text=True, env=env, timeout=180)

    key = hocso(["key"], unit_env)
    (tmp_path / "unit.pem").write_text(key.stdout)
    exported = hocso(
        [
            "export",
            "--roster",
            str(cohort.roster_path),
            "--gradebook",
            cohort.gradebook_url,
            "--out",
            str(tmp_path / "out"),
        ],
        unit_env,
    )
    assert exported.returncode == 0, exported.stderr
    files = sorted((tmp_path / "out").glob("*.hocso-results"))
    assert len(files) == len(roster.units)
    refused = hocso(["import", *map(str, files)], centre_env)
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert refused.stderr.count("KHÔNG nhập") == len(files)  # the course speaks Vietnamese; untrusted key
    assert hocso(["trust", str(tmp_path / "unit.pem"), "--label", "Tiểu đoàn 1"], centre_env).returncode == 0
    imported = hocso(["import", *map(str, files)], centre_env)
    assert imported.returncode == 0 and imported.stdout.count("đã nhập") == len(files), imported.stderr
    report = hocso(["report", "--format", "csv", "--out", str(tmp_path / "centre-report")], centre_env)
    assert report.returncode == 0, report.stderr
    learners = pd.read_csv(next((tmp_path / "centre-report").glob("*learners*.csv")))
    assert len(learners) == len(roster)
    by_unit = pd.read_csv(tmp_path / "centre-report" / "by_unit.csv", encoding="utf-8-sig")
    assert set(by_unit.iloc[:, 0]) == set(roster.units)  # every imported unit has its rows


def test_a_store_of_another_layout_is_refused_with_what_to_do(tmp_path):
    """A store written by the first layout (text keys, no user_version) is not read as if it were this one."""
    store = tmp_path / "old.sqlite"
    with sqlite3.connect(store) as connection:
        connection.execute(
            "CREATE TABLE bundles (unit TEXT PRIMARY KEY, signer TEXT, created TEXT, digest TEXT)"
        )
    connection.close()
    with pytest.raises(CentreStoreError, match="import the units' bundles again"):
        trust(store, keys.public_pem(Ed25519PrivateKey.generate()), "x")
