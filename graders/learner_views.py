"""nbgrader preprocessors for what learners receive: releases without rubrics, feedback without code.

A rubric sits in its own markdown cell (`metadata.hocso.rubric = true`) right after the answer
cell, so the answer cell holds only the learner's text and nothing of the rubric is replaced by
"YOUR ANSWER HERE" at release. `DropRubricCells` runs first in GenerateAssignment, so plain
`nbgrader generate_assignment` and `hocso grade release` both leave it out; the source keeps it.

`LearnerFeedbackPage` (after nbgrader's GetGrades) makes the feedback page the learner's: the
cells of the learner's language only, each graded part named and scored in that language
(`hocso/i18n/catalog/feedback.toml`; a manual part nobody graded yet is "awaiting grading", not 0),
and a failed check shown as its learner-facing message, never as a traceback (which quotes the
hidden test's source). The `hocso_feedback` template (graders/templates) renders it with no
external resource, so the page works offline.

Learners on the graded path never write or need code, and the hidden tests' source is the answer
key written as Python: `HideCodeInFeedback` keeps every code cell's outputs (the ✅/❌ lines with
their reasons, in the learner's language) and drops its source from the feedback page.
nbgrader_config.py installs both, so plain nbgrader commands behave the same.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from nbconvert.preprocessors import Preprocessor
from nbformat.v4 import new_output
from traitlets import Bool, Unicode

from hocso.config.models import LanguageCode
from hocso.editions import edition_cells
from hocso.i18n import normalize_language, t
from hocso.notebook_meta import is_rubric

FEEDBACK_TEMPLATES_DIR = Path(__file__).parent / "templates"
FEEDBACK_TEMPLATE = "hocso_feedback"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
#: errors hocso's grader writes itself, with a learner-facing text in `evalue`
GRADER_STOPS = ("CellTimeoutError", "NotRun")
NBGRADER_NO_RESPONSE = "No response."  # nbgrader's comment on an answer cell left as released


class DropRubricCells(Preprocessor):
    enabled = Bool(True)  # nbconvert skips preprocessors that are not enabled

    def preprocess(self, nb: Any, resources: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
        nb.cells = [cell for cell in nb.cells if not is_rubric(cell)]
        return nb, resources


class HideCodeInFeedback(Preprocessor):
    enabled = Bool(True)

    def preprocess(self, nb: Any, resources: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.metadata.setdefault("transient", {})["remove_source"] = True
        return nb, resources


class LearnerFeedbackPage(Preprocessor):
    """The feedback notebook as the learner reads it; its texts go to `resources["hocso"]`."""

    enabled = Bool(True)
    language = Unicode("vi", help="the course's language, for notebooks of no one-language edition").tag(
        config=True
    )

    def preprocess(self, nb: Any, resources: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
        edition = nb.metadata.get("hocso", {}).get("edition") or {}
        lang = normalize_language(edition.get("language") or self.language)
        nb.cells = edition_cells(nb.cells, lang, None)  # its language's cells, stubs in its words
        grading = resources.get("nbgrader", {})
        awaiting = _awaiting_grades(grading)
        counters: Counter[str] = Counter()
        items = []
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.outputs = learner_outputs(cell.get("outputs", []), lang)
                if _is_check(cell):  # its bare return value is nbgrader's partial credit, shown as the score
                    cell.outputs = [o for o in cell.outputs if not _is_number(o)]
            view = _cell_view(cell, lang, counters, awaiting)
            if view is not None:
                cell.metadata["hocso_feedback"] = view
                if view["anchor"]:
                    items.append(view)
        score, max_score = float(grading.get("score", 0.0)), float(grading.get("max_score", 0.0))
        penalty = float(grading.get("late_penalty", 0.0) or 0.0)
        waiting = sum(1 for item in items if item["awaiting"])
        resources["hocso"] = {
            "lang": lang,
            "title": t("feedback.page.title", lang, notebook=grading.get("notebook", "")),
            "score": t(
                "feedback.page.score", lang, score=number(score, lang), max_score=number(max_score, lang)
            ),
            "score_data": f"{score:g} / {max_score:g}",
            "contents": t("feedback.page.contents", lang),
            "top": t("feedback.page.top", lang),
            "comment": t("feedback.cell.comment", lang),
            "late_penalty": t("feedback.page.late_penalty", lang, points=number(penalty, lang))
            if penalty
            else "",
            "awaiting_total": t("feedback.page.awaiting_total", lang, count=waiting) if waiting else "",
            "items": items,
        }
        return nb, resources


def learner_outputs(outputs: list[Any], lang: LanguageCode) -> list[Any]:
    """A code cell's outputs for the learner: what it printed, never a traceback or stderr.

    A traceback quotes the failing line, which for a hidden test is the answer key; an assert's
    own message (written for learners) is kept, a bare assert becomes "this check did not pass".
    """
    kept: list[Any] = []
    widget = False
    for output in outputs:
        kind = output.get("output_type")
        if kind == "error":
            kept.append(new_output("stream", name="stdout", text=_error_text(output, lang) + "\n"))
        elif kind == "stream" and output.get("name") == "stderr":
            continue
        elif kind in ("display_data", "execute_result") and WIDGET_VIEW in output.get("data", {}):
            widget = True
        else:
            kept.append(output)
    if widget and not kept:
        kept.append(new_output("stream", name="stdout", text=t("feedback.cell.interactive", lang) + "\n"))
    return kept


def _is_check(cell: Any) -> bool:
    meta = cell.metadata.get("nbgrader", {})
    return bool(meta.get("grade")) and not meta.get("solution")


def _is_number(output: Any) -> bool:
    if output.get("output_type") != "execute_result" or set(output.get("data", {})) != {"text/plain"}:
        return False
    try:
        float(output["data"]["text/plain"])
    except (TypeError, ValueError):
        return False
    return True


def number(value: float, lang: LanguageCode) -> str:
    """2.5 as the learner writes it: `2,5` in Vietnamese, `2.5` in English; whole numbers bare."""
    text = f"{round(value, 2):g}"
    return text.replace(".", ",") if lang == "vi" else text


def _error_text(output: Any, lang: LanguageCode) -> str:
    name, message = output.get("ename", ""), str(output.get("evalue", "")).strip()
    if name in GRADER_STOPS and message:
        return "❌ " + message
    if name in GRADER_STOPS:
        return "❌ " + t("graders.autograde.timed_out", lang)
    if name == "AssertionError":
        return "❌ " + message if message else t("feedback.cell.check_failed", lang)
    return t("feedback.cell.check_error", lang, error=name or "?")


def _cell_view(
    cell: Any, lang: LanguageCode, counters: Counter[str], awaiting: set[str]
) -> dict[str, Any] | None:
    meta = cell.metadata.get("nbgrader", {})
    graded, task, solution = bool(meta.get("grade")), bool(meta.get("task")), bool(meta.get("solution"))
    if not (graded or task or solution):
        return None
    if task:
        kind = "task"
    elif graded and cell.cell_type == "markdown":
        kind = "written"
    elif graded and not solution:
        kind = "check"
    else:
        kind = "answer"
    counters[kind] += 1
    label = t(f"feedback.cell.{kind}", lang, number=counters[kind])
    grade_id = str(meta.get("grade_id", ""))
    waiting = grade_id in awaiting
    points = number(float(meta.get("points") or 0.0), lang)
    if not (graded or task):
        status = ""
    elif waiting:
        status = t("feedback.cell.awaiting", lang, max_score=points)
    else:
        status = t(
            "feedback.cell.points",
            lang,
            score=number(float(meta.get("score") or 0.0), lang),
            max_score=points,
        )
    return {
        "anchor": grade_id if (graded or task) else "",
        "label": label,
        "status": status,
        "awaiting": waiting,
        "comment": _comment(meta.get("comment") or "", lang),
    }


def _comment(comment: str, lang: LanguageCode) -> str:
    """A person's comment as written; nbgrader's own English one for an untouched answer, translated."""
    return t("feedback.cell.no_response", lang) if comment.strip() == NBGRADER_NO_RESPONSE else comment


def _awaiting_grades(grading: dict[str, Any]) -> set[str]:
    """Grade ids of this notebook that wait for a person: no manual score yet, and one is needed."""
    if not grading.get("db_url"):
        return set()
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(grading["db_url"]) as gradebook:
        try:
            notebook = gradebook.find_submission_notebook(
                grading["notebook"], grading["assignment"], grading["student"]
            )
        except MissingEntry:
            return set()
        return {g.name for g in notebook.grades if g.needs_manual_grade and g.manual_score is None}
