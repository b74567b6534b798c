"""Competence reports: the gradebook turned into answers for instructors, units and group leaders.

    scores.py     load_scores(): the gradebook as a tidy table, one row per learner x graded cell
    levels.py     the score-to-level rule, the per-learner competence profile, pre/post gain
    summary.py    build_report(): every table, narrowed to a unit, group or module
    plots.py      the figures (matplotlib -> SVG data URIs)
    html.py       the self-contained offline HTML page
    export.py     CSV, XLSX, HTML and PDF (Chromium) files; `hocso report` writes them
    dashboard.py  the instructor dashboard behind notebooks/apps/instructor_dashboard.ipynb
    synthetic.py  a reproducible synthetic course, roster and nbgrader gradebook (tests, bench, demos)

Errors: GradebookError (GradebookMissing), ReportFilterError, PdfConverterMissing, PdfConversionFailed,
all HocsoError, so the CLI prints one line.
"""

from __future__ import annotations

from hocso.reports.levels import LevelRule, competence_profile, pre_post_gain
from hocso.reports.scores import SCORE_COLUMNS, GradebookError, GradebookMissing, exercise_table, load_scores
from hocso.reports.summary import CompetenceReport, ReportFilterError, build_report

__all__ = [
    "SCORE_COLUMNS",
    "CompetenceReport",
    "GradebookError",
    "GradebookMissing",
    "LevelRule",
    "ReportFilterError",
    "build_report",
    "competence_profile",
    "exercise_table",
    "load_scores",
    "pre_post_gain",
]
