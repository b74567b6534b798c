"""`hocso check`: the course linter."""

from __future__ import annotations

import json
from pathlib import Path

import click

from hocso.cli.options import course_option, json_option
from hocso.config import load_course
from hocso.course_check import check_course


@click.command()
@course_option
@json_option
@click.option(
    "--run",
    is_flag=True,
    help="Also run each module's learner editions top to bottom in a real kernel, untouched, and report "
    "any error or stderr a learner would see (a few seconds per module).",
)
def check(course_path: Path | None, as_json: bool, run: bool) -> None:
    """Check the whole course before you release it.

    Finds every problem at once: broken or unreadable notebooks, missing module folders or notebooks,
    nbgrader mistakes (duplicate grade ids, unlocked test cells, missing solution markers, unbalanced
    hidden tests), competences that are not in the framework, text missing in Vietnamese or English,
    outputs left in committed notebooks, and a graded path that is not practice: code exercises, graded
    items without vi and en feedback, a rubric inside an answer cell, an answer key learners can read,
    spelling the course glossary does not use. Each line names the file and cell and how to fix it.

    Exits 0 when the course is clean and 1 when anything needs fixing.
    """
    course = load_course(course_path)
    problems = check_course(course)
    if run and not problems:  # a broken notebook would only fail again in the kernel
        from hocso.course_check.edition_run import run_editions

        language = course.info.default_language
        problems = run_editions(
            course, on_module=lambda module: click.echo(f"… {module.id}: {module.title(language)}", err=True)
        )
    if as_json:
        click.echo(
            json.dumps([problem.to_dict(course.root) for problem in problems], ensure_ascii=False, indent=2)
        )
    else:
        for problem in problems:
            click.echo(problem.render(course.root))
        if problems:
            noun = "problem" if len(problems) == 1 else "problems"
            click.secho(f"\n{len(problems)} {noun} found in {course.root}.", fg="red", err=True)
        else:
            click.secho(f"The course in {course.root} passed every check.", fg="green")
    if problems:
        raise click.exceptions.Exit(1)
