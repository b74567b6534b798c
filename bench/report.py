"""Benchmark the competence report at the centre: N learners x 12 modules from many units' bundles.

The cohort: one unit's synthetic course, roster and real nbgrader gradebook (hocso.reports.synthetic,
N / --units learners), whose results every unit sends (each unit its own name and signing key).
Phases, each timed on its own:
  build      the unit's cohort (stands in for a term of grading; not a headline), and the anchor's
             gradebook: the same N learners in one nbgrader gradebook (the unit's rows copied in SQL)
  export     one unit's `hocso results export` (load_scores + unit_tables + write_bundle), then the
             other units' bundles (write_bundle, each signed with that unit's own key)
  import     `hocso results trust` + `hocso results import` of every bundle into one centre store, in a
             fresh process: bundles/s and MB/s; then every bundle again (all must be "unchanged")
  centre     `hocso results report --format html` over the store, in a fresh process: imports +
             centre_scores + build_report + the HTML with its plots (the headline; peak RSS is that
             process's own)
  gradebook  the anchor: `hocso report --format html` over the one gradebook of the same N learners,
             in a fresh process (what a unit's report of that size costs)
  orm        nbgrader's own ORM reading a sample of learners' grades, scaled to N: why reports use SQL

Every unit sends the same results, so the centre's report must equal the anchor's learner by learner
and group by group: `identical=` checks it.

Usage: python bench/report.py [--quick] [--learners N] [--units U] [--repeat 3] [--workdir DIR]
The last line is the headline: `report: learners=... centre_seconds=... peak_rss_mb=... ...`.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hocso.reports.summary import CompetenceReport

REPO = Path(__file__).resolve().parent.parent
MADE = "2026-12-02T00:00:00+00:00"  # one creation time for every bundle: reruns import as "unchanged"


def unit_name(k: int) -> str:
    return f"Đơn vị {k:03d}"


def unit_prefix(k: int) -> str:
    """The anchor gradebook's learner id prefix of unit k (one gradebook needs unique ids)."""
    return f"u{k:03d}-"


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_seconds() -> float:
    """This process's CPU time so far: on a machine shared by many, steadier than the wall clock."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


# --- phases that run in a fresh process ----------------------------------------------------------


def measure_import(folder: Path) -> dict[str, float]:
    started = time.perf_counter()
    from hocso.config import load_course
    from hocso.results.centre import import_bundle, trust

    course = load_course(folder / "unit" / "course")
    store = folder / "centre.sqlite"
    for stale in folder.glob("centre.sqlite*"):
        stale.unlink()
    for pem in sorted((folder / "keys").glob("*.pem")):
        trust(store, pem.read_text(), pem.stem)
    bundles = sorted((folder / "bundles").glob("*.hocso-results"))
    setup = time.perf_counter()
    size = 0
    outcomes: dict[str, int] = {}
    for path in bundles:
        data = path.read_bytes()
        size += len(data)
        outcome = import_bundle(store, course, data).outcome
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    imported = time.perf_counter()
    again: dict[str, int] = {}
    for path in bundles:
        outcome = import_bundle(store, course, path.read_bytes()).outcome
        again[outcome] = again.get(outcome, 0) + 1
    done = time.perf_counter()
    return {
        "setup": setup - started,
        "seconds": imported - setup,
        "again_seconds": done - imported,
        "bundles": float(len(bundles)),
        "imported": float(outcomes.get("imported", 0)),
        "unchanged_again": float(again.get("unchanged", 0)),
        "mb": size / 1e6,
        "store_mb": sum(p.stat().st_size for p in folder.glob("centre.sqlite*")) / 1e6,
        "peak_rss_mb": peak_rss_mb(),
        "cpu": cpu_seconds(),
    }


def measure_centre(folder: Path) -> dict[str, float]:
    """Everything `hocso results report --format html` does after Python starts."""
    started = time.perf_counter()
    from hocso.config import load_course
    from hocso.reports.export import write_html
    from hocso.reports.summary import build_report
    from hocso.results.centre import centre_scores

    imported = time.perf_counter()
    course = load_course(folder / "unit" / "course")
    store = folder / "centre.sqlite"
    scores, roster = centre_scores(store, course)
    loaded = time.perf_counter()
    report = build_report(course, scores, roster)
    built = time.perf_counter()
    write_html(report, folder / "centre-report.html", "vi", str(store))
    done = time.perf_counter()
    rss = peak_rss_mb()
    _keep(report, folder / "centre")
    return _phases(
        started, imported, loaded, built, done, rss, len(scores), report, folder / "centre-report.html"
    )


def measure_gradebook(folder: Path) -> dict[str, float]:
    """Everything `hocso report --format html` does after Python starts, over the anchor's gradebook."""
    started = time.perf_counter()
    from hocso.config import load_course
    from hocso.reports.export import write_html
    from hocso.reports.scores import load_scores
    from hocso.reports.summary import build_report
    from hocso.roster import load_roster

    imported = time.perf_counter()
    course = load_course(folder / "unit" / "course")
    roster = load_roster(folder / "all" / "roster.csv", course)
    url = f"sqlite:///{folder / 'all' / 'gradebook.db'}"
    scores = load_scores(course, url)
    loaded = time.perf_counter()
    report = build_report(course, scores, roster)
    built = time.perf_counter()
    write_html(report, folder / "gradebook-report.html", "vi", url)
    done = time.perf_counter()
    rss = peak_rss_mb()
    _keep(report, folder / "gradebook")
    return _phases(
        started, imported, loaded, built, done, rss, len(scores), report, folder / "gradebook-report.html"
    )


