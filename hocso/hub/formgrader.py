"""A course's formgrader as a hub service, for the course's formgrade-<course> group only.

    python -m hocso.hub.formgrader             (started by the hub, HOCSO_COURSE set)

nbgrader's formgrader extension on a Jupyter server behind the hub's OAuth (JupyterHub checks the
`access:services!service=formgrader-<course>` scope), reading course_config/nbgrader_config.py: the
same gradebook and folders as `hocso grade`.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

UNUSED_EXTENSIONS = (
    "hocso.lab.server",
    "jupyterlab",
    "jupyter_lsp",
    "jupyter_server_terminals",
    "notebook",
    "notebook_shim",
    "voila.server_extension",
    "nbgrader.server_extensions.assignment_list",
    "nbgrader.server_extensions.course_list",
    "nbgrader.server_extensions.validate_assignment",
)


def service_name(course_id: str) -> str:
    return f"formgrader-{course_id}"


def main() -> None:
    from hocso.config import data_home, load_course

    course = load_course(os.environ["HOCSO_COURSE"])
    config_dir = data_home() / "hub" / "formgrader" / course.id
    config_dir.mkdir(parents=True, exist_ok=True)
    # formgrader only: it is its own page, and every other extension costs start-up time (the hub
    # waits for its services before it takes logins)
    extensions = {name: False for name in UNUSED_EXTENSIONS} | {"nbgrader.server_extensions.formgrader": True}
    (config_dir / "jupyter_server_config.json").write_text(
        json.dumps({"ServerApp": {"jpserver_extensions": extensions}}), encoding="utf-8"
    )
    os.environ["JUPYTER_CONFIG_DIR"] = str(config_dir)
    config_path = [str(course.config_dir), *filter(None, [os.environ.get("JUPYTER_CONFIG_PATH")])]
    os.environ["JUPYTER_CONFIG_PATH"] = os.pathsep.join(config_path)
    os.chdir(Path(course.config_dir))
    from jupyterhub.singleuser import main as singleuser

    as_root = ["--allow-root"] if os.geteuid() == 0 else []
    # answer_yes: the hub stops its services with SIGINT; without it the server asks "Shut down?" on a
    # terminal nobody reads and goes on for 5 s more (x2 courses, on every stop of the hub)
    argv = [
        f"--ServerApp.root_dir={course.root}",
        "--ServerApp.default_url=/formgrader",
        "--ServerApp.answer_yes=True",
    ]
    singleuser(argv=[*as_root, *argv])


if __name__ == "__main__":
    main()
