"""A submission answered only through widgets is released, fetched, submitted, collected and autograded
by real nbgrader, and gets the right score; a missing or corrupt answers file gives zero for the widget
items, with a clear message, while the rest of the notebook is still graded."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from hocso.safety.phishing import load_messages

pytestmark = pytest.mark.slow

COURSE_ID = "widget-course"
ASSIGNMENT = "m04"
NOTEBOOK = "m04_phishing"

MESSAGE_IDS = ("vi-s01", "vi-s02")
WIDGET_CELL = """\
from hocso.widgets import PhishingInbox, Quiz, QuizChoice
inbox = PhishingInbox("inbox", only=["vi-s01", "vi-s02"], language="vi")
quiz_otp = Quiz("q-otp", {"vi": "Ai được biết mã OTP?", "en": "Who may know your OTP?"}, [
    QuizChoice("bank", {"vi": "Nhân viên ngân hàng", "en": "A bank employee"}),
    QuizChoice("never", {"vi": "Không ai cả", "en": "Nobody"}, correct=True),
])
quiz_flags = Quiz("q-flags", "Red flags?", [
    QuizChoice("urgent", "Urgency", correct=True),
    QuizChoice("greeting", "A greeting"),
    QuizChoice("link", "A strange link", correct=True),
], multiple=True)
display(inbox, quiz_otp, quiz_flags)
"""


TRUTH = {m.id: "scam" if m.is_scam else "safe" for m in load_messages() if m.id in MESSAGE_IDS}


def _grade(grade_id: str, source: str) -> nbformat.NotebookNode:
    cell = new_code_cell(source)
    cell.metadata["nbgrader"] = {
        "grade": True, "grade_id": grade_id, "locked": True, "points": 1,
        "schema_version": 3, "solution": False, "task": False,
    }  # fmt: skip
    return cell


def _source_notebook() -> nbformat.NotebookNode:
    notebook = new_notebook(
        cells=[
            new_markdown_cell("Answer with the widgets."),
            new_code_cell(WIDGET_CELL),
            _grade(
                "otp",
                'from hocso.widgets.answers import load_answer\nassert load_answer("q-otp") == ["never"]',
            ),
            _grade("flags", 'assert load_answer("q-flags") == ["link", "urgent"]'),
            _grade("plain", "assert 1 + 1 == 2"),
            *(
                _grade(f"inbox-{mid}", f'assert load_answer("inbox", "{mid}") == "{TRUTH[mid]}"')
                for mid in MESSAGE_IDS
            ),
        ]
    )
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return notebook


@pytest.fixture
def nbgrader_api(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config import Config

    # nbgrader shells out to alembic for the gradebook; the kernel must be this interpreter
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    root = tmp_path / "course"
    (root / "source" / ASSIGNMENT).mkdir(parents=True)
    nbformat.write(_source_notebook(), root / "source" / ASSIGNMENT / f"{NOTEBOOK}.ipynb")
    config = Config()
    config.CourseDirectory.root = str(root)
    config.CourseDirectory.course_id = COURSE_ID
    config.CourseDirectory.db_url = f"sqlite:///{root / 'gradebook.db'}"
    config.Exchange.root = str(tmp_path / "exchange")
    config.Exchange.assignment_dir = str(tmp_path / "learners")
    config.Execute.timeout = 60
    (tmp_path / "exchange").mkdir()
    (tmp_path / "learners").mkdir()
    os.chmod(tmp_path / "exchange", 0o777)
    api = NbGraderAPI(coursedir=CourseDirectory(config=config), config=config)
    for step in (api.generate_assignment(ASSIGNMENT), api.release_assignment(ASSIGNMENT)):
        assert step["success"], step.get("error") or step.get("log")
    return api


def _fetch(api, learner: str) -> Path:
    from nbgrader.coursedir import CourseDirectory

    coursedir = CourseDirectory(config=api.config, assignment_id=ASSIGNMENT, student_id=learner)
    fetch = api.exchange.FetchAssignment(
        coursedir=coursedir, authenticator=api.authenticator, config=api.config
    )
    fetch.assignment_dir = str(Path(api.config.Exchange.assignment_dir) / learner)
    Path(fetch.assignment_dir).mkdir()
    fetch.start()
    return Path(fetch.assignment_dir) / ASSIGNMENT


def _submit(api, learner: str, folder: Path) -> None:
    from nbgrader.coursedir import CourseDirectory

    coursedir = CourseDirectory(config=api.config, assignment_id=ASSIGNMENT, student_id=learner)
    submit = api.exchange.Submit(coursedir=coursedir, authenticator=api.authenticator, config=api.config)
    submit.assignment_dir = str(folder.parent)
    submit.start()


def _answer_with_widgets(
    folder: Path, monkeypatch: pytest.MonkeyPatch, otp: str, flags: list[str], flagged: tuple[str, ...]
) -> None:
    """Run the notebook's widget cell here, in the learner's folder, and click like a learner would."""
    monkeypatch.chdir(folder)
    namespace: dict = {"display": lambda *_: None}
    exec(WIDGET_CELL, namespace)
    namespace["quiz_otp"].radio.value = otp
    namespace["quiz_otp"].check_button.click()
    for choice, box in zip(namespace["quiz_flags"].choices, namespace["quiz_flags"].boxes, strict=True):
        box.value = choice.key in flags
    namespace["quiz_flags"].check_button.click()
    for mid in flagged:
        namespace["inbox"].flags[mid].value = TRUTH[mid]


def _error_outputs(notebook_path: Path) -> list[str]:
    notebook = nbformat.read(notebook_path, as_version=4)
    return [
        o.get("evalue", "")
        for cell in notebook.cells
        for o in cell.get("outputs", [])
        if o.output_type == "error"
    ]


def test_widget_answers_count_in_nbgrader_autograde(nbgrader_api, monkeypatch: pytest.MonkeyPatch) -> None:
    api = nbgrader_api
    learners = {
        "alice": ("never", ["urgent", "link"], MESSAGE_IDS),
        "bob": ("bank", ["urgent", "link"], MESSAGE_IDS[:1]),
    }
    for learner, (otp, flags, flagged) in learners.items():
        folder = _fetch(api, learner)
        _answer_with_widgets(folder, monkeypatch, otp, flags, flagged)
        assert (folder / f"{NOTEBOOK}.answers.json").exists()
        _submit(api, learner, folder)
    for learner, damage in (("carol", None), ("dave", "{not json")):
        folder = _fetch(api, learner)
        if damage is not None:
            (folder / f"{NOTEBOOK}.answers.json").write_text(damage)
        _submit(api, learner, folder)
    monkeypatch.chdir(api.coursedir.root)
    collected = api.collect(ASSIGNMENT)
    assert collected["success"], collected.get("error")

    scores = {}
    for learner in ("alice", "bob", "carol", "dave"):
        graded = api.autograde(ASSIGNMENT, learner)
        assert graded["success"], graded.get("error") or graded.get("log")
        scores[learner] = api.get_submission(ASSIGNMENT, learner)["score"]
    # alice: everything right; bob: one quiz wrong and one message not flagged; carol and dave: only the
    # cell that does not read an answer
    assert scores == {"alice": 5, "bob": 3, "carol": 1, "dave": 1}

    autograded = Path(api.coursedir.root) / "autograded"
    assert json.loads((autograded / "alice" / ASSIGNMENT / f"{NOTEBOOK}.answers.json").read_text())[
        "answers"
    ]["q-otp"] == ["never"]
    carol_errors = _error_outputs(autograded / "carol" / ASSIGNMENT / f"{NOTEBOOK}.ipynb")
    assert carol_errors and all(f"{NOTEBOOK}.answers.json is missing" in e for e in carol_errors)
    bob_errors = _error_outputs(autograded / "bob" / ASSIGNMENT / f"{NOTEBOOK}.ipynb")
    assert any(f"no answer saved for '{MESSAGE_IDS[1]}' of 'inbox'" in e for e in bob_errors)
    dave_errors = _error_outputs(autograded / "dave" / ASSIGNMENT / f"{NOTEBOOK}.ipynb")
    assert dave_errors and all("damaged" in e for e in dave_errors)