def _phases(
    started: float,
    imported: float,
    loaded: float,
    built: float,
    done: float,
    rss: float,
    rows: int,
    report: CompetenceReport,
    html: Path,
) -> dict[str, float]:
    return {
        "imports": imported - started,
        "load": loaded - imported,
        "build_report": built - loaded,
        "html": done - built,
        "report": done - started,  # with the imports: what the command costs after Python starts
        "cpu": cpu_seconds(),
        "peak_rss_mb": rss,
        "rows": float(rows),
        "profile_rows": float(len(report.profile)),
        "html_mb": html.stat().st_size / 1e6,
    }


def _keep(report: CompetenceReport, stem: Path) -> None:
    """The tables `identical=` compares, written by the child for the parent."""
    report.learners[["learner_id", "group", "unit", "points", "max_points", "score"]].to_pickle(
        f"{stem}-learners.pkl"
    )
    report.by_group.to_pickle(f"{stem}-by-group.pkl")


def measure_orm(folder: Path, sample: int) -> float:
    """Seconds for nbgrader's ORM to read every grade of `sample` learners of the unit's gradebook."""
    from nbgrader.api import Gradebook

    from hocso.config import load_course
    from hocso.nbgrader_compat import use_in_process_alembic
    from hocso.roster import load_roster

    course = load_course(folder / "unit" / "course")
    learners = load_roster(folder / "unit" / "roster.csv", course).ids[:sample]
    use_in_process_alembic()
    started = time.perf_counter()
    rows = 0
    with Gradebook(f"sqlite:///{folder / 'unit' / 'gradebook.db'}", course_id=course.id) as gradebook:
        for learner in learners:
            for module in course.modules:
                try:
                    submission = gradebook.find_submission(module.id, learner)
                except Exception:  # nbgrader's MissingEntry: this learner skipped the module
                    continue
                for notebook in submission.notebooks:
                    for grade in notebook.grades:
                        rows += grade.score is not None
    return time.perf_counter() - started


# --- building the cohort (in the parent) -----------------------------------------------------------


def build(folder: Path, unit_size: int, units: int) -> None:
    from hocso.reports.synthetic import build_synthetic_cohort

    plan = {"unit_size": unit_size, "units": units, "modules": 12, "version": 1}
    stamp = folder / "cohort.json"
    if stamp.is_file() and json.loads(stamp.read_text()) == plan:
        print(f"build: reusing the cohort in {folder}")
        return
    for part in ("unit", "all", "bundles", "keys"):
        shutil.rmtree(folder / part, ignore_errors=True)
    started = time.perf_counter()
    build_synthetic_cohort(
        folder / "unit", REPO / "course_config" / "framework.toml", learners=unit_size, units=1, modules=12
    )
    built = time.perf_counter()
    export = export_bundles(folder, units)
    exported = time.perf_counter()
    copy_gradebook(folder, units)
    copied = time.perf_counter()
    sizes = [p.stat().st_size for p in (folder / "bundles").glob("*.hocso-results")]
    print(
        f"build: unit of {unit_size} learners x 12 modules {built - started:.2f}s; "
        f"anchor gradebook of {unit_size * units} learners (SQL copy) {copied - exported:.2f}s"
    )
    print(
        f"export: one unit's export (load_scores + unit_tables + write_bundle) {export:.2f}s; "
        f"{units} bundles {exported - built:.2f}s, {sum(sizes) / 1e6:.1f} MB "
        f"({statistics.median(sizes) / 1e3:.0f} kB each)"
    )
    stamp.write_text(json.dumps(plan))


