"""`hocso grade`: release, collect, autograde, feedback and export around nbgrader's gradebook."""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, get_args

import click

from hocso.cli.options import (
    Decorator,
    course_option,
    group_option,
    json_option,
    language_option,
    no_browser_option,
    out_option,
    port_option,
    roster_option,
    setting_option,
)
from hocso.config import Course, EngineName, GradingSettings, LanguageCode, load_course
from hocso.errors import HocsoError
from hocso.graders.sandbox import Limits
from hocso.i18n import LANGUAGE_ENV, normalize_language, t

if TYPE_CHECKING:
    from hocso.roster import Roster


def _course(course_path: Path | None) -> Course:
    """The course; its default language becomes this command's unless $HOCSO_LANG says otherwise."""
    course = load_course(course_path)
    if chosen := os.environ.get(LANGUAGE_ENV):
        try:
            normalize_language(chosen)
        except ValueError as error:
            raise HocsoError(f"{LANGUAGE_ENV}={chosen!r}: {error}") from None
    else:  # through the environment: grading workers and zygotes inherit it
        os.environ[LANGUAGE_ENV] = course.info.default_language
        click.get_current_context().call_on_close(lambda: os.environ.pop(LANGUAGE_ENV, None))
    return course


def limit_option(field: str, text: str) -> Decorator:
    """--cell-timeout, --memory-mb, ...: one of `Limits`' fields, with its default."""
    default = getattr(Limits(), field)
    kind = click.FloatRange(min=0, min_open=True) if isinstance(default, float) else click.IntRange(min=1)
    name = "--" + field.replace("_", "-")
    return click.option(name, field, type=kind, default=default, show_default=True, help=text)


@click.group()
def grade() -> None:
    """Grade a module: release, collect, autograde, feedback, export (nbgrader-compatible)."""


@grade.command()
@click.argument("module")
@language_option("the edition released; grading is identical", "every language")
@group_option(
    "Release the edition of one learner group (leaders, staff, technical, soldiers, citizens): "
    "exercises above the group's target level are left out; reports count the same ones."
)
@course_option
def release(module: str, language: LanguageCode | None, group: str | None, course_path: Path | None) -> None:
    """Generate MODULE with nbgrader and release it to the runtime course folder."""
    from hocso.graders.release import release_module

    path = release_module(_course(course_path), module, language, group)
    click.echo(t("graders.release.done", module=module, path=path))


def _roster(course: Course, roster: Path | None) -> Roster | None:
    """The roster given, else the course's default one when it exists, else None (ids only)."""
    from hocso.roster import default_roster_path, load_roster

    path = roster or default_roster_path(course)
    return load_roster(path, course) if roster is not None or path.is_file() else None


@grade.command()
@click.argument("module")
@click.option(
    "--from",
    "source",
    default=None,
    type=click.Path(path_type=Path),
    help="LMS download folder or zip: Moodle, Canvas, Google Classroom, Microsoft Teams or plain "
    "<learner>/<notebook> (default: the learners' submissions in nbgrader's exchange).",
)
@roster_option("Files are matched to learners by id, e-mail or full name; without a roster, by id.")
@course_option
def collect(module: str, source: Path | None, roster_path: Path | None, course_path: Path | None) -> None:
    """Copy learners' submissions of MODULE into submitted/: from nbgrader's exchange (what learners
    sent with the lab's Submit button, newest per learner, widget answers included), or with --from
    from an LMS folder or zip (originals untouched, newest copy per learner, answers files with
    their notebooks, other modules' notebooks reported)."""
    from hocso.graders.collect import collect_from_exchange, collect_submissions

    course = _course(course_path)
    learners = _roster(course, roster_path)
    if source is None:
        report = collect_from_exchange(course, module, set(learners.ids) if learners else None)
    else:
        report = collect_submissions(course, module, source, learners)
    for line in report.messages():
        click.echo(line, err=True)
    click.echo(t("graders.collect.done", count=len(report.collected)))


