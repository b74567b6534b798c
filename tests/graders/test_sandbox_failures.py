"""Failures told, never hidden (issue 17): widget-graded hidden tests in the sandbox, a patched grading
library, a failed re-grade, a grader killed with -9, a machine without the OS sandbox.

Each test failed on the engine before the OS sandbox (graders/ of ab26b2a) except
`test_widget_graded_hidden_tests_run_in_the_sandbox`, which shows the sandbox keeps what the course
needs (hocso importable read-only, the learner's answers file readable in its folder).
"""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook
from nbgrader.api import Gradebook

from hocso.config import Course, course_runtime_dir, gradebook_url, load_course
from hocso.graders.autograde import autograde_submissions
from hocso.graders.export import export_scores
from hocso.graders.release import release_module
from hocso.graders.sandbox import Limits
from hocso.widgets.answers import save_answer

from .conftest import MODULE, NOTEBOOK, REPO_ROOT, submit

pytestmark = pytest.mark.slow

CORRECT = "def add(a, b):\n    return a + b"
WIDGET_MODULE, WIDGET_NOTEBOOK = "gw", "gw_pick.ipynb"
HIDDEN = (
    "from hocso.widgets.grading import Expect, grade_items\n"
    "### BEGIN HIDDEN TESTS\n"
    'grade_items("q1", 2, {"a": Expect("yes", vi="Đúng là có.", en="Yes, it is."), '
    '"b": Expect("no", vi="Không phải.", en="No, it is not.")})\n'
    "### END HIDDEN TESTS"
)


def _widget_course(root: Path) -> Course:
    """A course copy with module gw: one learner cell and one hidden test scored by hocso.widgets.grading."""
    import shutil

    shutil.copytree(REPO_ROOT / "course_config", root / "course_config")
    toml = root / "course_config" / "course.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8")
        + f'\n[[modules]]\nid = "{WIDGET_MODULE}"\ntitle = {{ vi = "Chọn", en = "Pick" }}\n'
        + f'notebooks = ["{WIDGET_NOTEBOOK}"]\ncompetences = ["1.3"]\n'
        + "target_levels = { leaders = 1, staff = 1, technical = 1, soldiers = 1, citizens = 1 }\npoints = 2\n",
        encoding="utf-8",
    )
    nb = new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    learner = new_code_cell("# your notes")
    learner.metadata["nbgrader"] = {"grade_id": "notes", "grade": False, "solution": True, "locked": False}
    test = new_code_cell(HIDDEN)
    test.metadata["nbgrader"] = {"grade_id": "test_pick", "grade": True, "solution": False, "locked": True}
    test.metadata["nbgrader"]["points"] = 2
    test.metadata["hocso"] = {"competence": "1.3"}
    for cell in (learner, test):
        cell.metadata["nbgrader"]["schema_version"] = 3
    nb.cells = [new_markdown_cell("Chọn."), learner, test]
    folder = root / "notebooks" / WIDGET_MODULE
    folder.mkdir(parents=True)
    nbformat.write(nb, folder / WIDGET_NOTEBOOK)
    course = load_course(root)
    release_module(course, WIDGET_MODULE)
    return course


def _hand_in(course: Course, learner: str, answers: dict[str, str], code: str = "# your notes") -> None:
    runtime = course_runtime_dir(course)
    target = runtime / "submitted" / learner / WIDGET_MODULE / WIDGET_NOTEBOOK
    target.parent.mkdir(parents=True)
    nb = nbformat.read(runtime / "release" / WIDGET_MODULE / WIDGET_NOTEBOOK, as_version=4)
    next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "notes").source = code
    nbformat.write(nb, target)
    save_answer("q1", answers, answers_file=target.with_name("gw_pick.answers.json"), language="en")
    (target.parent / "timestamp.txt").write_text("2026-11-22 10:00:00.000000 UTC", encoding="utf-8")


PATCH_ATTRIBUTE = "import hocso.widgets.grading as g\ng.grade_items = lambda *a, **k: 2.0"
PATCH_CODE = "import hocso.widgets.grading as g\ng.grade_items.__code__ = (lambda *a, **k: 2.0).__code__"


