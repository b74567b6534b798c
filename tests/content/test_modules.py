"""Every course module whose notebook exists, graded by real nbgrader, and every module's app run.

Parametrized from course.toml, so a new module is tested as soon as its notebook lands (a module
whose notebook is not written yet is reported as skipped, with the missing path). Each module is
released once and autograded once for all its learners (see grading.py); the tests read the gradebook:
1. every answer right (the source's solutions, or the widgets' CORRECT answers) gets full marks;
2. the released student edition runs without crashing and autogrades, untouched, to 0 (a module graded
   by widgets: no error and nothing on stderr in any cell, before the learner has done anything);
3. each group's edition, every answer right, gets all the points that edition holds;
4. each case of `partials/<module>.py` gets exactly its expected score;
5. each `notebooks/apps/<module>_*.ipynb` runs headless without an error and shows widgets.
"""

from __future__ import annotations

import json
from typing import Any

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
    GradedModule,
    Score,
    autograded_points,
    correct_answers,
    edition_learner,
    missing_notebooks,
    partial_cases,
    partial_learner,
)

from hocso.config import Module, load_course
from hocso.notebook_meta import hocso_meta, is_autograder_test, is_rubric, is_solution

LEARNER_ERRORS = {"NotImplementedError", "NameError", "AssertionError"}

_course = load_course(REPO_ROOT)


def _not_written(module: Module) -> list[pytest.MarkDecorator]:
    """Skip, naming the missing file, so a module still being written shows in the summary."""
    missing = [str(path.relative_to(REPO_ROOT)) for path in missing_notebooks(_course, module)]
    return [pytest.mark.skip(reason=f"{module.id}: {', '.join(missing)} not written yet")] if missing else []


MODULES = [pytest.param(m.id, id=m.id, marks=_not_written(m)) for m in _course.modules]
EDITIONS = [
    pytest.param(m.id, group, id=f"{m.id}-{group}", marks=_not_written(m))
    for m in _course.modules
    if correct_answers(PARTIALS, m.id) is not None
    for group in sorted(m.target_levels)
]
PARTIAL_CASES = [
    pytest.param(m.id, number, id=f"{m.id}-case{number}", marks=_not_written(m))
    for m in _course.modules
    for number, _ in enumerate(partial_cases(PARTIALS, m.id), start=1)
]
APPS = sorted(path.name for m in _course.modules for path in APPS_DIR.glob(f"{m.id}_*.ipynb"))

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]


def secret_lines(cell: Any) -> list[str]:
    """The lines of a cell no learner may receive: solutions, hidden tests, a rubric cell's text."""
    lines = [line.strip() for line in cell.source.splitlines()]
    if is_rubric(cell):
        return [line for line in lines if len(line) > 12]
    secret, inside = [], False
    for line in lines:
        if line in ("### BEGIN SOLUTION", "### BEGIN HIDDEN TESTS"):
            inside = True
        elif line in ("### END SOLUTION", "### END HIDDEN TESTS"):
            inside = False
        elif inside and len(line) > 12 and not (is_solution(cell) and cell.cell_type == "markdown"):
            secret.append(line)
    return secret


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
    if correct_answers(PARTIALS, module_id) is not None:
        assert_runs_clean(graded, UNTOUCHED)
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


def assert_runs_clean(graded: GradedModule, learner: str) -> None:
    """No cell of the learner's notebook, as nbgrader ran it, shows an error or writes to stderr."""
    for name, notebook in graded.autograded(learner).items():
        for index, cell in enumerate(notebook.cells):
            for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
                kind = output.get("output_type")
                assert kind != "error", f"{name} cell {index}: {output.get('ename')}: {output.get('evalue')}"
                assert not (kind == "stream" and output.get("name") == "stderr"), (
                    f"{name} cell {index} writes to stderr: {output.get('text', '')[:300]}"
                )


@pytest.mark.parametrize(("module_id", "group"), EDITIONS)
def test_group_edition_with_every_answer_right_gets_all_its_points(
    content_run: ContentRun, module_id: str, group: str
) -> None:
    """The learner of `group` answers every widget of that group's edition right, writes no code, and
    gets every autograded point the edition holds (and nothing shows an error or stderr)."""
    graded = content_run.module(module_id)
    learner = edition_learner(group)
    score = graded.score(learner)
    in_reach = graded.edition_points[learner]
    assert in_reach > 0, f"{module_id}: the {group} edition has no autograded points"
    assert score.auto == in_reach, (
        f"{module_id} {group} edition ({graded.editions[learner][1]}) got {score.auto:g} of {in_reach:g}; "
        f"lost: {lost(score)}"
    )
    assert_runs_clean(graded, learner)


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


@pytest.mark.parametrize("module_id", MODULES)
def test_release_holds_no_solution_hidden_test_or_rubric(content_run: ContentRun, module_id: str) -> None:
    """What nbgrader releases to learners (every language and group edition is cut from it) has none
    of the source's solution lines, hidden-test lines or rubric text."""
    graded = content_run.module(module_id)
    secrets = set()
    for notebook in graded.source.values():
        for cell in notebook.cells:
            secrets |= set(secret_lines(cell))
    for name in graded.source:
        released = (graded.release_dir / name).read_text(encoding="utf-8")
        leaked = sorted(line for line in secrets if json.dumps(line)[1:-1] in released)
        assert not leaked, f"{module_id} release of {name} leaks: {leaked[:5]}"