def export_bundles(folder: Path, units: int) -> float:
    """Every unit's bundle, signed by its own key; the seconds of the first, a full unit export."""
    from datetime import datetime

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from hocso import keys
    from hocso.config import load_course
    from hocso.reports.scores import load_scores
    from hocso.results.bundle import write_bundle
    from hocso.results.centre import unit_tables
    from hocso.roster import load_roster

    started = time.perf_counter()
    course = load_course(folder / "unit" / "course")
    roster = load_roster(folder / "unit" / "roster.csv", course)
    scores = load_scores(course, f"sqlite:///{folder / 'unit' / 'gradebook.db'}")
    learners, points, levels = unit_tables(course, scores, roster, roster.units[0])
    first = 0.0
    (folder / "keys").mkdir(parents=True)
    for k in range(1, units + 1):
        key = Ed25519PrivateKey.generate()
        (folder / "keys" / f"u{k:03d}.pem").write_text(keys.public_pem(key))
        write_bundle(
            folder / "bundles" / f"u{k:03d}.hocso-results",
            course,
            unit_name(k),
            learners.assign(unit=unit_name(k)),
            points,
            levels,
            key,
            created=datetime.fromisoformat(MADE),
        )
        first = first or time.perf_counter() - started
    return first


def copy_gradebook(folder: Path, units: int) -> None:
    """The anchor: one nbgrader gradebook and roster with every unit's learners (ids prefixed u001-...)."""
    (folder / "all").mkdir(parents=True)
    shutil.copyfile(folder / "unit" / "gradebook.db", folder / "all" / "gradebook.db")
    lines = (folder / "unit" / "roster.csv").read_text(encoding="utf-8").splitlines()
    rows = [line.rsplit(",", 1)[0].split(",", 1) for line in lines[1:]]
    roster = [lines[0]]
    roster += [
        f"{unit_prefix(k)}{lid},{rest},{unit_name(k)}" for k in range(1, units + 1) for lid, rest in rows
    ]
    (folder / "all" / "roster.csv").write_text("\n".join(roster) + "\n", encoding="utf-8")
    first = unit_prefix(1)
    cut = len(first) + 1  # substr() is 1-based
    tables = {  # table: (its id column, the id column it points to, if any)
        "student": ("id", None),
        "submitted_assignment": ("id", "student_id"),
        "submitted_notebook": ("id", "assignment_id"),
        "grade": ("id", "notebook_id"),
    }
    connection = sqlite3.connect(folder / "all" / "gradebook.db")
    with connection:
        connection.execute("PRAGMA journal_mode = OFF")  # a scratch copy: no journal, no fsync
        connection.execute("PRAGMA synchronous = OFF")
        connection.execute("PRAGMA cache_size = -400000")  # 400 MB
        for table, (own, parent) in tables.items():
            renamed = f"{own} = ? || {own}" + (f", {parent} = ? || {parent}" if parent else "")
            connection.execute(f"UPDATE {table} SET {renamed}", (first, first) if parent else (first,))
            columns = [row[1] for row in connection.execute(f"PRAGMA table_info({table})")]
            connection.execute(f"CREATE TEMP TABLE base_{table} AS SELECT * FROM {table}")
            picked = [f"? || substr({c}, {cut})" if c in (own, parent) else c for c in columns]
            insert = (
                f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(picked)} FROM base_{table} "
                f"ORDER BY {own}"  # each copy's ids sort after the last copy's: the id index grows at its end
            )
            for k in range(2, units + 1):
                connection.execute(insert, (unit_prefix(k),) * sum(c in (own, parent) for c in columns))
    connection.close()


# --- the run ------------------------------------------------------------------------------------


