"""The report as one self-contained HTML file: inline CSS, plots as data URIs, no script, no network.

It must open on an offline laptop in a unit's office and print cleanly (the PDF is this page printed
by Chromium), so everything lives in the one file and nothing runs.
"""

from __future__ import annotations

import html
import math
import numbers
from datetime import datetime

import pandas as pd

from hocso.config import LanguageCode
from hocso.i18n import t
from hocso.reports import plots
from hocso.reports.summary import CompetenceReport

__all__ = ["column_label", "localized_table", "render_html"]

PERCENT_COLUMNS = {"score", "mean_score", "q1_score", "median_score", "q3_score", "below_target_share"}
PERCENT_COLUMNS |= {"fail_rate", "pre", "post", "gain"}
HTML_ROW_LIMIT = 500  # a page with 10,000 rows is unreadable; exports carry the full lists

CSS = """
body { font-family: "Noto Sans", "Segoe UI", Roboto, Arial, sans-serif; margin: 2rem auto; max-width: 70rem;
       color: #222; line-height: 1.45; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; } h2 { font-size: 1.25rem; margin-top: 2rem;
     border-bottom: 2px solid #2980b9; padding-bottom: .2rem; }
.meta { color: #666; font-size: .9rem; } .note { background: #f4f8fb; padding: .6rem .9rem; border-left: 4px solid #2980b9; }
figure { margin: 1rem 0; } figure img { max-width: 100%; height: auto; }
table { border-collapse: collapse; font-size: .82rem; margin: .6rem 0; }
th, td { border: 1px solid #ddd; padding: .2rem .45rem; text-align: right; }
th { background: #eef3f7; } td:nth-child(-n+4) { text-align: left; }
@media print { body { margin: 0; max-width: none; } h2 { break-after: avoid; } figure, tr { break-inside: avoid; } }
"""


def column_label(column: str, language: LanguageCode) -> str:
    try:
        return t(f"reports.columns.{column}", language)
    except KeyError:
        return column


def localized_table(frame: pd.DataFrame, language: LanguageCode) -> pd.DataFrame:
    """The same numbers with column headers in the report's language (exports and HTML share it)."""
    return frame.rename(columns={c: column_label(c, language) for c in frame.columns})


def render_html(report: CompetenceReport, language: LanguageCode, gradebook: str = "") -> str:
    course = report.course
    lang = language
    sections = [
        f"<h1>{_e(t('reports.html.title', lang, course=course.info.title(lang)))}</h1>",
        f"<p class='meta'>{_e(t('reports.html.generated', lang, when=datetime.now().strftime('%Y-%m-%d %H:%M'), gradebook=gradebook))}<br>"
        f"{_e(t('reports.html.scope', lang, scope=_scope(report, lang)))}</p>",
        _overview(report, lang),
    ]
    profile = report.profile
    names = _group_names(report, lang)
    if not profile.empty:
        sections += [
            _figure(
                "heatmap_heading",
                plots.unit_score_heatmap(report.by_unit, lang),
                plots.unit_score_caption(report.by_unit, lang),
                lang,
            ),
            _figure(
                "below_heading",
                plots.below_target_heatmap(report.by_group, lang, names),
                plots.below_target_caption(report.by_group, lang, names),
                lang,
            ),
            _figure(
                "levels_heading",
                plots.level_distribution_chart(profile, lang),
                plots.levels_caption(profile, lang),
                lang,
            ),
        ]
        sections.append(_not_yet_assessed(report, lang))
    if not report.exercises.empty:
        caption = plots.exercises_caption(report.exercises, lang, course.info.pass_mark)
        if (report.exercises["attempts"] > 0).any():
            sections.append(
                _figure(
                    "exercises_heading", plots.hardest_exercises_chart(report.exercises, lang), caption, lang
                )
            )
        else:
            sections.append(f"<h2>{_e(t('reports.html.exercises_heading', lang))}</h2><p>{_e(caption)}</p>")
        sections.append(_table(_exercises_shown(report.exercises.head(20), lang), lang))
    sections.append(_gains(report, lang))
    sections.append(_placement(report, lang))
    sections += [
        f"<h2>{_e(t('reports.html.group_table', lang))}</h2>",
        _table(report.by_group, lang),
        f"<h2>{_e(t('reports.html.unit_table', lang))}</h2>",
        _table(report.by_unit, lang),
        f"<h2>{_e(t('reports.html.below_table', lang))}</h2>",
        _table(report.below_target, lang),
        f"<h2>{_e(t('reports.html.learners_table', lang))}</h2>",
        _table(report.learners, lang),
    ]
    title = _e(t("reports.html.title", lang, course=course.info.title(lang)))
    body = "\n".join(sections)
    return (
        f"<!DOCTYPE html>\n<html lang='{lang}'>\n<head>\n<meta charset='utf-8'>\n"
        f"<meta name='viewport' content='width=device-width, initial-scale=1'>\n<title>{title}</title>\n"
        f"<style>{CSS}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n"
    )


