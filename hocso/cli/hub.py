"""`hocso hub`: one JupyterHub for a whole unit (accounts from the roster, one lab per learner),
and `hocso hub codes`: the one-time codes for learners' first login."""

from __future__ import annotations

import signal
from pathlib import Path

import click

from hocso.cli.options import courses_option, roster_option
from hocso.config import Course, load_course
from hocso.i18n import t
from hocso.roster import Roster, default_roster_path, load_roster


def _courses(course_paths: tuple[Path, ...], roster_paths: tuple[Path, ...]) -> list[tuple[Course, Roster]]:
    courses = [load_course(path) for path in course_paths] or [load_course(None)]
    if roster_paths and len(roster_paths) != len(courses):
        raise click.BadParameter(f"give one --roster per --course ({len(courses)})", param_hint="--roster")
    rosters = roster_paths or tuple(default_roster_path(course) for course in courses)
    return [(course, load_roster(path, course)) for course, path in zip(courses, rosters, strict=True)]


@click.group(invoke_without_command=True)
@courses_option
@roster_option(multiple=True)
@click.option(
    "--release",
    "modules",
    multiple=True,
    help="Module to release to learners before starting (repeat; default: every module not yet released).",
)
@click.option(
    "--keep-labs",
    is_flag=True,
    help="When the hub stops, leave learners' labs running; the next `hocso hub` takes them over, "
    "so a restart mid-class interrupts nobody (default: stopping the hub stops every lab).",
)
@click.pass_context
def hub(
    ctx: click.Context,
    course_paths: tuple[Path, ...],
    roster_paths: tuple[Path, ...],
    modules: tuple[str, ...],
    keep_labs: bool,
) -> None:
    """Start the class hub: every learner on the roster signs in and gets their own lab.

    Accounts and groups come from course.toml's [hub] section and the roster; each learner's lab runs
    as their own Unix user when started as root. Prints what this machine is ready for. Stop with Ctrl+C.
    """
    if ctx.invoked_subcommand is not None:
        return
    from hocso.hub.run import prepare_hub, start_hub
    from hocso.hub.sizing import readiness

    courses = _courses(course_paths, roster_paths)
    first = courses[0][0]
    language = first.info.default_language
    click.echo(t("hub.cli.starting", language, title=first.info.title(language)))
    prepared = prepare_hub(courses, list(modules) or None)
    click.echo(t("hub.cli.accounts", language, count=len(prepared.plan.accounts), courses=len(courses)))
    if prepared.plan.isolated:
        click.echo(t("hub.cli.isolated", language))
    else:
        click.secho(t("hub.cli.not_isolated", language), fg="yellow", err=True)
    for folder in prepared.sources_hidden:
        click.echo(t("hub.cli.sources_hidden", language, path=folder))
    for line in readiness(first.hub).lines():
        click.echo(line)
    running = start_hub(first, keep_labs=keep_labs)
    click.echo(t("hub.cli.open", language, url=f"{running.url}/hub/login"))
    signal.signal(signal.SIGTERM, lambda *_: running.stop())
    try:
        running.process.wait()
    except KeyboardInterrupt:
        running.stop()
    click.echo(t("hub.cli.stopped", language))


@hub.command()
@courses_option
@roster_option(multiple=True)
@click.option("--reset", "reset", multiple=True, help="Account whose code and password to replace (repeat).")
def codes(course_paths: tuple[Path, ...], roster_paths: tuple[Path, ...], reset: tuple[str, ...]) -> None:
    """Print a first-login code for every account that has none (or for --reset ones); hand them out on slips."""
    from hocso.hub.accounts import plan_class
    from hocso.hub.codes import CodeStore
    from hocso.hub.state import hub_state

    courses = _courses(course_paths, roster_paths)
    language = courses[0][0].info.default_language
    plan = plan_class(courses, isolated=False)
    unknown = [name for name in reset if name not in plan.accounts]
    if unknown:
        raise click.BadParameter(f"not on the hub: {', '.join(unknown)}", param_hint="--reset")
    store = CodeStore(hub_state().codes)
    issued = store.issue(list(reset), reset=True) if reset else store.issue(list(plan.accounts))
    if not issued:
        click.echo(t("hub.cli.codes_none", language))
        return
    click.echo(t("hub.cli.codes_header", language))
    for name, code in issued.items():
        click.echo(f"{name:<24} {plan.accounts[name].display_name:<32} {code}")