def child(folder: Path, phase: str, *extra: str) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, __file__, "--folder", str(folder), "--phase", phase, *extra],
        capture_output=True,
        text=True,
    )
    if done.returncode:
        sys.exit(f"the {phase} phase failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def identical(folder: Path) -> bool:
    """The centre's report equals the anchor's: every learner's points and score, every group's table."""
    import numpy as np
    import pandas as pd

    centre = pd.read_pickle(folder / "centre-learners.pkl")
    anchor = pd.read_pickle(folder / "gradebook-learners.pkl")
    unit_of = {unit_name(k): unit_prefix(k) for k in range(1, 1000)}
    parts = centre["learner_id"].astype(str).str.split("/", n=1)
    centre = centre.assign(learner_id=parts.str[0].map(unit_of) + parts.str[1]).sort_values("learner_id")
    anchor = anchor.sort_values("learner_id")
    same_learners = centre["learner_id"].tolist() == anchor["learner_id"].astype(str).tolist()
    numbers = ["points", "max_points", "score"]
    same_points = same_learners and np.allclose(
        centre[numbers].to_numpy(float), anchor[numbers].to_numpy(float)
    )
    by_group = [pd.read_pickle(folder / f"{side}-by-group.pkl") for side in ("centre", "gradebook")]
    try:
        pd.testing.assert_frame_equal(*by_group, check_dtype=False, check_categorical=False)
        same_groups = True
    except AssertionError:
        same_groups = False
    return bool(same_points and same_groups)


def run(folder: Path, learners: int, units: int, repeat: int, orm_sample: int) -> None:
    unit_size = learners // units
    folder.mkdir(parents=True, exist_ok=True)
    build(folder, unit_size, units)
    total = unit_size * units

    imported = child(folder, "import")
    print(
        f"import: {int(imported['imported'])} of {int(imported['bundles'])} bundles, {imported['mb']:.1f} MB in "
        f"{imported['seconds']:.2f}s = {imported['bundles'] / imported['seconds']:.1f} bundles/s, "
        f"{imported['mb'] / imported['seconds']:.2f} MB/s; store {imported['store_mb']:.0f} MB; "
        f"again: {int(imported['unchanged_again'])} unchanged in {imported['again_seconds']:.2f}s; "
        f"peak_rss_mb={imported['peak_rss_mb']:.0f} cpu_seconds={imported.get('cpu', 0):.1f} (both passes)"
    )
    centre_runs, anchor_runs = [], []
    for _ in range(repeat):  # interleaved, so both see the same load on a shared machine; medians count
        centre_runs.append(child(folder, "centre"))
        anchor_runs.append(child(folder, "gradebook"))
    same = identical(folder)
    centre = sorted(centre_runs, key=lambda r: r["report"])[len(centre_runs) // 2]
    anchor = sorted(anchor_runs, key=lambda r: r["report"])[len(anchor_runs) // 2]
    for name, runs, best in (("centre", centre_runs, centre), ("gradebook", anchor_runs, anchor)):
        times = ", ".join(f"{r['report']:.2f}" for r in runs)
        print(
            f"{name}: seconds={times} (median {best['report']:.2f}); imports={best['imports']:.2f} "
            f"load={best['load']:.2f} build_report={best['build_report']:.2f} html={best['html']:.2f} "
            f"(grades={int(best['rows'])} profile_rows={int(best['profile_rows'])} html_mb={best['html_mb']:.1f}) "
            f"peak_rss_mb={best['peak_rss_mb']:.0f} cpu_seconds={best.get('cpu', 0):.2f}"
        )
    orm = child(folder, "orm", "--sample", str(orm_sample))["seconds"]
    orm_full = orm * total / orm_sample
    print(
        f"orm: nbgrader's ORM read of {orm_sample} learners={orm:.2f}s, scaled to {total}={orm_full / 60:.0f} min; "
        f"the centre's centre_scores is {orm_full / centre['load']:.0f}x faster"
    )
    print(
        f"report: learners={total} units={units} centre_seconds={centre['report']:.2f} "
        f"peak_rss_mb={centre['peak_rss_mb']:.0f} centre_cpu_seconds={centre.get('cpu', 0):.2f} "
        f"gradebook_seconds={anchor['report']:.2f} "
        f"centre_vs_gradebook={centre['report'] / anchor['report']:.2f} import_seconds={imported['seconds']:.1f} "
        f"import_bundles_per_s={imported['bundles'] / imported['seconds']:.1f} identical={str(same).lower()}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="2,000 learners in 4 units instead of 10,000 in 10"
    )
    parser.add_argument("--learners", type=int, default=None, help="learners at the centre (default 10,000)")
    parser.add_argument(
        "--units", type=int, default=None, help="units sending bundles (default: 1,000 learners each)"
    )
    parser.add_argument("--repeat", type=int, default=3, help="report runs of each kind; the medians count")
    parser.add_argument("--orm-sample", type=int, default=10, help="learners read through nbgrader's ORM")
    parser.add_argument("--workdir", type=Path, help="keep (or reuse) the cohort and bundles here")
    parser.add_argument("--phase", choices=["import", "centre", "gradebook", "orm"], help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--sample", type=int, default=10, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        phases = {
            "import": lambda: measure_import(args.folder),
            "centre": lambda: measure_centre(args.folder),
            "gradebook": lambda: measure_gradebook(args.folder),
            "orm": lambda: {"seconds": measure_orm(args.folder, args.sample)},
        }
        print(json.dumps(phases[args.phase]()))
        return

    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]  # progress shows in a log
    learners = args.learners or (2_000 if args.quick else 10_000)
    units = args.units or (4 if args.quick else max(1, learners // 1_000))
    if args.workdir:
        run(args.workdir, learners, units, args.repeat, args.orm_sample)
    else:
        with tempfile.TemporaryDirectory(prefix="hocso-bench-report-") as scratch:
            run(Path(scratch), learners, units, args.repeat, args.orm_sample)


if __name__ == "__main__":
    main()