@pytest.fixture(scope="module")
def widget_batch(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HOCSO_HOME", str(tmp_path_factory.mktemp("home")))
        patch.setenv("HOCSO_LANG", "en")
        course = _widget_course(tmp_path_factory.mktemp("course"))
        _hand_in(course, "right", {"a": "yes", "b": "no"})
        _hand_in(course, "half", {"a": "yes", "b": "yes"})
        _hand_in(course, "patch_attribute", {"a": "no", "b": "yes"}, PATCH_ATTRIBUTE)
        _hand_in(course, "patch_code", {"a": "no", "b": "yes"}, PATCH_CODE)
        summary = autograde_submissions(course, WIDGET_MODULE, workers=2, limits=Limits(cell_timeout=20))
        with Gradebook(gradebook_url(course)) as gb:
            scores = {s.student.id: s.score for s in gb.assignment_submissions(WIDGET_MODULE)}
        graded = course_runtime_dir(course) / "autograded" / "right" / WIDGET_MODULE / WIDGET_NOTEBOOK
        return {"results": {r.learner: r for r in summary.results}, "scores": scores, "right": graded}


def test_widget_graded_hidden_tests_run_in_the_sandbox(widget_batch):
    assert widget_batch["scores"]["right"] == 2 and widget_batch["scores"]["half"] == 1
    nb = nbformat.read(widget_batch["right"], as_version=4)
    shown = json.dumps([c.get("outputs", []) for c in nb.cells if c.cell_type == "code"], ensure_ascii=False)
    assert "Yes, it is." in shown and "stderr" not in shown, shown


@pytest.mark.parametrize("learner", ["patch_attribute", "patch_code"])
def test_a_patched_grading_library_earns_nothing_and_is_flagged(widget_batch, learner):
    result = widget_batch["results"][learner]
    assert widget_batch["scores"][learner] == 0
    assert result.reason.startswith("needs review:") and "grade_items" in result.reason, result


def test_a_failed_regrade_removes_the_old_score(grading_course, tmp_path):
    submit(grading_course, "an", CORRECT)
    autograde_submissions(grading_course, MODULE, workers=1)
    runtime = course_runtime_dir(grading_course)
    (runtime / "submitted" / "an" / MODULE / NOTEBOOK).write_text("{ no longer a notebook", encoding="utf-8")
    (runtime / "autograded" / "an" / MODULE / ".hocso-graded").unlink()  # collect does this for a new one
    second = autograde_submissions(grading_course, MODULE, workers=1)
    assert not second.results[0].ok and second.results[0].reason
    with Gradebook(gradebook_url(grading_course)) as gb:
        assert gb.find_submission(MODULE, "an").score == 0
    export_scores(grading_course, tmp_path / "grades.csv")
    rows = {r["learner_id"]: r for r in csv.DictReader((tmp_path / "grades.csv").open(encoding="utf-8-sig"))}
    assert float(rows["an"]["total"]) == 0


def _descendants(pid: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def _alive(pids: set[int]) -> set[int]:
    alive = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            alive.add(pid)
    return alive


def test_the_graders_processes_die_with_it(grading_course):
    """kill -9 of `hocso grade autograde` while a submission runs: its workers, the sandboxed root, the
    zygotes and the submission are all gone soon after, none left writing the gradebook."""
    submit(grading_course, "sleeper", CORRECT + "\nimport time\ntime.sleep(120)")
    command = [sys.executable, "-m", "hocso", "grade", "autograde", MODULE, "--workers", "2", "--json"]
    command += ["--cell-timeout", "300", "--notebook-timeout", "300", "--course", str(grading_course.root)]
    grader = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    family: set[int] = set()
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and len(family) < 5:  # 2 workers, root, zygote, submission
            time.sleep(0.2)
            family = _descendants(grader.pid)
        assert len(family) >= 5, family
        os.kill(grader.pid, signal.SIGKILL)
        grader.wait()
        deadline = time.monotonic() + 60
        while _alive(family) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert _alive(family) == set()
    finally:
        for pid in _alive(family | _descendants(grader.pid)):  # what an old engine left running
            os.kill(pid, signal.SIGKILL)
        grader.kill()


def _autograde(course: Course, *extra: str, path: str) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "hocso", "grade", "autograde", MODULE, "--json", *extra]
    env = dict(os.environ, PATH=path, HOCSO_LANG="en")
    return subprocess.run([*command, "--course", str(course.root)], capture_output=True, text=True, env=env)


def test_without_the_os_sandbox_grading_refuses_and_names_what_is_missing(grading_course):
    submit(grading_course, "an", CORRECT)
    no_bwrap = str(Path(sys.executable).parent)  # a PATH without bubblewrap
    refused = _autograde(grading_course, path=no_bwrap)
    assert refused.returncode == 2, refused.stdout
    assert "bubblewrap" in refused.stderr and "--allow-weak-sandbox" in refused.stderr
    assert "Traceback" not in refused.stderr
    weak = _autograde(grading_course, "--allow-weak-sandbox", path=no_bwrap)
    assert weak.returncode == 0, weak.stderr
    assert "weak sandbox" in weak.stderr and "bubblewrap" in weak.stderr
    assert json.loads(weak.stdout)["results"][0]["score"] == 3
