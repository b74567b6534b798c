"""`hocso lab`: the learner's lab (their own workspace, filled from nbgrader's exchange), or with
`--author` the course sources; the two never mix (hocso.lab.settings)."""

from __future__ import annotations

import logging
import os
import secrets
import signal
import socket
import sys
from pathlib import Path

import click

from hocso.cli.options import (
    course_option,
    free_port_option,
    group_option,
    host_option,
    language_option,
    learner_option,
    no_browser_option,
)
from hocso.config import Course, LanguageCode, data_home, load_course
from hocso.i18n import t
from hocso.present import with_present_templates

DEFAULT_PORT = 8888


def first_free_port(ip: str, start: int) -> int:
    """The first port from `start` that nothing listens on, so the printed URL is the real one."""
    for port in range(start, start + 100):
        with socket.socket(socket.AF_INET6 if ":" in ip else socket.AF_INET) as probe:
            try:
                probe.bind((ip, port))
            except OSError:
                continue
            return port
    raise click.ClickException(f"no free port between {start} and {start + 99} on {ip}; pass --port")


def _learner_lab(
    course: Course, language: LanguageCode, learner_id: str, group: str | None
) -> tuple[Path, Path, str]:
    """(served root, mode folder, start page) of the learner's lab, after filling the workspace."""
    from hocso.lab.workspace import Learner, prepare_workspace, write_start_page

    click.echo(t("lab.cli.preparing", language, learner=learner_id))
    quiet = [logging.getLogger(name) for name in ("hocso.graders", "hocso.lab", "traitlets")]
    levels = [logger.level for logger in quiet]
    for logger in quiet:  # nbgrader's progress lines are for instructors; a failure is reported below
        logger.setLevel(logging.CRITICAL)
    try:
        space = prepare_workspace(course, Learner(learner_id, language, group))
    finally:
        for logger, level in zip(quiet, levels, strict=True):
            logger.setLevel(level)
    for problem in space.problems:
        click.secho(t("lab.cli.not_released", language, problem=problem), fg="yellow", err=True)
    start_page = write_start_page(space)
    os.environ["HOCSO_LEARNER"] = learner_id
    os.environ["HOCSO_GROUP"] = group or ""
    click.echo(t("lab.cli.learner", language, learner=learner_id, language=language, path=space.root))
    return space.root, space.lab_dir, start_page


def _stop_on_interrupt() -> None:
    """Ctrl+C stops the server as SIGTERM does: at once, kernels shut down, no question and no
    KeyboardInterrupt traceback. (Jupyter Server asks "Shutdown this server?" on a terminal and
    leaves Ctrl+C to Python elsewhere; JupyterHub makes the same swap for its single-user servers.)"""
    from jupyter_server.serverapp import ServerApp

    original = ServerApp.init_signal
    if getattr(original, "hocso_stops_on_interrupt", False):
        return

    def init_signal(self: ServerApp) -> None:
        original(self)
        signal.signal(signal.SIGINT, self._signal_stop)

    init_signal.hocso_stops_on_interrupt = True  # type: ignore[attr-defined]
    ServerApp.init_signal = init_signal  # type: ignore[method-assign]


@click.command()
@free_port_option(DEFAULT_PORT)
@host_option("--ip", text="Address to listen on; 0.0.0.0 opens it to the LAN.")
@no_browser_option
@language_option("the learner's edition and of the lab")
@learner_option("Learner id used for submissions (default: the computer's user name).")
@group_option("Learner group whose edition to open (default: every exercise).")
@click.option(
    "--author",
    is_flag=True,
    help="Author mode: open the course sources (solutions and hidden tests) instead of a learner's workspace.",
)
@course_option
def lab(
    port: int | None,
    ip: str,
    no_browser: bool,
    language: LanguageCode | None,
    learner_id: str | None,
    group: str | None,
    author: bool,
    course_path: Path | None,
) -> None:
    """Open the learning lab: JupyterLab on your own copy of the course's modules.

    Each module is fetched once into your workspace (outside the course folder), in your language;
    your answers are saved as you go, and the Submit button on each notebook hands it in. With
    --author, the course sources open instead (for authors and instructors only). Prints the address
    to open (with its access key). Stop the lab with Ctrl+C.
    """
    from hocso.lab.settings import lab_arguments, lab_environment, write_lab_config
    from hocso.lab.workspace import default_learner_id

    course = load_course(course_path)
    lang = language or course.info.default_language
    if group is not None and group not in course.framework.group_ids:
        raise click.BadParameter(
            f"{group!r}; groups: {', '.join(course.framework.group_ids)}", param_hint="--group"
        )
    port = port or first_free_port(ip, DEFAULT_PORT)
    token = secrets.token_urlsafe(24)
    os.environ["HOCSO_COURSE"] = str(course.root)
    if author:
        root, home, start_page = course.notebooks_dir, data_home() / "author" / course.id, None
        click.secho(t("lab.cli.author", lang, path=root), fg="yellow", bold=True)
        # nbgrader's formgrader inside the lab finds course_config/nbgrader_config.py through this path.
        config_path = [str(course.config_dir), *filter(None, [os.environ.get("JUPYTER_CONFIG_PATH")])]
        os.environ["JUPYTER_CONFIG_PATH"] = os.pathsep.join(config_path)
    else:
        root, home, start_page = _learner_lab(course, lang, learner_id or default_learner_id(), group)
    settings = write_lab_config(home, "author" if author else "learner", lang, start_page)
    os.environ.update(lab_environment(settings, dict(os.environ)))
    # hocso's Voila template (projector and phone), for apps opened with Voila from the lab.
    os.environ["JUPYTER_PATH"] = with_present_templates(os.environ.get("JUPYTER_PATH"))
    # nbgrader shells out to tools installed beside this Python (alembic): keep them on PATH.
    os.environ["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    host = f"[{ip}]" if ":" in ip else ip
    click.echo(t("core.lab.starting", lang, title=course.info.title(lang)))
    click.echo(t("core.lab.open", lang, url=f"http://{host}:{port}/lab?token={token}"), nl=True)
    sys.stdout.flush()

    from jupyterlab.labapp import LabApp

    _stop_on_interrupt()
    arguments = lab_arguments(settings, root, ip, port, token, not no_browser, course)
    try:
        LabApp.launch_instance(argv=arguments)
    except KeyboardInterrupt:  # a second Ctrl+C while stopping: still no traceback
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    click.echo(t("lab.cli.stopped", lang))