def _overview(report: CompetenceReport, lang: LanguageCode) -> str:
    profile = report.profile
    below = int(profile.loc[profile["below_target"], "learner_id"].nunique()) if not profile.empty else 0
    text = t(
        "reports.html.overview_text",
        lang,
        learners=len(report.learners),
        units=report.learners["unit"].nunique(),
        competences=profile["competence"].nunique() if not profile.empty else 0,
        below=below,
    )
    parts = [f"<h2>{_e(t('reports.html.overview', lang))}</h2>", f"<p>{_e(text)}</p>"]
    waiting = report.learners["awaiting_points"]
    if waiting.sum() > 0:
        note = t(
            "reports.html.awaiting_note",
            lang,
            learners=int((waiting > 0).sum()),
            points=f"{waiting.sum():g}",
        )
        parts.append(f"<p class='note'>{_e(note)}</p>")
    if report.not_on_roster:
        parts.append(
            f"<p class='note'>{_e(t('reports.html.not_on_roster', lang, count=report.not_on_roster))}</p>"
        )
    pass_mark = report.course.info.pass_mark
    rule = t(
        "reports.html.rule_text", lang, pass_mark=round(pass_mark * 100), half_mark=round(pass_mark * 50)
    )
    parts += [
        f"<h2>{_e(t('reports.html.rule_heading', lang))}</h2>",
        f"<p class='note'>{_e(rule)}</p>",
        f"<p class='note'>{_e(t('reports.html.target_rule', lang))}</p>",
    ]
    names = report.course.framework.competences
    assessed = sorted(profile["competence"].unique()) if not profile.empty else []
    if assessed:
        items = "".join(
            f"<li><b>{_e(c)}</b> {_e(names[c].name(lang)) if c in names else ''}</li>" for c in assessed
        )
        parts.append(f"<ul>{items}</ul>")
    return "\n".join(parts)


def _gains(report: CompetenceReport, lang: LanguageCode) -> str:
    heading = f"<h2>{_e(t('reports.html.gain_heading', lang))}</h2>"
    gains = report.gains
    if gains.empty:
        return f"{heading}<p>{_e(t('reports.html.gain_none', lang))}</p>"
    text = plots.gain_caption(gains, lang)
    figure = plots.data_uri(plots.gain_histogram(gains, lang))
    parts = [
        f"{heading}<p>{_e(text)}</p><figure><img alt='{_e(t('reports.html.gain_heading', lang))}' src='{figure}'></figure>"
    ]
    table = report.gains_by_competence
    if not table.empty:
        caption = plots.gain_competence_caption(table, gains, lang)
        parts.append(
            _figure("gain_competence_heading", plots.gain_by_competence_chart(table, lang), caption, lang)
        )
        parts += [f"<h3>{_e(t('reports.html.gain_unit_table', lang))}</h3>", _table(table, lang)]
    return "\n".join(parts)


def _placement(report: CompetenceReport, lang: LanguageCode) -> str:
    """Where each learner who took the placement test stands per domain, and where to start."""
    table = report.placement
    if table.empty:
        return ""
    text = t("reports.html.placement_text", lang, count=table["learner_id"].nunique())
    return f"<h2>{_e(t('reports.html.placement_heading', lang))}</h2><p>{_e(text)}</p>" + _table(table, lang)


