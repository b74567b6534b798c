"""The instructor dashboard: the competence report as widgets, filtered by unit, group and module.

The Voila app `notebooks/apps/instructor_dashboard.ipynb` is one line around `InstructorDashboard`;
everything testable lives here. Widgets only carry HTML strings (plots as SVG data URIs), so a test
can read what a viewer sees from `.content.value` without a browser.

Where the data comes from: $HOCSO_GRADEBOOK_URL (else the course's gradebook) and $HOCSO_ROSTER (else
roster.csv beside the gradebook). Missing either, the dashboard says so and how to fix it, and its
Refresh button checks again, so an instructor can leave it open while the first grades arrive.
"""

from __future__ import annotations

import html
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import ipywidgets as widgets
import pandas as pd

from hocso.config import Course, LanguageCode, gradebook_url, load_course
from hocso.errors import HocsoError
from hocso.i18n import current_language, t
from hocso.reports import plots
from hocso.reports.html import localized_table
from hocso.reports.scores import GradebookMissing, load_scores
from hocso.reports.summary import CompetenceReport, build_report
from hocso.roster import Roster, default_roster_path, load_roster

__all__ = ["GRADEBOOK_ENV", "ROSTER_ENV", "DashboardSources", "InstructorDashboard"]

GRADEBOOK_ENV = "HOCSO_GRADEBOOK_URL"
ROSTER_ENV = "HOCSO_ROSTER"
ALL = ""  # the dropdown value meaning "no filter"
TABLE_ROWS = 50


@dataclass(frozen=True)
class DashboardSources:
    course: Course
    gradebook_url: str
    roster_path: Path

    @classmethod
    def from_environment(cls, course: Course | None = None) -> DashboardSources:
        course = course or load_course()
        url = os.environ.get(GRADEBOOK_ENV) or gradebook_url(course)
        roster = Path(os.environ[ROSTER_ENV]) if os.environ.get(ROSTER_ENV) else default_roster_path(course)
        return cls(course, url, roster)


class InstructorDashboard(widgets.VBox):
    """Filters on top, the report below; `refresh()` re-reads the gradebook and roster.

    The app notebook carries the title (in its vi/en markdown pair), so the widget starts with the filters.
    """

    def __init__(self, sources: DashboardSources, language: LanguageCode | None = None) -> None:
        self.sources = sources
        self.language = language or current_language()
        lang = self.language
        self.unit = widgets.Dropdown(
            description=t("reports.dashboard.unit", lang), options=[(t("reports.dashboard.all", lang), ALL)]
        )
        self.group = widgets.Dropdown(
            description=t("reports.dashboard.group", lang), options=[(t("reports.dashboard.all", lang), ALL)]
        )
        modules = [(f"{m.id} · {m.title(lang)}", m.id) for m in sources.course.modules]
        self.module = widgets.Dropdown(
            description=t("reports.dashboard.module", lang),
            options=[(t("reports.dashboard.all", lang), ALL), *modules],
        )
        self.refresh_button = widgets.Button(
            description=t("reports.dashboard.refresh", lang), icon="refresh", layout={"width": "auto"}
        )
        self.status = widgets.HTML()
        self.content = widgets.HTML()
        self._scores: pd.DataFrame | None = None
        self._roster: Roster | None = None
        self.report: CompetenceReport | None = None
        self._checks = 0
        filters = widgets.HBox(
            [self.unit, self.group, self.module, self.refresh_button], layout={"flex_flow": "row wrap"}
        )
        super().__init__([filters, self.status, self.content])
        self.refresh_button.on_click(lambda _: self.refresh())
        for dropdown in (self.unit, self.group, self.module):
            dropdown.observe(lambda _: self.render(), names="value")
        self.refresh()

    @classmethod
    def from_environment(cls, language: LanguageCode | None = None) -> widgets.Widget:
        """The dashboard for the course around the working directory; without one, a message and a retry button."""
        try:
            sources = DashboardSources.from_environment()
        except HocsoError as error:
            return _course_missing(error, language or current_language())
        return cls(sources, language)

    def refresh(self) -> None:
        """Read the gradebook and roster again, then redraw with the current filters."""
        lang = self.language
        self._checks += 1  # shown, so every click visibly does something even within the same second
        checked = t(
            "reports.dashboard.checked", lang, when=datetime.now().strftime("%H:%M:%S"), count=self._checks
        )
        try:
            self._scores = load_scores(self.sources.course, self.sources.gradebook_url)
        except GradebookMissing:
            self._fail(t("reports.dashboard.no_gradebook", lang, where=self.sources.gradebook_url), checked)
            return
        except HocsoError as error:
            self._fail(error.message, checked)
            return
        if not self.sources.roster_path.is_file():
            self._fail(t("reports.dashboard.no_roster", lang, where=self.sources.roster_path), checked)
            return
        try:
            self._roster = load_roster(self.sources.roster_path, self.sources.course)
        except HocsoError as error:
            self._fail(error.message, checked)
            return
        self._set_options(self.unit, [(u, u) for u in self._roster.units])
        groups = self.sources.course.framework.groups
        self._set_options(self.group, [(g.name(lang), g.id) for g in groups if g.id in self._roster.groups])
        self.status.value = f"<p style='color:#555'>{_e(checked)}</p>"
        self.render()

    def render(self) -> None:
        if self._scores is None or self._roster is None:
            return
        lang = self.language
        try:
            self.report = build_report(
                self.sources.course,
                self._scores,
                self._roster,
                unit=self.unit.value or None,
                group=self.group.value or None,
                module=self.module.value or None,
            )
        except HocsoError as error:
            self.content.value = f"<p>{_e(error.message)}</p>"
            return
        if self.report.profile.empty:
            self.content.value = f"<p>{_e(t('reports.dashboard.no_learners', lang))}</p>"
            return
        self.content.value = _report_html(self.report, lang)

    def _fail(self, message: str, checked: str) -> None:
        self._scores = None
        self.report = None
        self.status.value = f"<p style='color:#555'>{_e(checked)}</p>"
        self.content.value = f"<p class='hocso-dashboard-message' style='font-size:1.1em'>⚠ {_e(message)}</p>"

    @staticmethod
    def _set_options(dropdown: widgets.Dropdown, options: list[tuple[str, str]]) -> None:
        current = dropdown.value
        all_option = dropdown.options[0]
        dropdown.options = [all_option, *options]
        dropdown.value = current if current in {value for _, value in options} else ALL


