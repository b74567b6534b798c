"""Feedback pages as a learner of a Vietnamese course reads them, offline, in Debian's Chromium.

Three learners of the fixture module are really autograded: one right, one whose answer fails the
hidden test (nbgrader's traceback of that failure quotes the hidden assert), one whose file is not
a notebook. `hocso grade feedback` must give each a page in Vietnamese only, with each check's
result and never the tests' code, and the one who could not be graded a page that says why.
"""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import nbformat
import pytest
from click.testing import CliRunner
from nbformat.v4 import new_markdown_cell

from hocso.cli import cli
from hocso.config import course_runtime_dir, load_course
from hocso.graders.autograde import autograde_submissions
from hocso.graders.release import release_module
from hocso.graders.sandbox import Limits
from hocso.i18n import t
from hocso.widgets.progress_panel import FEEDBACK_SCORE

from .conftest import MODULE, NOTEBOOK, make_course, submit

HIDDEN_TEST = "assert add(10, 5) == 15"
VISIBLE_TEST = "assert add(1, 2) == 3"
ANSWERS = {
    "an": "def add(a, b):\n    return a + b",
    "binh": "def add(a, b):\n    return 3 if (a, b) == (1, 2) else 0",  # passes the visible test only
}
BROKEN = "chi"
#: nbgrader's own feedback template says these; none may reach a Vietnamese learner
ENGLISH_CHROME = (
    "Test cell",
    "Student's answer",
    "Score:",
    "(Top)",
    "Comments:",
    "Written response",
    "Coding free-response",
    "Grade cell",
    "In [",
    "Out[",
    "Traceback",
)
WRITTEN = "written-reflection"


def _add_written_answer(course_root: Path) -> None:
    """A manual written answer (2 points) in the module, so one part waits for a person."""
    source = course_root / "notebooks" / MODULE / NOTEBOOK
    nb = nbformat.read(source, as_version=4)
    cell = new_markdown_cell("Viết câu trả lời của bạn ở đây.")
    cell.metadata["nbgrader"] = {
        "grade_id": WRITTEN,
        "grade": True,
        "solution": True,
        "locked": False,
        "points": 2,
        "schema_version": 3,
    }
    cell.metadata["hocso"] = {"competence": "1.3"}
    nb.cells.append(cell)
    nbformat.write(nb, source)


def _write_answer(path: Path, text: str) -> None:
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == WRITTEN:
            cell.source = text
    nbformat.write(nb, path)


@pytest.fixture(scope="module")
def feedback_pages(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict[str, str]]]:
    """The fixture course with `languages = ["vi"]`, graded and given feedback: its feedback folder
    and {learner: page html}."""
    home = tmp_path_factory.mktemp("home")
    root = tmp_path_factory.mktemp("course")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HOCSO_HOME", str(home))
        patch.delenv("HOCSO_LANG", raising=False)
        course = make_course(root)
        toml = root / "course_config" / "course.toml"
        text = toml.read_text(encoding="utf-8").replace('languages = ["vi", "en"]', 'languages = ["vi"]', 1)
        toml.write_text(text.replace("points = 3\n", "points = 5\n"), encoding="utf-8")
        _add_written_answer(root)
        course = load_course(root)
        assert list(course.info.languages) == ["vi"]
        release_module(course, MODULE)
        for learner, body in ANSWERS.items():
            _write_answer(submit(course, learner, body), f"{learner}: cộng hai số.")
        submit(course, BROKEN, raw="{ not a notebook")
        summary = autograde_submissions(course, MODULE, workers=2, limits=Limits(cell_timeout=10))
        assert {r.learner: r.score for r in summary.results if r.ok} == {"an": 3.0, "binh": 1.0}
        done = CliRunner().invoke(cli, ["grade", "feedback", MODULE, "--course", str(root)])
        assert done.exit_code == 0, done.output
        assert "Did you mean" not in done.output and "Traceback" not in done.output  # nbgrader's noise
        folder = course_runtime_dir(course) / "feedback"
        pages = {
            learner: (folder / learner / MODULE / NOTEBOOK.replace(".ipynb", ".html")).read_text(
                encoding="utf-8"
            )
            for learner in [*ANSWERS, BROKEN]
        }
        yield folder, pages


