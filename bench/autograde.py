"""Stock `nbgrader autograde` against `hocso grade autograde` on the same generated submissions.

    python bench/autograde.py [--quick] [-n 100]

Both run on the fixture module of tests/graders (one notebook, 3 graded test cells) with the same mix
of correct, wrong, partial, erroring and timing-out answers, each in its own runtime folder. The last
line is `autograde: ratio=<hocso/nbgrader throughput> identical=<true|false> peak_rss_mb=<n>`.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import resource
import shutil
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="20 submissions instead of 100")
    parser.add_argument("-n", type=int, default=None, help="number of submissions")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    count = args.n or (20 if args.quick else 100)
    timeout = 2
    with tempfile.TemporaryDirectory(prefix="hocso-bench-") as scratch:
        stock, fast = Path(scratch, "stock"), Path(scratch, "fast")
        _prepare(stock, count)
        _prepare(fast, count)
        started = time.perf_counter()
        subprocess.run(
            ["nbgrader", "autograde", "gx", f"--Execute.timeout={timeout}", "--log-level=ERROR"],
            cwd=stock / "course" / "course_config",
            env=_env(stock),
            check=False,
            capture_output=True,
        )
        stock_seconds = time.perf_counter() - started
        started = time.perf_counter()
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "hocso",
                "grade",
                "autograde",
                "gx",
                "--json",
                f"--workers={args.workers}",
                f"--cell-timeout={timeout}",
                "--course",
                str(fast / "course"),
            ],
            env=_env(fast),
            check=True,
            capture_output=True,
            text=True,
        )
        fast_seconds = time.perf_counter() - started
        graded = len(json.loads(done.stdout)["results"])
        stock_results, fast_results = _results(stock), _results(fast)
        identical = stock_results == fast_results and graded == count
        for learner in sorted(stock_results):
            if stock_results[learner] != fast_results.get(learner):
                print(
                    f"differs {learner}: nbgrader={stock_results[learner]} hocso={fast_results.get(learner)}"
                )
        shutil.rmtree(scratch, ignore_errors=True)
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(
        f"submissions={count} nbgrader={stock_seconds:.2f}s hocso={fast_seconds:.2f}s workers={args.workers}"
    )
    ratio = stock_seconds / fast_seconds
    print(f"autograde: ratio={ratio:.1f} identical={str(identical).lower()} peak_rss_mb={peak_mb:.0f}")


if __name__ == "__main__":
    main()