def _figure(heading_key: str, figure: object, caption: str, lang: LanguageCode) -> str:
    """A plot under its heading, with what it shows in words (as its caption and its alt text)."""
    heading = t(f"reports.html.{heading_key}", lang)
    image = f"<img alt='{_e(caption)}' src='{plots.data_uri(figure)}'>"  # type: ignore[arg-type]
    return f"<h2>{_e(heading)}</h2><figure>{image}<figcaption>{_e(caption)}</figcaption></figure>"


def _not_yet_assessed(report: CompetenceReport, lang: LanguageCode) -> str:
    """Group x competence where the counted modules ask for less than the framework's target."""
    profile = report.profile
    short = profile.loc[
        ~profile["target_assessed"].astype(bool), ["group", "competence", "assessed_to", "target"]
    ]
    if short.empty:
        return ""
    table = short.drop_duplicates().sort_values(["group", "competence"], ignore_index=True)
    names = _group_names(report, lang)
    table["group"] = table["group"].map(lambda g: names.get(str(g), str(g)))
    return (
        f"<h2>{_e(t('reports.html.not_assessed_heading', lang))}</h2>"
        f"<p>{_e(t('reports.html.not_assessed_text', lang))}</p>" + _table(table, lang)
    )


def _exercises_shown(exercises: pd.DataFrame, lang: LanguageCode) -> pd.DataFrame:
    """The exercise table with "awaiting grading" where a cell has no result yet (not an empty 0)."""
    shown = exercises.copy()
    waiting = shown["attempts"] == 0
    for column in ("mean_score", "fail_rate"):
        shown[column] = shown[column].astype(object).where(~waiting, t("reports.html.awaiting", lang))
    return shown


def _table(frame: pd.DataFrame, lang: LanguageCode) -> str:
    if frame.empty:
        return f"<p>{_e(t('reports.html.empty', lang))}</p>"
    shown = frame.head(HTML_ROW_LIMIT)
    formatters = {c: _percent for c in shown.columns if c in PERCENT_COLUMNS}
    # a learner's below_target is yes/no; a group's or unit's is a count of learners, shown as a number
    formatters |= {c: _yes_no for c in shown.columns if c == "below_target" and shown[c].dtype == bool}
    formatters |= {c: _check for c in shown.columns if c in ("target_assessed", "at_target")}
    formatted = shown.copy()
    for column, formatter in formatters.items():
        formatted[column] = shown[column].map(formatter)
    for column in formatted.columns:
        if formatted[column].dtype.kind == "f":
            formatted[column] = formatted[column].map(lambda v: "" if pd.isna(v) else f"{v:g}")
    table = localized_table(formatted, lang).to_html(index=False, border=0, escape=True, na_rep="")
    note = ""
    if len(frame) > HTML_ROW_LIMIT:
        note = f"<p class='meta'>{_e(t('reports.html.truncated', lang, shown=HTML_ROW_LIMIT, total=len(frame)))}</p>"
    return table + note


def _percent(value: object) -> str:
    if isinstance(value, str):  # already words ("awaiting grading")
        return value
    if not isinstance(value, numbers.Real) or math.isnan(value):  # NaN, None, pd.NA: no result yet
        return ""
    return f"{float(value):.0%}"


def _yes_no(value: object) -> str:
    return "✗" if value else "✓"


def _check(value: object) -> str:
    return "✓" if value else "✗"


def _scope(report: CompetenceReport, lang: LanguageCode) -> str:
    parts = []
    if report.unit:
        parts.append(t("reports.html.scope_unit", lang, unit=report.unit))
    if report.group:
        group = report.course.framework.group(report.group).name(lang)
        parts.append(t("reports.html.scope_group", lang, group=group))
    if report.module:
        parts.append(
            t("reports.html.scope_module", lang, module=report.course.module(report.module).title(lang))
        )
    scope = ", ".join(parts) or t("reports.html.scope_all", lang)
    if not report.modules:
        return f"{scope}. {t('reports.html.scope_none', lang)}"
    counted = t(
        "reports.html.scope_modules",
        lang,
        modules=", ".join(report.modules),
        count=len(report.modules),
        total=len(report.course.modules),
    )
    return f"{scope}. {counted}"


def _group_names(report: CompetenceReport, lang: LanguageCode) -> dict[str, str]:
    return {group.id: group.name(lang) for group in report.course.framework.groups}


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)
