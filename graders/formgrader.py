"""nbgrader's formgrader on this course from one command: `hocso grade formgrader`.

The formgrader is a Jupyter server extension that only serves a course whose root is inside the
server's root folder; hocso's course root is the runtime folder outside the repository, so
`cd course_config && jupyter server` refused it. Here the server is rooted at that folder, started
from `course_config/` (where nbgrader reads nbgrader_config.py), on 127.0.0.1 only, with a fresh
token passed in the environment (never on the command line, where `ps` shows it), with no other
server extension (no terminals, no JupyterLab: an instructor's grading page, nothing more).

Before it starts, the roster's learners are written into the gradebook's students, because
formgrader shows names and e-mails from there. nbgrader's student has a first and a last name and
formgrader shows "last, first": the roster's full name goes into `last_name` whole (a Vietnamese
name is family name first and does not split into two Western fields), and the learner's group and
unit into `first_name`, so formgrader's Name column reads "Nguyễn Văn An, Cán bộ, công chức · Phòng
Nội vụ", sortable by name, with the group beside it.
"""

from __future__ import annotations

import os
import secrets
import socket
import sys
from pathlib import Path

from nbgrader.api import Gradebook

from hocso.config import Course, LanguageCode, course_runtime_dir, open_gradebook_database
from hocso.nbgrader_compat import use_in_process_alembic
from hocso.roster import Learner, Roster

use_in_process_alembic()  # nbgrader's Gradebook() must not need the `alembic` command on PATH

FORMGRADER_EXTENSION = "nbgrader.server_extensions.formgrader"
TOKEN_ENV = "JUPYTER_TOKEN"  # jupyter_server's IdentityProvider reads its token from here
LOOPBACK = "127.0.0.1"


def group_label(course: Course, learner: Learner, language: LanguageCode) -> str:
    """The learner's group (its name in the framework) and unit, as formgrader shows them."""
    names = {group.id: group.name(language) for group in course.framework.groups}
    return f"{names.get(learner.group, learner.group)} · {learner.unit}"


def write_roster_to_gradebook(course: Course, roster: Roster) -> int:
    """Every rostered learner as a gradebook student with name, group and e-mail; returns how many.

    An e-mail is written only when the roster has one, so one typed into formgrader stays.
    """
    language = course.info.default_language
    with Gradebook(open_gradebook_database(course)) as gradebook:
        for learner in roster:
            fields = {"last_name": learner.name, "first_name": group_label(course, learner, language)}
            if getattr(learner, "email", ""):
                fields["email"] = learner.email
            gradebook.update_or_create_student(learner.learner_id, **fields)
    return len(roster)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        return int(probe.getsockname()[1])


def new_token() -> str:
    return secrets.token_urlsafe(32)


def formgrader_url(port: int, token: str) -> str:
    return f"http://{LOOPBACK}:{port}/formgrader?token={token}"


def server_command(course: Course, port: int, open_browser: bool) -> list[str]:
    """`jupyter server` for the formgrader of `course` (run it from `course.config_dir`)."""
    from jupyter_core.paths import jupyter_config_path
    from jupyter_server.extension.config import ExtensionConfigManager

    installed = ExtensionConfigManager(read_config_path=jupyter_config_path()).get_jpserver_extensions()
    extensions = {name: False for name in installed} | {FORMGRADER_EXTENSION: True}
    command = [
        sys.executable,
        "-m",
        "jupyter_server",
        f"--ServerApp.ip={LOOPBACK}",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--ServerApp.root_dir={course_runtime_dir(course)}",
        "--ServerApp.default_url=/formgrader",
        f"--ServerApp.open_browser={open_browser}",
        f"--ServerApp.jpserver_extensions={extensions}",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    return command


def run_formgrader(course: Course, port: int, token: str, open_browser: bool) -> None:
    """Become the formgrader's server (exec): Ctrl+C or a signal stops it, no child is left behind."""
    course_runtime_dir(course).mkdir(parents=True, exist_ok=True)
    open_gradebook_database(course)  # an unreachable server: one clear line here, no server traceback
    env = dict(os.environ, **{TOKEN_ENV: token})
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    command = server_command(course, port, open_browser)
    sys.stdout.flush()
    sys.stderr.flush()
    os.chdir(course.config_dir)  # nbgrader reads nbgrader_config.py from the server's folder
    os.execve(command[0], command, env)