def _grading_settings(
    course: Course, engine: EngineName | None, scheduler: str | None, workers: int | None
) -> GradingSettings:
    """course.toml's [grading], with this command's options over it, validated by the same model."""
    from pydantic import ValidationError

    chosen = course.grading.model_dump()
    if scheduler is not None:
        chosen.update(scheduler=scheduler, engine=engine or "dask")
    elif engine is not None:
        chosen.update(engine=engine, scheduler=chosen["scheduler"] if engine == "dask" else None)
    if workers is not None:
        chosen.update(workers=workers)
    try:
        return GradingSettings.model_validate(chosen)
    except ValidationError as error:
        problems = "; ".join(
            f"--{'.'.join(map(str, e['loc'])) or 'engine'}: {e['msg'].removeprefix('Value error, ')}"
            for e in error.errors()
        )
        raise HocsoError(problems) from None


@grade.command()
@click.argument("module")
@setting_option(
    GradingSettings,
    "workers",
    "Parallel workers (default: course.toml [grading] workers, else CPU cores + 1, so no core idles "
    "while a submission sleeps or times out; with --engine dask and no --scheduler: 2 Dask workers).",
)
@click.option(
    "--engine",
    type=click.Choice(get_args(EngineName)),
    default=None,
    help="Where grading runs: local processes, or a Dask cluster (default: course.toml [grading] engine).",
)
@click.option(
    "--scheduler",
    default=None,
    help="Dask scheduler address, tcp://HOST:PORT (implies --engine dask; default: course.toml "
    "[grading] scheduler, else two Dask workers on this machine).",
)
@limit_option("cell_timeout", "Seconds per cell.")
@limit_option("notebook_timeout", "Seconds per notebook.")
@limit_option("memory_mb", "Memory limit per submission.")
@limit_option("disk_mb", "Writable space per submission (its folder and /tmp).")
@click.option(
    "--allow-weak-sandbox",
    is_flag=True,
    help="Grade even where the OS sandbox is incomplete (no bubblewrap, not root); it names what is missing.",
)
@click.option(
    "--force",
    is_flag=True,
    help="Grade every submission again, also those graded as they are now (a new or changed "
    "submission is graded again without it).",
)
@json_option
@course_option
def autograde(
    module: str,
    workers: int | None,
    engine: EngineName | None,
    scheduler: str | None,
    cell_timeout: float,
    notebook_timeout: float,
    memory_mb: int,
    disk_mb: int,
    allow_weak_sandbox: bool,
    force: bool,
    as_json: bool,
    course_path: Path | None,
) -> None:
    """Autograde MODULE's submissions in parallel; a rerun grades only what is new or changed.

    \b
    Threat model: each submission runs in its own OS sandbox (bubblewrap + namespaces, as root).
    It CAN read and write its own working copy (a size-limited tmpfs), read the system, Python and
    hocso, use its CPU, memory and process limits (all its processes together under one cgroup
    ceiling). It CANNOT see other learners, the course source,
    the gradebook, the grader's processes or environment; reach any network (loopback included);
    keep a process running after its notebook ends. Hidden tests arrive one cell at a time, what it
    bends in IPython, builtins or hocso is put back before each test, and forged results or
    tampering mean "needs review" with no automatic score. It CAN still rewrite its own process's
    memory with native code or answer for the runner from inside a test; all it reaches stays in
    its sandbox. Without bubblewrap, root or writable cgroups this refuses, naming what is missing.
    """
    import sys

    from tqdm import tqdm

    # jsonschema (under nbformat) compiles an IRI grammar from rfc3987-syntax on import, 1-2 s of
    # CPU, only to check the "iri" string format, which no notebook or nbgrader schema uses
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]

    from hocso.config import course_runtime_dir
    from hocso.graders.errors import GradingError
    from hocso.graders.sandbox import missing_protections
    from hocso.graders.zygote import ZygoteRoot

    course = _course(course_path)
    course.module(module)  # an unknown module is one clear line, before any progress bar
    grading = _grading_settings(course, engine, scheduler, workers)
    missing = missing_protections()
    if missing and not allow_weak_sandbox:
        raise GradingError(t("graders.autograde.sandbox_missing", missing="; ".join(missing)))
    if missing:
        click.echo(t("graders.autograde.sandbox_weak", missing="; ".join(missing)), err=True)
    # the process that forks submissions starts first: it warms up on another core meanwhile; the
    # workers of a local Dask cluster are forked from here and share it, remote ones start their own
    local = grading.engine == "local"
    here = local or grading.scheduler is None
    root = ZygoteRoot([str(course_runtime_dir(course))], strong=not missing) if here else None
    with root or contextlib.nullcontext() as zygotes:
        from hocso.graders.autograde import autograde_submissions
        from hocso.graders.engines import engine_for
        from hocso.graders.sandbox import Limits

        limits = Limits(
            cell_timeout=cell_timeout, notebook_timeout=notebook_timeout, memory_mb=memory_mb, disk_mb=disk_mb
        )
        if force and not as_json:
            click.echo(t("graders.autograde.forced"), err=True)
        bars: list[tqdm] = []  # drawn once the module is known to be released, not before its error

        def start(total: int) -> None:
            bars.append(
                tqdm(total=total, desc=t("graders.autograde.progress"), disable=as_json, unit="learner")
            )

        count = grading.worker_count
        try:
            with engine_for(grading.engine, count, grading.scheduler, zygotes) as grading_engine:
                summary = autograde_submissions(
                    course,
                    module,
                    count,
                    limits,
                    on_result=lambda _r: bars[0].update(1),
                    zygotes=zygotes,
                    allow_weak_sandbox=allow_weak_sandbox,
                    force=force,
                    on_start=start,
                    engine=grading_engine,
                )
        finally:
            for bar in bars:
                bar.close()
    if as_json:
        click.echo(json.dumps(asdict(summary), ensure_ascii=False, indent=2))
        return
    learner, score, top, seconds, reason = t("graders.autograde.columns").split("|")
    click.echo(f"{learner:<20} {score:>8} {top:>6} {seconds:>6}  {reason}")
    for result in summary.results:
        click.echo(
            f"{result.learner:<20} {result.score:>8g} {result.max_score:>6g} {result.seconds:>6.2f}  {result.reason}"
        )
    failed = sum(1 for r in summary.results if not r.ok)
    click.echo(
        t(
            "graders.autograde.summary",
            graded=len(summary.results) - failed,
            failed=failed,
            skipped=len(summary.skipped),
            seconds=summary.seconds,
        )
    )
    if summary.elsewhere:
        click.echo(
            t(
                "graders.autograde.elsewhere",
                count=len(summary.elsewhere),
                learners=", ".join(summary.elsewhere),
            )
        )


