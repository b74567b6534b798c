"""Hostile and broken submissions: each gets a readable reason and only the score it earned.

One batch grades every case together (that is the point: the batch goes on), then each case is
checked on its own.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from hocso.config import course_runtime_dir, gradebook_url
from hocso.graders.autograde import autograde_submissions
from hocso.graders.sandbox import Limits

from .conftest import MODULE, NOTEBOOK, make_course, submit

CORRECT = "def add(a, b):\n    return a + b"
WRONG = "def add(a, b):\n    return a - b"

BODIES = {
    "correct": CORRECT,
    "infinite_loop": CORRECT + "\nwhile True:\n    pass",
    "memory_bomb": CORRECT + "\nhog = []\nwhile True:\n    hog.append(bytearray(50_000_000))",
    "fork_bomb": CORRECT + "\nimport os\nfor _ in range(200):\n    os.fork()",
    "os_exit": WRONG + "\nimport os\nos._exit(0)",
    "kernel_crash": CORRECT + "\nimport ctypes\nctypes.string_at(0)",
    "big_output": CORRECT + "\nfor _ in range(50):\n    print('x' * 1_000_000)",
    "fake_pass": WRONG
    + "\nip = get_ipython()\nip.run_cell = lambda *a, **k: None\nip.showtraceback = lambda *a, **k: None\n"
    + "import builtins\nbuiltins.AssertionError = type('Quiet', (Exception,), {})",
    "read_other": CORRECT + "\nopen('../../correct/gx/gx_sum.ipynb').read()",
    "read_source": CORRECT + "\nprint(open(SOURCE).read())",
    "write_gradebook": CORRECT + "\nopen(GRADEBOOK, 'w').write('x')",
    "network": CORRECT + "\nimport socket\nsocket.create_connection(('127.0.0.1', 9), timeout=1)",
}
# A hostile line runs in the solution cell after `add` is defined: it is stopped (BLOCKED) and the
# tests that follow still earn what the answer deserves, as nbgrader would give them.
BLOCKED = {
    "memory_bomb": "MemoryError",
    "fork_bomb": "at most",
    "read_other": "PermissionError",
    "read_source": "PermissionError",
    "write_gradebook": "PermissionError",
    "network": "PermissionError",
    "infinite_loop": "CellTimeoutError",
}
# legitimately earned points (tests 1 + 2); cases that crash before the tests run earn nothing
EXPECTED = {
    "correct": 3,
    "infinite_loop": 3,  # interrupted like nbgrader does; the tests after it still run
    "memory_bomb": 3,
    "fork_bomb": 3,
    "os_exit": 0,
    "kernel_crash": 0,
    "big_output": 3,
    "fake_pass": 0,
    "read_other": 3,
    "read_source": 3,
    "write_gradebook": 3,
    "network": 3,
    "invalid_json": 0,
    "wrong_nbformat": 0,
    "deleted_cells": 1,  # the remaining visible test still passes; the deleted one earns nothing
    "edited_tests": 0,
    "changed_cell_ids": 3,
}


def _edit(path: Path, change) -> None:
    nb = nbformat.read(path, as_version=4)
    change(nb)
    nbformat.write(nb, path)


def _graded(nb, grade_id: str):
    return next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory):
    """Grade every case in one batch; returns results, gradebook scores and file hashes."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HOCSO_HOME", str(tmp_path_factory.mktemp("home")))
        course = make_course(tmp_path_factory.mktemp("course"))
        source = course.notebooks_dir / MODULE / NOTEBOOK
        for learner, body in BODIES.items():
            gradebook = gradebook_url(course).removeprefix("sqlite:///")
            body = body.replace("SOURCE", repr(str(source))).replace("GRADEBOOK", repr(gradebook))
            submit(course, learner, body)
        submit(course, "invalid_json", raw="{ this is not json")
        wrong = nbformat.read(course_runtime_dir(course) / "release" / MODULE / NOTEBOOK, as_version=4)
        raw = json.loads(nbformat.writes(wrong))
        raw["nbformat"] = 99
        submit(course, "wrong_nbformat", raw=json.dumps(raw))
        path = submit(course, "deleted_cells", CORRECT)
        _edit(path, lambda nb: nb.cells.remove(_graded(nb, "test_add_hidden")))
        path = submit(course, "edited_tests", WRONG)
        _edit(path, lambda nb: setattr(_graded(nb, "test_add_basic"), "source", "pass"))
        path = submit(course, "changed_cell_ids", CORRECT)
        _edit(path, lambda nb: [setattr(c, "id", f"new-{i}") for i, c in enumerate(nb.cells)])
        submitted = course_runtime_dir(course) / "submitted"
        before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in submitted.rglob("*") if p.is_file()}
        limits = Limits(cell_timeout=2, notebook_timeout=8, memory_mb=600, max_output_bytes=100_000)
        summary = autograde_submissions(course, MODULE, workers=2, limits=limits)
        after = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in submitted.rglob("*") if p.is_file()}
        with Gradebook(gradebook_url(course)) as gb:
            scores = {s.student.id: s.score for s in gb.assignment_submissions(MODULE)}
        yield {r.learner: r for r in summary.results}, scores, before == after, course_runtime_dir(course)


@pytest.mark.slow
@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_case_earns_only_its_score(batch, case):
    results, scores, _, _ = batch
    assert case in results, f"{case} was not graded"
    assert scores.get(case, 0) == EXPECTED[case], results[case]


@pytest.mark.slow
@pytest.mark.parametrize(
    "case", ["invalid_json", "wrong_nbformat", "os_exit", "kernel_crash", "infinite_loop"]
)
def test_failure_has_a_readable_reason(batch, case):
    results, _, _, _ = batch
    assert results[case].reason, results[case]


@pytest.mark.slow
def test_no_submission_changed_and_gradebook_consistent(batch):
    results, _, unchanged, runtime = batch
    assert unchanged
    assert len(results) == len(EXPECTED)
    with Gradebook(f"sqlite:///{next(runtime.glob('*.db'))}") as gb:
        assert {s.id for s in gb.students} >= set(EXPECTED)


@pytest.mark.slow
def test_big_output_is_capped(batch):
    _, _, _, runtime = batch
    graded = runtime / "autograded" / "big_output" / MODULE / NOTEBOOK
    assert graded.stat().st_size < 2_000_000


@pytest.mark.slow
@pytest.mark.parametrize("case", sorted(BLOCKED))
def test_hostile_action_is_stopped(batch, case):
    _, _, _, runtime = batch
    nb = nbformat.read(runtime / "autograded" / case / MODULE / NOTEBOOK, as_version=4)
    solution = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "add")
    assert BLOCKED[case] in json.dumps(solution.outputs), solution.outputs