def _course_missing(error: HocsoError, lang: LanguageCode) -> widgets.Widget:
    message = widgets.HTML(f"<p>⚠ {_e(t('reports.dashboard.no_course', lang, reason=error.message))}</p>")
    retry = widgets.Button(description=t("reports.dashboard.refresh", lang), icon="refresh")
    box = widgets.VBox([widgets.HTML(f"<h2>{_e(t('reports.dashboard.title', lang))}</h2>"), retry, message])

    def again(_: object) -> None:
        try:
            box.children = [InstructorDashboard(DashboardSources.from_environment(), lang)]
        except HocsoError as problem:
            stamp = datetime.now().strftime("%H:%M:%S.%f")[:-3]
            message.value = (
                f"<p>⚠ {_e(t('reports.dashboard.no_course', lang, reason=problem.message))} ({stamp})</p>"
            )

    retry.on_click(again)
    return box


def _report_html(report: CompetenceReport, lang: LanguageCode) -> str:
    profile = report.profile
    below = int(profile.loc[profile["below_target"].astype(bool), "learner_id"].nunique())
    summary = t(
        "reports.html.overview_text",
        lang,
        learners=len(report.learners),
        units=report.learners["unit"].nunique(),
        competences=profile["competence"].nunique(),
        below=below,
    )
    names = {g.id: g.name(lang) for g in report.course.framework.groups}
    parts = [f"<p class='hocso-dashboard-summary'>{_e(summary)}</p>"]
    figures = [
        (
            "levels_heading",
            plots.level_distribution_chart(profile, lang),
            plots.levels_caption(profile, lang),
        ),
        (
            "below_heading",
            plots.below_target_heatmap(report.by_group, lang, names),
            plots.below_target_caption(report.by_group, lang, names),
        ),
    ]
    if report.learners["unit"].nunique() > 1:
        figures.append(
            (
                "heatmap_heading",
                plots.unit_score_heatmap(report.by_unit, lang),
                plots.unit_score_caption(report.by_unit, lang),
            )
        )
    if (report.exercises["attempts"] > 0).any():
        figures.append(
            (
                "exercises_heading",
                plots.hardest_exercises_chart(report.exercises, lang, count=8),
                plots.exercises_caption(report.exercises, lang, report.course.info.pass_mark),
            )
        )
    if not report.gains.empty:
        figures.append(
            ("gain_heading", plots.gain_histogram(report.gains, lang), plots.gain_caption(report.gains, lang))
        )
    if not report.gains_by_competence.empty:
        table = report.gains_by_competence
        figures.append(
            (
                "gain_competence_heading",
                plots.gain_by_competence_chart(table, lang),
                plots.gain_competence_caption(table, report.gains, lang),
            )
        )
    for key, figure, caption in figures:  # each plot says in words what it shows
        heading = _e(t(f"reports.html.{key}", lang))
        parts.append(
            f"<h3>{heading}</h3><img alt='{_e(caption) or heading}' style='max-width:100%' "
            f"src='{plots.data_uri(figure)}'><p>{_e(caption)}</p>"
        )
    below_rows = report.below_target.sort_values("gap", ascending=False).head(TABLE_ROWS)
    below_html = localized_table(below_rows.round(2), lang).to_html(index=False, border=0)
    parts.append(f"<h3>{_e(t('reports.html.below_table', lang))}</h3>{below_html}")
    if len(report.below_target) > TABLE_ROWS:
        note = t("reports.html.truncated", lang, shown=TABLE_ROWS, total=len(report.below_target))
        parts.append(f"<p style='color:#555'>{_e(note)}</p>")
    return "\n".join(parts)


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)
