"""HTML feedback per learner in `feedback/`: nbgrader's GenerateFeedback on hocso's template, and a
page of its own for each learner whose submission could not be graded.

The graded pages come from nbgrader's converter with the course's nbgrader_config.py, which puts
`hocso.graders.learner_views.LearnerFeedbackPage` and the `hocso_feedback` template in place (so
plain `nbgrader generate_feedback` writes the same pages). A learner with a submission and no
autograded notebook gets, under the same name, a page that says why in the course language and
what to do; it carries the submission's timestamp and secret, so nbgrader's exchange returns it to
the learner's lab like any feedback.
"""

from __future__ import annotations

import html
import logging
import shutil
from pathlib import Path

import nbformat
from nbgrader.converters import GenerateFeedback
from nbgrader.coursedir import CourseDirectory
from traitlets.config.loader import PyFileConfigLoader

from hocso.config import Course, LanguageCode, course_runtime_dir
from hocso.graders.errors import GradingError
from hocso.i18n import t
from hocso.nbgrader_compat import use_in_process_alembic

use_in_process_alembic()  # nbgrader's Gradebook() must not need the `alembic` command on PATH

#: what nbgrader's exchange needs beside a page to return it (ExchangeReleaseFeedback)
EXCHANGE_FILES = ("timestamp.txt", "submission_secret.txt")


def generate_feedback(course: Course, module_id: str) -> list[Path]:
    """Feedback for every learner who submitted the module; returns the HTML files written."""
    module = course.module(module_id)
    config_file = course.config_dir / "nbgrader_config.py"
    config = PyFileConfigLoader(config_file.name, str(config_file.parent)).load_config()
    config.CourseDirectory.assignment_id = module_id
    config.GenerateFeedback.force = True
    runtime = course_runtime_dir(course)
    if any((runtime / "autograded").glob(f"*/{module_id}/*.ipynb")):
        converter = GenerateFeedback(
            coursedir=CourseDirectory(config=config), config=config, log=logging.getLogger("hocso.graders")
        )
        try:
            converter.start()
        except Exception as error:
            raise GradingError(
                f"nbgrader could not write feedback for {module_id}: {error}; autograde first"
            ) from error
    for learner_dir in sorted((runtime / "submitted").glob(f"*/{module_id}")):
        learner = learner_dir.parent.name
        for notebook in module.notebooks:
            if not (runtime / "autograded" / learner / module_id / notebook).is_file():
                write_failure_page(course, module_id, learner, notebook)
    return sorted((runtime / "feedback").glob(f"*/{module_id}/*.html"))


def failure_reason(submitted: Path, notebook: str, language: LanguageCode) -> str:
    """Why `submitted/<learner>/<module>/<notebook>` has no grades, in words for the learner."""
    path = submitted / notebook
    if not path.is_file():
        return t("feedback.failed.missing_notebook", language, notebook=notebook)
    try:
        nbformat.read(path, as_version=4)
    except Exception:  # any reason nbformat cannot read it: to the learner it is one thing, a damaged file
        return t("feedback.failed.unreadable", language, notebook=notebook)
    return t("feedback.failed.grading_failed", language, notebook=notebook)


def write_failure_page(course: Course, module_id: str, learner: str, notebook: str) -> Path:
    """The page of a learner whose `notebook` was not graded: why, and what to do."""
    language = course.info.default_language
    runtime = course_runtime_dir(course)
    submitted = runtime / "submitted" / learner / module_id
    folder = runtime / "feedback" / learner / module_id
    folder.mkdir(parents=True, exist_ok=True)
    for name in EXCHANGE_FILES:
        if (submitted / name).is_file():
            shutil.copyfile(submitted / name, folder / name)
    page = folder / (Path(notebook).stem + ".html")
    page.write_text(
        failure_html(module_id, failure_reason(submitted, notebook, language), language), encoding="utf-8"
    )
    return page


def failure_html(module_id: str, reason: str, language: LanguageCode) -> str:
    """A small self-contained page: nothing loaded from anywhere, readable on a phone."""
    e = html.escape
    return f"""<!DOCTYPE html>
<html lang="{language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(t("feedback.failed.title", language, module=module_id))}</title>
<style>
body {{ margin: 0; font-family: "Noto Sans", "DejaVu Sans", Roboto, Arial, sans-serif; font-size: 17px;
       line-height: 1.5; color: #111; background: #fff; }}
main {{ max-width: 40em; margin: 0 auto; padding: 1em; }}
h1 {{ font-size: 1.4em; }}
.why {{ background: #fdecee; border-left: 6px solid #b00020; padding: .5em .8em; }}
.todo {{ background: #eef6ee; border-left: 6px solid #176b2c; padding: .5em .8em; }}
</style>
</head>
<body>
<main>
<h1>{e(t("feedback.failed.title", language, module=module_id))}</h1>
<p>{e(t("feedback.failed.intro", language, module=module_id))}</p>
<section class="why"><h2>{e(t("feedback.failed.why", language))}</h2><p>{e(reason)}</p></section>
<section class="todo"><h2>{e(t("feedback.failed.todo", language))}</h2>
<p>{e(t("feedback.failed.todo_steps", language, module=module_id))}</p></section>
</main>
</body>
</html>
"""
