"""`ProgressPanel`: the learner's progress per competence, as bars a beginner reads at a glance.

Progress is a fraction (0..1) per competence code ("4.2"); names come from the course's framework
when a `Course` is given, so the panel speaks the Circular's words in vi and en.
"""

from __future__ import annotations

from collections.abc import Mapping

import ipywidgets as w
from hocso.widgets.look import TONES, Text, escape, frame, full_width, heading, localized, pick_language

from hocso.config.models import Course
from hocso.i18n import t

DONE_AT = 0.8  # share of a competence's points that counts as "done" on the panel
STARTED_AT = 0.4


class ProgressPanel(w.VBox):
    """Bars per competence; `update()` changes one, `value` is the current {code: fraction}."""

    def __init__(
        self,
        progress: Mapping[str, float],
        *,
        course: Course | None = None,
        names: Mapping[str, Text] | None = None,
        language: str | None = None,
    ) -> None:
        self.lang = pick_language(language)
        self._progress: dict[str, float] = {}
        self.names: dict[str, Text] = dict(names or {})
        if course is not None:
            for domain in course.framework.domains:
                for competence in domain.competences:
                    self.names.setdefault(competence.code, competence.name.model_dump())
        self.title = w.HTML(heading(t("widgets.progress.title", self.lang)))
        self.rows = w.HTML(layout=full_width())
        super().__init__([self.title, self.rows], **frame())
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
        if not self._progress:
            self.rows.value = escape(t("widgets.progress.empty", self.lang))
            return
        tones = {"done": "good", "started": "warn", "not_started": "bad"}
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


def _clamp(fraction: float) -> float:
    return min(1.0, max(0.0, float(fraction)))


def _code_order(code: str) -> tuple:
    return tuple(int(part) if part.isdigit() else part for part in code.split("."))
