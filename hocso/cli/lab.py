"""`hocso lab`: JupyterLab on the course, with the offline assistant ready in every kernel."""

from __future__ import annotations

import os
import secrets
import socket
import sys
from pathlib import Path

import click

from hocso.config import load_course
from hocso.i18n import LANGUAGES, t
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


def lab_arguments(
    notebooks_dir: Path, ip: str, port: int, token: str, open_browser: bool, language: str = "vi"
) -> list[str]:
    as_root = ["--ServerApp.allow_root=True"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
    return [
        *as_root,
        # <html lang> of HTML exports and Voila pages; hocso's Voila template shows the
        # language-tagged markdown of this language only
        f"--HTMLExporter.language_code={language}",
        f"--ServerApp.root_dir={notebooks_dir}",
        f"--ServerApp.ip={ip}",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.open_browser={open_browser}",
        "--LabApp.news_url=",  # offline: no news feed fetched from the internet
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]


@click.command()
@click.option(
    "--port",
    type=click.IntRange(1, 65535),
    default=None,
    help=f"Port to listen on (default: first free from {DEFAULT_PORT}).",
)
@click.option(
    "--ip", default="127.0.0.1", show_default=True, help="Address to listen on; 0.0.0.0 opens it to the LAN."
)
@click.option("--no-browser", is_flag=True, help="Do not open a web browser; just print the address.")
@click.option(
    "--language",
    type=click.Choice(LANGUAGES),
    default=None,
    help="Language of the course texts (default: the course's).",
)
@click.option(
    "--course",
    "course_path",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Course folder (default: the one around the current folder, or $HOCSO_COURSE).",
)
def lab(port: int | None, ip: str, no_browser: bool, language: str | None, course_path: Path | None) -> None:
    """Open the learning lab: JupyterLab with the course notebooks.

    Prints the address to open (with its access key). The AI assistant inside the notebooks works
    offline by default. Stop the lab with Ctrl+C.
    """
    course = load_course(course_path)
    lang = language or course.info.default_language
    port = port or first_free_port(ip, DEFAULT_PORT)
    token = secrets.token_urlsafe(24)
    os.environ["HOCSO_COURSE"] = str(course.root)
    os.environ["HOCSO_LANG"] = lang
    # nbgrader's formgrader inside the lab finds course_config/nbgrader_config.py through this path.
    config_path = [str(course.config_dir), *filter(None, [os.environ.get("JUPYTER_CONFIG_PATH")])]
    os.environ["JUPYTER_CONFIG_PATH"] = os.pathsep.join(config_path)
    # hocso's Voila template (projector and phone), for apps opened with Voila from the lab.
    os.environ["JUPYTER_PATH"] = with_present_templates(os.environ.get("JUPYTER_PATH"))
    # nbgrader shells out to tools installed beside this Python (alembic): keep them on PATH.
    os.environ["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    host = f"[{ip}]" if ":" in ip else ip
    click.echo(t("core.lab.starting", lang, title=course.info.title(lang)))
    click.echo(t("core.lab.open", lang, url=f"http://{host}:{port}/lab?token={token}"), nl=True)
    sys.stdout.flush()

    from jupyterlab.labapp import LabApp

    LabApp.launch_instance(argv=lab_arguments(course.notebooks_dir, ip, port, token, not no_browser, lang))
