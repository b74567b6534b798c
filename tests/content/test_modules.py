"""Every course module whose notebook exists, graded by real nbgrader, and every facilitator app run.

Parametrized from course.toml, so a new module is tested as soon as its notebook lands:
1. the source notebook (solutions in place) gets full marks from the autograder;
2. the released student edition runs without crashing and autogrades, untouched, to 0;
3. each case of `partials/<module>.py` (edits by grade_id, expected score) gets exactly that score;
4. each `notebooks/apps/<module>_*.ipynb` runs headless and shows widgets, also served by Voila.
"""

from __future__ import annotations

import copy
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest
from grading import (
    autograde,
    autograded_points,
    partial_cases,
    release,
    source_notebooks,
    submit,
    with_edits,
)
from nbclient import NotebookClient

from hocso.config import load_course
from hocso.notebook_meta import hocso_meta, is_autograder_test

REPO_ROOT = Path(__file__).resolve().parents[2]
PARTIALS = Path(__file__).parent / "partials"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
LEARNER_ERRORS = {"NotImplementedError", "NameError", "AssertionError"}

_course = load_course(REPO_ROOT)
MODULES = [m.id for m in _course.modules if all(p.is_file() for p in _course.notebook_paths(m))]
PARTIAL_CASES = [
    pytest.param(module_id, index, id=f"{module_id}-{index}")
    for module_id in MODULES
    for index, _ in enumerate(partial_cases(PARTIALS, module_id))
]
APPS = sorted(
    path.name
    for module_id in MODULES
    for path in (REPO_ROOT / "notebooks" / "apps").glob(f"{module_id}_*.ipynb")
)

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]


@pytest.mark.parametrize("module_id", MODULES)
def test_source_gets_full_marks(course_copy: Path, module_id: str) -> None:
    notebooks = source_notebooks(course_copy, module_id)
    release(course_copy, module_id)
    submit(course_copy, module_id, notebooks)
    score = autograde(course_copy, module_id)
    assert score.max_auto == autograded_points(notebooks) > 0
    assert score.auto == score.max_auto


@pytest.mark.parametrize("module_id", MODULES)
def test_student_edition_runs_and_scores_zero(course_copy: Path, module_id: str) -> None:
    folder = release(course_copy, module_id)
    for path in sorted(folder.glob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        NotebookClient(
            notebook,
            timeout=120,
            kernel_name="python3",
            allow_errors=True,
            resources={"metadata": {"path": str(folder)}},
        ).execute()
        for index, cell in enumerate(notebook.cells):
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error":
                    # Only unfinished exercises may fail, never the lesson's own cells.
                    assert output["ename"] in LEARNER_ERRORS, f"{path.name} cell {index}: {output['ename']}"
                    if output["ename"] != "NotImplementedError":
                        assert is_autograder_test(cell) or hocso_meta(cell).get("self_check"), (
                            f"{path.name} cell {index} fails in the student edition: {output['ename']}"
                        )
    submit(course_copy, module_id, {})
    assert autograde(course_copy, module_id).auto == 0


@pytest.mark.parametrize(("module_id", "index"), PARTIAL_CASES)
def test_partial_submission_gets_expected_score(course_copy: Path, module_id: str, index: int) -> None:
    case = partial_cases(PARTIALS, module_id)[index]
    notebooks = with_edits(copy.deepcopy(source_notebooks(course_copy, module_id)), case["edits"])
    release(course_copy, module_id)
    submit(course_copy, module_id, notebooks)
    assert autograde(course_copy, module_id).auto == case["expected"]


@pytest.mark.parametrize("app", APPS)
def test_app_runs_headless_with_widgets(app: str, tmp_path: Path) -> None:
    path = REPO_ROOT / "notebooks" / "apps" / app
    notebook = nbformat.read(path, as_version=4)
    assert not any(cell.get("outputs") for cell in notebook.cells), "commit apps without outputs"
    NotebookClient(
        notebook, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    ).execute()
    views = [o for c in notebook.cells for o in c.get("outputs", []) if WIDGET_VIEW in o.get("data", {})]
    assert views, f"{app} shows no widget"


@pytest.mark.parametrize("app", APPS)
def test_app_served_by_voila(app: str, free_port: int, tmp_path: Path) -> None:
    env = dict(os.environ, HOCSO_ANSWERS_FILE=str(tmp_path / "answers.json"))
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "voila"),
            app,
            f"--port={free_port}",
            "--no-browser",
            "--Voila.ip=127.0.0.1",
        ],
        cwd=REPO_ROOT / "notebooks" / "apps",
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        page = ""
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{free_port}/", timeout=90) as answer:
                    page = answer.read().decode("utf-8")
                break
            except OSError:
                time.sleep(0.5)
        assert WIDGET_VIEW in page, f"Voila page of {app} has no widget view"
        assert "model_id" in page
    finally:
        server.terminate()
        server.wait(timeout=30)
