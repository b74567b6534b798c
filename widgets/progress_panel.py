"""`ProgressPanel`: the learner's progress per competence, as bars a beginner reads at a glance.

`ProgressPanel()` reads the learner's real progress, never numbers typed into a notebook: in the
learner's workspace (found from the kernel's folder), the widget answers saved for each module
(how many questions are answered) and the grades nbgrader returned with feedback (`feedback/` in a
module's folder, where `nbgrader fetch_feedback` puts it). A graded module fills the bars of its
competences with its score; an answered, ungraded one is listed as answered. Passing a
{code: fraction} mapping still draws those bars (apps and tests). Names come from the framework
when a `Course` is given (or found through `HOCSO_COURSE`), so the panel speaks the Circular's words.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import ipywidgets as w

from hocso.config.models import Course, LanguageCode
from hocso.i18n import t
from hocso.lab.manifest import find_workspace, read_modules
from hocso.widgets.answers import SUFFIX, saved_answers
from hocso.widgets.look import TONES, Text, Tone, escape, frame, full_width, heading, localized, pick_language

DONE_AT = 0.8  # share of a competence's points that counts as "done" on the panel
STARTED_AT = 0.4
#: the score of a feedback page: hocso's `<template id="hocso-score">7 / 12</template>` (machine-read,
#: never shown), or the heading of nbgrader's own template, "<notebook> (Score: 7.0 / 12.0)"
FEEDBACK_SCORE = re.compile(r'(?:<template id="hocso-score">|\(Score:)\s*([\d.]+)\s*/\s*([\d.]+)')


@dataclass(frozen=True)
class ModuleProgress:
    """What the learner really did in one module."""

    module_id: str
    folder: str
    answered: int
    score: float | None = None
    max_score: float | None = None

    @property
    def fraction(self) -> float | None:
        if self.score is None or not self.max_score:
            return None
        return self.score / self.max_score


def learner_progress(workspace: Path) -> list[ModuleProgress]:
    """Answers saved and grades returned per module of a learner's workspace, in folder order."""
    found = []
    for folder, module_id in sorted(read_modules(workspace).items()):
        directory = workspace / folder
        answered = sum(len(saved_answers(path)) for path in directory.glob(f"*{SUFFIX}"))
        score = max_score = None
        pages = sorted(directory.glob("feedback/*/*.html"))
        if pages:  # the newest returned feedback; one page per notebook
            newest = pages[-1].parent
            scores = [_feedback_score(page) for page in newest.glob("*.html")]
            if all(s is not None for s in scores):
                score = sum(s[0] for s in scores if s)
                max_score = sum(s[1] for s in scores if s)
        found.append(ModuleProgress(module_id, folder, answered, score, max_score))
    return found


def _feedback_score(page: Path) -> tuple[float, float] | None:
    try:
        match = FEEDBACK_SCORE.search(page.read_text(encoding="utf-8", errors="replace"))
    except OSError:
        return None
    return (float(match[1]), float(match[2])) if match else None


class ProgressPanel(w.VBox):
    """Bars per competence; `update()` changes one, `value` is the current {code: fraction}."""

    def __init__(
        self,
        progress: Mapping[str, float] | None = None,
        *,
        course: Course | None = None,
        names: Mapping[str, Text] | None = None,
        language: LanguageCode | None = None,
        workspace: str | os.PathLike[str] | None = None,
    ) -> None:
        self.lang = pick_language(language)
        self._progress: dict[str, float] = {}
        self.modules: list[ModuleProgress] = []
        self.names: dict[str, Text] = dict(names or {})
        self._reading = progress is None
        if progress is None:
            course = course or _course_from_environment()
            root = Path(workspace) if workspace is not None else find_workspace(Path.cwd())
            self.modules = learner_progress(root) if root is not None else []
            progress = _competence_fractions(self.modules, course)
        if course is not None:
            for domain in course.framework.domains:
                for competence in domain.competences:
                    self.names.setdefault(competence.code, competence.name.model_dump())
        self.title = w.HTML(heading(t("widgets.progress.title", self.lang)))
        self.rows = w.HTML(layout=full_width())
        self.details = w.HTML(layout=full_width())
        super().__init__([self.title, self.rows, self.details], **frame())
        for code, fraction in progress.items():
            self._progress[code] = _clamp(fraction)
        self._render()

    @property
    def value(self) -> dict[str, float]:
        return dict(self._progress)

    def update(self, code: str, fraction: float) -> None:
        self._progress[code] = _clamp(fraction)
        self._render()

    def status(self, code: str) -> str:
        """ "done", "started" or "not_started" for a competence (what the icon and colour show)."""
        fraction = self._progress.get(code, 0.0)
        return "done" if fraction >= DONE_AT else "started" if fraction >= STARTED_AT else "not_started"

    def _render(self) -> None:
        self.details.value = self._module_lines()
        if not self._progress:
            empty = (
                "lab.progress.nothing"
                if self._reading and not self.details.value
                else "widgets.progress.empty"
            )
            self.rows.value = escape(t(empty, self.lang))
            return
        tones: dict[str, Tone] = {"done": "good", "started": "warn", "not_started": "bad"}
        lines = []
        for code in sorted(self._progress, key=_code_order):
            fraction = self._progress[code]
            status = self.status(code)
            colour, background, icon = TONES[tones[status]]
            name = localized(self.names[code], self.lang) if code in self.names else ""
            lines.append(
                '<div style="margin:6px 0;font-size:1.1em">'
                f"<div><b>{escape(code)}</b> {escape(name)} — {icon} "
                f"{escape(t(f'widgets.progress.{status}', self.lang))} ({round(fraction * 100)}%)</div>"
                f'<div style="background:{background};border:1px solid {colour};border-radius:6px;height:14px">'
                f'<div style="width:{fraction * 100:.0f}%;height:100%;background:{colour};border-radius:5px">'
                "</div></div></div>"
            )
        self.rows.value = "".join(lines)

    def _module_lines(self) -> str:
        lines = []
        for module in self.modules:
            if not module.answered and module.score is None:
                continue
            parts = [t("lab.progress.answered", self.lang, answered=module.answered, module=module.folder)]
            if module.score is not None:
                parts.append(
                    t(
                        "lab.progress.graded",
                        self.lang,
                        score=f"{module.score:g}",
                        max=f"{module.max_score:g}",
                    )
                )
                parts.append(t("lab.progress.feedback", self.lang))
            lines.append(f'<div style="margin:4px 0">• {escape(" · ".join(parts))}</div>')
        return "".join(lines)


def _competence_fractions(modules: list[ModuleProgress], course: Course | None) -> dict[str, float]:
    """Each graded module's score share, averaged over the graded modules of each competence."""
    if course is None:
        return {}
    shares: dict[str, list[float]] = {}
    known = {m.id: m for m in course.modules}
    for module in modules:
        if module.fraction is None or module.module_id not in known:
            continue
        for code in known[module.module_id].competences:
            shares.setdefault(code, []).append(module.fraction)
    return {code: sum(values) / len(values) for code, values in shares.items()}


def _course_from_environment() -> Course | None:
    if not os.environ.get("HOCSO_COURSE"):
        return None
    from hocso.config import load_course
    from hocso.errors import HocsoError

    try:
        return load_course(os.environ["HOCSO_COURSE"])
    except HocsoError:
        return None


def _clamp(fraction: float) -> float:
    return min(1.0, max(0.0, float(fraction)))


def _code_order(code: str) -> tuple:
    return tuple(int(part) if part.isdigit() else part for part in code.split("."))