@grade.command()
@click.argument("module")
@course_option
def feedback(module: str, course_path: Path | None) -> None:
    """Write HTML feedback for each autograded learner of MODULE (nbgrader's feedback/ folder) and
    release it to nbgrader's exchange, where each learner's lab fetches their own."""
    from hocso.graders.feedback import generate_feedback
    from hocso.lab.exchange import release_feedback

    course = _course(course_path)
    click.echo(t("graders.feedback.done", count=len(generate_feedback(course, module))))
    release_feedback(course, module)


@grade.command()
@out_option(Path("grades.csv"), "The CSV file to write.")
@roster_option("Its learners who sent nothing get a row that says so.")
@course_option
def export(out: Path, roster_path: Path | None, course_path: Path | None) -> None:
    """CSV with one row per learner: a status per module (graded, failed with its reason, missing,
    awaiting manual grading), points per exercise, per competence and in total."""
    from hocso.graders.export import export_scores

    course = _course(course_path)
    count = export_scores(course, out, _roster(course, roster_path))
    click.echo(t("graders.export.done", count=count, path=out))


@grade.command()
@port_option(0, "Port on 127.0.0.1 (default: a free one).")
@roster_option("Formgrader shows its learners' names and groups.")
@no_browser_option
@course_option
def formgrader(port: int, roster_path: Path | None, no_browser: bool, course_path: Path | None) -> None:
    """Open nbgrader's formgrader on this course: on 127.0.0.1 only, with a new token, learners'
    names and groups from the roster. Ctrl+C stops it."""
    from hocso.graders.formgrader import (
        formgrader_url,
        free_port,
        new_token,
        run_formgrader,
        write_roster_to_gradebook,
    )
    from hocso.roster import default_roster_path

    course = _course(course_path)
    path = roster_path or default_roster_path(course)
    learners = _roster(course, roster_path)
    if learners is not None:
        click.echo(t("formgrader.roster", count=write_roster_to_gradebook(course, learners), path=path))
    else:
        click.echo(t("formgrader.no_roster", path=path), err=True)
    port = port or free_port()
    token = new_token()
    click.echo(t("formgrader.url", url=formgrader_url(port, token)))
    run_formgrader(course, port, token, open_browser=not no_browser)
