"""`hocso grade autograde` on a SQLite gradebook against the same on a PostgreSQL one.

    python bench/gradebook.py [--quick] [-n 100]

The fixture module and answer mix of bench/autograde.py, each run in its own runtime folder and
timed as the command an instructor types. PostgreSQL is a real server from Debian's packages on
loopback (tests/postgres_server.py), one new database per run. The runs go SQLite, PostgreSQL,
PostgreSQL, SQLite and the means are compared, so a change in the machine's load weighs on both.
`identical` compares every learner's grades across all runs.

Then one worker's gradebook traffic, in process on PostgreSQL: SQL statements, commits and time
spent in the database per learner (after a first, warming learner). It is the figure behind the
"one writer" question: a worker that writes the gradebook itself pays one network round trip per
statement, so on a link of R ms a learner costs about statements x R ms more.

The last line is `gradebook: pg_vs_sqlite=<PostgreSQL/SQLite throughput> identical=<true|false>
statements_per_learner=<n> commits_per_learner=<n> db_ms_per_learner=<ms on PostgreSQL>
sqlite_db_ms_per_learner=<ms>`.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parent.parent


def _load(name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


autograde_bench = _load("bench_autograde", REPO / "bench" / "autograde.py")
postgres_server = _load("hocso_tests_postgres_server", REPO / "tests" / "postgres_server.py")


def _prepare(root: Path, count: int, db_url: str | None) -> None:
    fixture = autograde_bench._fixture()
    os.environ["HOCSO_HOME"] = str(root / "home")
    course = fixture.make_course(root / "course", db_url)
    for index in range(count):
        fixture.submit(course, f"learner{index:03d}", autograde_bench.ANSWERS[autograde_bench._kind(index)])


def _grades(root: Path) -> dict[str, dict[str, float]]:
    from nbgrader.api import Gradebook

    from hocso.config import gradebook_url, load_course

    os.environ["HOCSO_HOME"] = str(root / "home")
    with Gradebook(gradebook_url(load_course(root / "course"))) as gb:
        return {
            s.student.id: {g.name: float(g.score) for g in s.notebooks[0].grades}
            for s in gb.assignment_submissions("gx")
        }


def _traffic(root: Path, learners: int) -> tuple[float, float, float]:
    """Statements, commits and database milliseconds per learner, one worker in this process."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    from hocso.config import course_runtime_dir, gradebook_url, load_course
    from hocso.graders.autograde import GradeSettings, grade_submission, pending_learners
    from hocso.graders.sandbox import Limits, missing_protections

    os.environ["HOCSO_HOME"] = str(root / "home")
    course = load_course(root / "course")
    pending = [
        x for x in pending_learners(course, "gx")[0] if autograde_bench._kind(int(x[-3:])) != "timing_out"
    ]
    settings = GradeSettings(
        str(course.config_dir / "nbgrader_config.py"),
        "gx",
        Limits(cell_timeout=2),
        not missing_protections(),
        runtime_dir=str(course_runtime_dir(course)),
        db_url=gradebook_url(course),
    )
    grade_submission(pending[0], settings)  # the worker's first learner builds its converter
    counts = {"statements": 0, "commits": 0, "seconds": 0.0}
    started: list[float] = []

    def before(*_args: object) -> None:
        started.append(time.perf_counter())

    def after(*_args: object) -> None:
        counts["statements"] += 1
        counts["seconds"] += time.perf_counter() - started.pop()

    def committed(*_args: object) -> None:
        counts["commits"] += 1

    event.listen(Engine, "before_cursor_execute", before)
    event.listen(Engine, "after_cursor_execute", after)
    event.listen(Engine, "commit", committed)
    graded = pending[1 : 1 + learners]
    for learner in graded:
        grade_submission(learner, settings)
    autograde_bench._end_zygote()
    n = len(graded)
    return counts["statements"] / n, counts["commits"] / n, counts["seconds"] / n * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="20 submissions instead of 100")
    parser.add_argument("-n", type=int, default=None, help="number of submissions")
    args = parser.parse_args()
    count = args.n or (20 if args.quick else 100)
    bindir = postgres_server.postgres_bindir()
    if bindir is None:
        raise SystemExit("Debian's postgresql is not installed (apt-get install postgresql)")
    server = postgres_server.start_postgres(bindir)
    try:
        with tempfile.TemporaryDirectory(prefix="hocso-bench-") as scratch:
            order = ["sqlite", "postgresql", "postgresql", "sqlite"]
            roots = [Path(scratch, f"{i}-{kind}") for i, kind in enumerate(order)]
            for root, kind in zip(roots, order, strict=True):
                _prepare(root, count, server.new_database_url("bench") if kind == "postgresql" else None)
            seconds: dict[str, list[float]] = {"sqlite": [], "postgresql": []}
            for root, kind in zip(roots, order, strict=True):
                took, _cpu, graded = autograde_bench._hocso(root, None, 2)
                assert graded == count, f"{kind}: {graded} of {count} graded"
                seconds[kind].append(took)
            results = [_grades(root) for root in roots]
            identical = all(r == results[0] for r in results) and len(results[0]) == count
            traffic: dict[str, tuple[float, float, float]] = {}
            for kind in ("sqlite", "postgresql"):
                traffic_root = Path(scratch, f"traffic-{kind}")
                _prepare(
                    traffic_root, 8, server.new_database_url("traffic") if kind == "postgresql" else None
                )
                traffic[kind] = _traffic(traffic_root, 6)
            statements, commits, db_ms = traffic["postgresql"]
    finally:
        server.stop()
    mean = {kind: statistics.mean(values) for kind, values in seconds.items()}
    print(
        f"submissions={count} sqlite={','.join(f'{s:.2f}s' for s in seconds['sqlite'])} "
        f"postgresql={','.join(f'{s:.2f}s' for s in seconds['postgresql'])}"
    )
    for kind, (n, c, ms) in traffic.items():
        print(
            f"one worker on {kind}, per learner: {n:.0f} statements, {c:.0f} commits, {ms:.1f} ms in the database"
        )
    print(
        f"gradebook: pg_vs_sqlite={mean['sqlite'] / mean['postgresql']:.2f} identical={str(identical).lower()} "
        f"statements_per_learner={statements:.0f} commits_per_learner={commits:.0f} db_ms_per_learner={db_ms:.1f} "
        f"sqlite_db_ms_per_learner={traffic['sqlite'][2]:.1f}"
    )


if __name__ == "__main__":
    main()
