"""Every course module whose notebook exists, graded by real nbgrader, and every module's app run.

Parametrized from course.toml, so a new module is tested as soon as its notebook lands (a module
whose notebook is not written yet is reported as skipped, with the missing path). Each module is
released once and autograded once for all its learners (see grading.py); the tests read the gradebook:
1. the source notebook (solutions in place) gets full marks from the autograder;
2. the released student edition runs without crashing and autogrades, untouched, to 0;
3. each case of `partials/<module>.py` (edits by grade_id, expected score) gets exactly that score;
4. each `notebooks/apps/<module>_*.ipynb` runs headless without an error and shows widgets.
"""

from __future__ import annotations

import nbformat
import pytest
from grading import (
    APPS_DIR,
    PARTIALS,
    REPO_ROOT,
    SOURCE,
    UNTOUCHED,
    WIDGET_VIEW,
    ContentRun,
    Score,
    autograded_points,
    missing_notebooks,
    partial_cases,
    partial_learner,
)

from hocso.config import Module, load_course
from hocso.notebook_meta import hocso_meta, is_autograder_test

LEARNER_ERRORS = {"NotImplementedError", "NameError", "AssertionError"}

_course = load_course(REPO_ROOT)


def _not_written(module: Module) -> list[pytest.MarkDecorator]:
    """Skip, naming the missing file, so a module still being written shows in the summary."""
    missing = [str(path.relative_to(REPO_ROOT)) for path in missing_notebooks(_course, module)]
    return [pytest.mark.skip(reason=f"{module.id}: {', '.join(missing)} not written yet")] if missing else []


MODULES = [pytest.param(m.id, id=m.id, marks=_not_written(m)) for m in _course.modules]
PARTIAL_CASES = [
    pytest.param(m.id, number, id=f"{m.id}-case{number}", marks=_not_written(m))
    for m in _course.modules
    for number, _ in enumerate(partial_cases(PARTIALS, m.id), start=1)
]
APPS = sorted(path.name for m in _course.modules for path in APPS_DIR.glob(f"{m.id}_*.ipynb"))

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]


def lost(score: Score) -> str:
    """The test cells that did not give full points, for a failure message a person can act on."""
    cells = [f"{name} {auto:g}/{top:g}" for name, (auto, top) in score.cells.items() if auto != top]
    return ", ".join(cells) or "none"


@pytest.mark.parametrize("module_id", MODULES)
def test_source_gets_full_marks(content_run: ContentRun, module_id: str) -> None:
    graded = content_run.module(module_id)
    score = graded.score(SOURCE)
    expected = autograded_points(graded.source)
    assert expected > 0, f"{module_id} has no autograded test cell"
    assert score.max_auto == expected, (
        f"{module_id} gradebook counts {score.max_auto} points, cells {expected}"
    )
    assert score.auto == score.max_auto, (
        f"{module_id} solutions got {score.auto:g} of {score.max_auto:g}; lost: {lost(score)}"
    )


@pytest.mark.parametrize("module_id", MODULES)
def test_student_edition_runs_and_scores_zero(content_run: ContentRun, module_id: str) -> None:
    """The untouched learner's autograded notebooks are the released student edition as nbgrader ran
    it top to bottom in a real kernel (its locked and test cells restored from the gradebook: the same
    text plus the hidden tests), so they show every error a learner opening the edition would meet."""
    graded = content_run.module(module_id)
    score = graded.score(UNTOUCHED)
    for name, notebook in graded.autograded(UNTOUCHED).items():
        for index, cell in enumerate(notebook.cells):
            if cell.cell_type != "code" or not cell.source.strip():
                continue
            assert cell.get("execution_count") is not None, f"{name} cell {index} never ran"
            for output in cell.get("outputs", []):
                if output.get("output_type") != "error":
                    continue
                # Only unfinished exercises may fail, never the lesson's own cells.
                assert output["ename"] in LEARNER_ERRORS, f"{name} cell {index}: {output['ename']}"
                if output["ename"] != "NotImplementedError":
                    assert is_autograder_test(cell) or hocso_meta(cell).get("self_check"), (
                        f"{name} cell {index} fails in the student edition: {output['ename']}"
                    )
    assert score.auto == 0, f"{module_id} untouched edition got {score.auto:g}; from: {lost_to_zero(score)}"


def lost_to_zero(score: Score) -> str:
    return ", ".join(f"{name} {auto:g}" for name, (auto, _) in score.cells.items() if auto) or "none"


@pytest.mark.parametrize(("module_id", "number"), PARTIAL_CASES)
def test_partial_submission_gets_expected_score(content_run: ContentRun, module_id: str, number: int) -> None:
    expected = partial_cases(PARTIALS, module_id)[number - 1]["expected"]
    score = content_run.module(module_id).score(partial_learner(number))
    assert score.auto == expected, (
        f"{module_id} partial case {number} expected {expected:g} got {score.auto:g}; lost: {lost(score)}"
    )


@pytest.mark.parametrize("app", APPS)
def test_app_runs_headless_with_widgets(content_run: ContentRun, app: str) -> None:
    """Voila rendering is covered by tests/present/test_browser.py::test_app_loads_and_reacts_to_a_click:
    it serves every notebooks/apps/*.ipynb through `hocso present` (a real Voila server) and waits for
    its widgets in headless Chromium, so no second Voila server is started here. This run adds what
    the page cannot show: Voila replaces a failing cell with an instruction, so an app that breaks
    after its first widget still passes there; here any cell error fails."""
    committed = nbformat.read(APPS_DIR / app, as_version=4)
    assert not any(cell.get("outputs") for cell in committed.cells), "commit apps without outputs"
    notebook = content_run.app(app)
    views = [o for c in notebook.cells for o in c.get("outputs", []) if WIDGET_VIEW in o.get("data", {})]
    assert views, f"{app} shows no widget"
