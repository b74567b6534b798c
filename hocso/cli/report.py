"""`hocso report`: competence reports from the gradebook, for instructors and units."""

from __future__ import annotations

from pathlib import Path

import click

from hocso.cli.options import (
    course_option,
    format_option,
    gradebook_option,
    group_option,
    language_option,
    out_option,
    roster_option,
    unit_option,
)
from hocso.config import LanguageCode, gradebook_url, load_course
from hocso.i18n import t
from hocso.reports.export import FORMATS, Format, write_report
from hocso.reports.scores import load_scores
from hocso.reports.summary import build_report
from hocso.roster import RosterError, default_roster_path, load_roster


@click.command()
@course_option
@roster_option("Columns: learner_id, name, group, unit.")
@gradebook_option
@unit_option()
@group_option("Only learners of this group (leaders, staff, technical, soldiers, citizens).")
@click.option("--module", default=None, help="Only the exercises of this module (e.g. m04).")
@click.option(
    "--modules",
    default=None,
    help="Count these modules, comma-separated (e.g. m04,m06); default: those with submissions so far.",
)
@format_option(
    FORMATS,
    "html",
    "html: one offline file with plots; csv: a folder of tables; xlsx: one workbook; pdf: the HTML "
    "printed by headless Chromium ($HOCSO_CHROMIUM or chromium on PATH; without it the command stops and "
    "says so, and you can print the HTML from any browser).",
)
@out_option(
    None,
    "Where to write (default: competence-report.html/.xlsx/.pdf, or the folder competence-report/ for csv).",
)
@language_option("the report")
def report(
    course_path: Path | None,
    roster_path: Path | None,
    gradebook: str | None,
    unit: str | None,
    group: str | None,
    module: str | None,
    modules: str | None,
    format_: Format,
    out: Path | None,
    language: LanguageCode | None,
) -> None:
    """Write a competence report: where each learner, unit and group stands against the framework.

    For every rostered learner: score and level reached per competence against their group's target
    level. Per unit and per group: the spread of scores per competence and how many are below target.
    Also the exercises failed most and, when the course has a pre-test and a post-test, each learner's
    gain. A module shows its target level for a group when the learner scores at least the course's
    pass mark on it, one level less from half the pass mark, nothing below that.

    Only the modules given so far count (those with submissions, or --modules); answers awaiting an
    instructor's grading count neither as 0 nor in the maximum. The target is the framework's; a
    learner is below it when under what the counted modules asked for, and what they did not ask for
    yet is shown as "not yet assessed up to the target".

    \b
    Examples:
        hocso report --roster roster.csv
        hocso report --unit "Đại đội 1" --format xlsx --out dd1.xlsx
        hocso report --group citizens --format pdf --language en
        hocso report --modules m04,m06
    """
    course = load_course(course_path)
    lang = language or course.info.default_language
    path = roster_path or default_roster_path(course)
    if roster_path is None and not path.is_file():
        raise RosterError(t("reports.cli.no_roster", lang, path=path))
    roster = load_roster(path, course)
    url = gradebook or gradebook_url(course)
    scores = load_scores(course, url)
    chosen = [m.strip() for m in modules.split(",") if m.strip()] if modules else None
    result = build_report(course, scores, roster, unit=unit, group=group, module=module, modules=chosen)
    target = out or Path("competence-report" if format_ == "csv" else f"competence-report.{format_}")
    written = write_report(result, format_, target, lang, gradebook=url)
    click.echo(t("reports.cli.written", lang, path=written))