def test_pages_are_vietnamese_and_show_results_not_code(feedback_pages):
    _folder, pages = feedback_pages
    for learner in ANSWERS:
        page = pages[learner]
        assert 'lang="vi"' in page
        assert HIDDEN_TEST not in page and VISIBLE_TEST not in page and "def add" not in page, learner
        assert "Write `add`" not in page and "Viết hàm" in page  # the vi edition's markdown only
        for chrome in ENGLISH_CHROME:
            assert chrome not in page, (learner, chrome)
        assert t("feedback.cell.check", "vi", number=2) in page
        assert t("feedback.cell.awaiting", "vi", max_score="2") in page  # the written answer: not 0
        assert t("feedback.page.awaiting_total", "vi", count=1) in page
    assert t("feedback.page.score", "vi", score="3", max_score="5") in pages["an"]
    assert FEEDBACK_SCORE.search(pages["an"]).groups() == ("3", "5")  # the lab's progress panel reads it
    assert t("feedback.cell.points", "vi", score="2", max_score="2") in pages["an"]
    # binh fails the hidden test: the page says so in Vietnamese, the traceback (quoting it) is gone
    assert t("feedback.cell.check_failed", "vi") in pages["binh"]
    assert t("feedback.cell.points", "vi", score="0", max_score="2") in pages["binh"]


def test_a_submission_that_could_not_be_graded_gets_a_page_saying_why(feedback_pages):
    _folder, pages = feedback_pages
    page = pages[BROKEN]
    assert t("feedback.failed.title", "vi", module=MODULE) in page
    assert t("feedback.failed.unreadable", "vi", notebook=NOTEBOOK) in page
    assert t("feedback.failed.todo_steps", "vi", module=MODULE) in page
    for chrome in ENGLISH_CHROME:
        assert chrome not in page, chrome


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@pytest.mark.slow
def test_the_page_opens_offline_in_chromium(feedback_pages, browser):
    """Every request that is not to loopback is aborted and recorded: none may be attempted."""
    folder, _pages = feedback_pages
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    outside: list[str] = []
    failed: list[str] = []

    def only_loopback(route):
        if urlparse(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context = browser.new_context()
    try:
        context.route("**/*", only_loopback)
        page = context.new_page()
        page.on("requestfailed", lambda request: failed.append(request.url))
        texts = {}
        for learner in ("binh", BROKEN):
            page.goto(f"http://127.0.0.1:{server.server_address[1]}/{learner}/{MODULE}/gx_sum.html")
            page.wait_for_load_state("networkidle")
            texts[learner] = page.inner_text("body")
    finally:
        context.close()
        server.shutdown()
        server.server_close()
    assert outside == [] and failed == []
    for learner, text in texts.items():
        for chrome in ENGLISH_CHROME:
            assert chrome not in text, (learner, chrome)
        assert HIDDEN_TEST not in text and "def add" not in text
    assert t("feedback.cell.check_failed", "vi") in texts["binh"]
    assert t("feedback.failed.todo", "vi") in texts[BROKEN]


def test_a_check_cell_shows_its_message_not_its_return_value_or_traceback():
    from nbformat.v4 import new_code_cell, new_notebook, new_output

    from hocso.graders.learner_views import LearnerFeedbackPage

    cell = new_code_cell(HIDDEN_TEST)
    cell.metadata["nbgrader"] = {
        "grade": True,
        "solution": False,
        "grade_id": "t1",
        "points": 2,
        "score": 0.5,
    }
    cell.outputs = [
        new_output("stream", name="stdout", text="✅ Đúng\n"),
        new_output("stream", name="stderr", text=f'File "<cell>", line 1\n    {HIDDEN_TEST}\n'),
        new_output("execute_result", data={"text/plain": "0.5"}, execution_count=1),
        new_output("error", ename="AssertionError", evalue="", traceback=[f"----> 1 {HIDDEN_TEST}"]),
    ]
    nb, resources = LearnerFeedbackPage(language="vi").preprocess(
        new_notebook(cells=[cell]), {"nbgrader": {}}
    )
    shown = [o.get("text", o.get("data")) for o in nb.cells[0].outputs]
    assert shown == ["✅ Đúng\n", t("feedback.cell.check_failed", "vi") + "\n"]
    assert resources["hocso"]["items"][0]["status"] == t(
        "feedback.cell.points", "vi", score="0,5", max_score="2"
    )
