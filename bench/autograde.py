"""Stock `nbgrader autograde` against `hocso grade autograde` on the same generated submissions.

    python bench/autograde.py [--quick] [-n 100]

Both run on the fixture module of tests/graders (one notebook, 3 graded test cells) with the same mix
of correct, wrong, partial, erroring and timing-out answers, each in its own runtime folder. Each side
is timed as the command an instructor types, from its start to its exit (Python start-up, imports,
configuration, grading every submission, writing the gradebook and the autograded notebooks):
`nbgrader autograde gx` and `python -m hocso grade autograde gx`. hocso runs once before and once
after nbgrader on identical copies and the mean of its two times is used. The last line is
`autograde: ratio=<hocso/nbgrader throughput> identical=<true|false> peak_rss_mb=<n> sandbox=<which>`.

    python bench/autograde.py --engine dask [--quick]

also grades the same submissions with `--engine dask` (a loopback Dask LocalCluster of 2 workers,
each with its own sandboxed zygote root), once before and once after nbgrader like the local
engine; `identical` then covers all three, and the last line adds `dask_vs_local=<Dask/local
throughput>`.

    python bench/autograde.py --sandbox-cost 200

times one 3-cell notebook run `run_forked` N times with the OS sandbox and N times with the weak
one (same zygote design), alternating, and prints the sandbox's cost per submission.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook

REPO = Path(__file__).resolve().parent.parent
ANSWERS = {
    "correct": "def add(a, b):\n    return a + b",
    "wrong": "def add(a, b):\n    return a - b",
    "partial": "def add(a, b):\n    return 3 if (a, b) == (1, 2) else 0",
    "erroring": "def add(a, b):\n    return a + c",
    "raising": "raise ValueError('not done')",
    "printing": "def add(a, b):\n    print('adding', a, b)\n    return a + b",
    "timing_out": "import time\ntime.sleep(30)\ndef add(a, b):\n    return a + b",
}


def _fixture():
    spec = importlib.util.spec_from_file_location("graders_fixture", REPO / "tests/graders/conftest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def _kind(index: int) -> str:
    if index % 50 == 7:
        return "timing_out"
    kinds = [k for k in ANSWERS if k != "timing_out"]
    return kinds[index % len(kinds)]


def _prepare(root: Path, count: int) -> Path:
    """A course copy with `count` submissions in its own HOCSO_HOME; returns the course folder."""
    fixture = _fixture()
    os.environ["HOCSO_HOME"] = str(root / "home")
    course = fixture.make_course(root / "course")
    for index in range(count):
        fixture.submit(course, f"learner{index:03d}", ANSWERS[_kind(index)])
    return root / "course"


def _env(root: Path) -> dict[str, str]:
    env = dict(os.environ, HOCSO_HOME=str(root / "home"))
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"
    return env


def _results(root: Path) -> dict[str, object]:
    """Per learner: score of each grade cell, and the error names of each autograded code cell."""
    db = next((root / "home").rglob("gradebook.db"))
    found: dict[str, object] = {}
    with Gradebook(f"sqlite:///{db}") as gb:
        for submission in gb.assignment_submissions("gx"):
            notebook = submission.notebooks[0]
            grades = {g.name: g.score for g in notebook.grades}
            path = next((db.parent / "autograded" / submission.student.id).rglob("*.ipynb"))
            nb = nbformat.read(path, as_version=4)
            errors = [
                [o.get("ename") for o in c.outputs if o.output_type == "error"]
                for c in nb.cells
                if c.cell_type == "code"
            ]
            found[submission.student.id] = {"grades": grades, "errors": errors}
    return found


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _timed(command: list[str], **kwargs: object) -> tuple[float, float, subprocess.CompletedProcess]:
    """Wall seconds and CPU seconds (the command and every process it waited for) of one command."""
    cpu = _children_cpu()
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, **kwargs)  # type: ignore[call-overload]
    return time.perf_counter() - started, _children_cpu() - cpu, done


def _hocso(root: Path, workers: int | None, timeout: int, engine: str = "local") -> tuple[float, float, int]:
    command = [sys.executable, "-m", "hocso", "grade", "autograde", "gx", "--json", f"--engine={engine}"]
    command += [f"--workers={workers}"] if workers else []
    command += [f"--cell-timeout={timeout}", "--course", str(root / "course")]
    seconds, cpu, done = _timed(command, env=_env(root), check=True)
    return seconds, cpu, len(json.loads(done.stdout)["results"])


def _per_learner(count: int) -> None:
    """Grade `count` submissions one after another in this process: wall and CPU per learner."""
    from hocso.config import load_course
    from hocso.graders.autograde import GradeSettings, grade_submission, pending_learners
    from hocso.graders.sandbox import Limits

    with tempfile.TemporaryDirectory(prefix="hocso-bench-") as scratch:
        course = load_course(_prepare(Path(scratch), count + 1))
        learners = [x for x in pending_learners(course, "gx")[0] if _kind(int(x[-3:])) != "timing_out"]
        settings = GradeSettings(str(course.config_dir / "nbgrader_config.py"), "gx", Limits(cell_timeout=2))
        grade_submission(learners[0], settings)  # the worker's first learner builds its converter
        _end_zygote()
        grader, submissions = resource.getrusage(resource.RUSAGE_SELF), _children_cpu()
        started = time.perf_counter()
        for learner in learners[1:]:
            grade_submission(learner, settings)
        wall = (time.perf_counter() - started) / len(learners[1:]) * 1000
        after = resource.getrusage(resource.RUSAGE_SELF)
        _end_zygote()  # its submissions' CPU is counted once it has been waited for
        cpu = (after.ru_utime + after.ru_stime - grader.ru_utime - grader.ru_stime) / len(learners[1:]) * 1000
        child = (_children_cpu() - submissions) / len(learners[1:]) * 1000
    print(
        f"per learner ({len(learners) - 1}): wall {wall:.0f} ms, grader cpu {cpu:.0f} ms, submission cpu {child:.0f} ms"
    )


def _sandbox_cost(count: int) -> None:
    """Wall and CPU per submission of the same 3-cell notebook, strong sandbox against weak."""
    from hocso.graders.sandbox import Limits, missing_protections
    from hocso.graders.zygote import Cell, ZygoteRoot, run_forked

    cells = [
        Cell(ANSWERS["correct"], name="add"),
        Cell("assert add(1, 2) == 3", True, "test_add_basic"),
        Cell("assert add(-1, 1) == 0\nassert add(10, 5) == 15", True, "test_add_hidden"),
    ]
    with tempfile.TemporaryDirectory(prefix="hocso-bench-") as scratch:
        own = Path(scratch, "autograded", "learner", "gx")
        own.mkdir(parents=True)
        (own / "gx_sum.ipynb").write_text("{}", encoding="utf-8")
        times: dict[bool, list[float]] = {True: [], False: []}
        for strong in (True, False) * 3:
            with ZygoteRoot([scratch], strong=strong):
                run_forked(cells, Limits(), str(own), scratch, strong=strong)  # warm
                for _ in range(count):
                    started = time.perf_counter()
                    run = run_forked(cells, Limits(), str(own), scratch, strong=strong)
                    times[strong].append((time.perf_counter() - started) * 1000)
                    assert run.reason is None and not run.review, run
                _end_zygote()
    median = {strong: statistics.median(values) for strong, values in times.items()}
    low = {strong: statistics.quantiles(values, n=10)[0] for strong, values in times.items()}
    for strong in (True, False):
        print(
            f"{'strong' if strong else 'weak'}: {len(times[strong])} runs, wall per submission "
            f"median {median[strong]:.1f} ms, p10 {low[strong]:.1f} ms"
        )
    print(
        f"sandbox_cost: median_ms={median[True] - median[False]:.1f} p10_ms={low[True] - low[False]:.1f} "
        f"strong_available={not missing_protections()}"
    )


def _self_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _end_zygote() -> None:
    from hocso.graders import zygote

    mine = zygote._zygotes.get(os.getpid())
    if mine is not None:
        mine.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="20 submissions instead of 100")
    parser.add_argument("-n", type=int, default=None, help="number of submissions")
    parser.add_argument("--workers", type=int, default=None, help="default: hocso's own (CPU cores + 1)")
    parser.add_argument("--per-learner", type=int, default=0, help="only: grade N one by one, in process")
    parser.add_argument("--once", action="store_true", help="hocso only after nbgrader (parity tests)")
    parser.add_argument("--sandbox-cost", type=int, default=0, help="only: the OS sandbox's cost, N runs")
    parser.add_argument(
        "--engine", choices=["local", "dask"], default="local", help="dask: also grade on a Dask LocalCluster"
    )
    args = parser.parse_args()
    if args.sandbox_cost:
        _sandbox_cost(args.sandbox_cost)
        return
    if args.per_learner:
        _per_learner(args.per_learner)
        return
    count = args.n or (20 if args.quick else 100)
    timeout = 2
    with tempfile.TemporaryDirectory(prefix="hocso-bench-") as scratch:
        stock, before, after = Path(scratch, "stock"), Path(scratch, "hocso1"), Path(scratch, "hocso2")
        hocso_roots = [after] if args.once else [before, after]
        dask_roots = (
            [Path(scratch, f"dask{i}") for i in range(len(hocso_roots))] if args.engine == "dask" else []
        )
        for root in (stock, *hocso_roots, *dask_roots):
            _prepare(root, count)
        # hocso runs once before and once after nbgrader, and their mean is compared: a change in the
        # machine's load during the minutes nbgrader takes then weighs on both sides alike (and the
        # Dask engine runs next to the local one each time, for the same reason)
        dask_seconds: list[float] = []
        dask_graded: list[int] = []

        def dask_run(root: Path) -> None:
            seconds, _cpu, graded = _hocso(root, None, timeout, "dask")
            dask_seconds.append(seconds)
            dask_graded.append(graded)

        if not args.once:
            first, first_cpu, graded_first = _hocso(before, args.workers, timeout)
            if dask_roots:
                dask_run(dask_roots[0])
        command = ["nbgrader", "autograde", "gx", f"--Execute.timeout={timeout}", "--log-level=ERROR"]
        stock_seconds, stock_cpu, _ = _timed(command, cwd=stock / "course" / "course_config", env=_env(stock))
        if dask_roots:
            dask_run(dask_roots[-1])
        second, second_cpu, graded_second = _hocso(after, args.workers, timeout)
        if args.once:
            first, first_cpu, graded_first = second, second_cpu, graded_second
        stock_results = _results(stock)
        runs = [_results(root) for root in (*hocso_roots, *dask_roots)]
        identical = (
            all(r == stock_results for r in runs)
            and graded_first == graded_second == count
            and all(graded == count for graded in dask_graded)
        )
        for learner in sorted(stock_results):
            for run in runs:
                if stock_results[learner] != run.get(learner):
                    print(f"differs {learner}: nbgrader={stock_results[learner]} hocso={run.get(learner)}")
        shutil.rmtree(scratch, ignore_errors=True)
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    fast_seconds = (first + second) / 2
    print(
        f"submissions={count} workers={args.workers or 'default'} nbgrader={stock_seconds:.2f}s (cpu {stock_cpu:.1f}s) "
        f"hocso={first:.2f}s,{second:.2f}s mean={fast_seconds:.2f}s (cpu {first_cpu:.1f}s,{second_cpu:.1f}s)"
    )
    ratio = stock_seconds / fast_seconds
    from hocso.graders.sandbox import missing_protections

    sandbox = "weak" if missing_protections() else "bubblewrap+namespaces"
    dask = ""
    if dask_seconds:
        dask_mean = statistics.mean(dask_seconds)
        print(
            f"dask (LocalCluster, 2 workers)={','.join(f'{s:.2f}s' for s in dask_seconds)} mean={dask_mean:.2f}s"
        )
        dask = f" dask_vs_local={fast_seconds / dask_mean:.2f}"
    print(
        f"autograde: ratio={ratio:.1f} identical={str(identical).lower()}{dask} peak_rss_mb={peak_mb:.0f} "
        f"sandbox={sandbox}"
    )


if __name__ == "__main__":
    main()
