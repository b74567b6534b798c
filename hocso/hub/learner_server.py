"""What a learner's lab runs under the hub: the learner mode of `hocso lab`, behind the hub's login.

    python -m hocso.hub.learner_server        (started by hocso.hub.spawner, as the learner)

The workspace is filled from the course's exchange (released student editions in the learner's
language and group edition), feedback released since is fetched, and JupyterLab starts with the
learner settings (hocso.lab.settings) as JupyterHub's single-user server. nbgrader's student id is
the hub account (JUPYTERHUB_USER), never something the learner can change. Feedback the instructor
releases while the lab runs appears in it too: a thread looks at the course's feedback folder every
FEEDBACK_POLL_SECONDS (one stat) and fetches when it changed, so a lab kept over a hub restart, or
open all afternoon, needs no restart to show it.

The lab's kernels talk to it over Unix sockets in a folder only the learner can open
(`kernel_runtime_dir`), not over loopback TCP: jupyter_client picks a kernel's five ports by binding
port 0 and letting go, so with a class starting kernels at once another lab could take one first,
and the kernel restarter restarts on the same cached ports (jupyter_client 8.10), so that learner's
kernel died five times and was removed (bench/hub.py, 40 learners). A TCP kernel port also lets
any local user subscribe to a learner's output.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

#: lab_arguments() options that the hub decides instead (address, port, login)
HUB_DECIDES = (
    "--ServerApp.ip=",
    "--ServerApp.port=",
    "--ServerApp.port_retries=",
    "--IdentityProvider.token=",
    "--ServerApp.open_browser=",
)
#: what the hub adds: kernels on Unix sockets (ipc) in JUPYTER_RUNTIME_DIR, no TCP port at all
KERNELS_ON_UNIX_SOCKETS = ("--KernelManager.transport=ipc",)
#: the hub stops a lab with SIGINT; without this the server asks "Shut down?" on a terminal nobody
#: reads and runs 5 s more before the hub's SIGTERM (every cull, every stop)
STOP_ON_SIGINT = ("--ServerApp.answer_yes=True",)
#: a Unix socket's path is at most 107 bytes; a kernel's is <dir>/kernel-<uuid4>-ipc-<n>
SOCKET_PATH_MAX = 107
KERNEL_SOCKET_NAME = len("/kernel-") + 36 + len("-ipc-") + 1
FEEDBACK_POLL_SECONDS = 30


def kernel_runtime_dir(home: Path) -> Path:
    """The folder for the lab's kernel connection files and sockets, open to the learner only: in the
    learner's home, or a new private folder in the temporary directory when that path is too long
    for a socket's."""
    folder = home / ".kernels"
    if len(os.fsencode(folder)) + KERNEL_SOCKET_NAME > SOCKET_PATH_MAX:
        return Path(tempfile.mkdtemp(prefix="hocso-kernels-"))  # 0700, made by and for this user
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    folder.chmod(0o700)
    return folder


def _assistant_from_hub(server_config: Path) -> None:
    """Kernels ask the hub's assistant service (hocso.hub.assistant_service) with this lab's hub
    token; the lab's own in-server assistant is off: this process is the learner's, so guardrails
    in it would be the learner's to change."""
    from hocso.assistant.settings import SERVICE_TOKEN_ENV, SERVICE_URL_ENV

    document = json.loads(server_config.read_text(encoding="utf-8"))
    document["ServerApp"]["jpserver_extensions"]["hocso.assistant.jupyter"] = False
    server_config.write_text(json.dumps(document, indent=1), encoding="utf-8")
    if url := os.environ.get("HOCSO_HUB_ASSISTANT"):
        os.environ[SERVICE_URL_ENV] = url
        os.environ[SERVICE_TOKEN_ENV] = os.environ.get("JUPYTERHUB_API_TOKEN", "")


def _feedback_stamp(course: Any) -> int | None:
    from hocso.lab.exchange import exchange_root

    try:  # the learner may not list it (0711) but may stat it: it changes when feedback is released
        return (exchange_root(course) / course.id / "feedback").stat().st_mtime_ns
    except OSError:
        return None


def _watch_feedback(course: Any, learner: Any, seen: int | None) -> None:
    """Fetch newly released feedback into the running lab's workspace, as its start did."""
    from hocso.lab import exchange
    from hocso.lab.workspace import open_workspace

    def watch() -> None:
        nonlocal seen
        while True:
            time.sleep(FEEDBACK_POLL_SECONDS)
            stamp = _feedback_stamp(course)
            if stamp == seen:
                continue
            seen = stamp
            space = open_workspace(course, learner)
            for folder, module_id in space.modules.items():
                try:
                    exchange.fetch_feedback(
                        course, module_id, learner.id, space.cache_dir, space.root / folder
                    )
                except Exception as error:  # the lab goes on; the next release tries again
                    print(f"hocso: {module_id}: feedback not fetched ({error})", file=sys.stderr)

    threading.Thread(target=watch, name="hocso-feedback", daemon=True).start()


def main() -> None:
    from hocso.config import load_course
    from hocso.lab.settings import lab_arguments, lab_environment, write_lab_config
    from hocso.lab.workspace import Learner, prepare_workspace, write_start_page
    from hocso.present import with_present_templates

    course = load_course(os.environ["HOCSO_COURSE"])
    learner_id = os.environ["JUPYTERHUB_USER"]
    language = os.environ.get("HOCSO_LANG") or course.info.default_language
    group = os.environ.get("HOCSO_GROUP") or None
    os.environ["HOCSO_LEARNER"] = learner_id  # nbgrader's student_id: the hub account
    for name in ("hocso.graders", "hocso.lab", "traitlets"):
        logging.getLogger(name).setLevel(logging.WARNING)
    learner = Learner(learner_id, language, group)  # type: ignore[arg-type]
    feedback_seen = _feedback_stamp(course)  # before the fetch below: a release during it is fetched later
    space = prepare_workspace(course, learner, release=False)
    for problem in space.problems:
        print(f"hocso: {problem}", file=sys.stderr)
    try:
        start_page: str | None = write_start_page(space)
    except PermissionError as error:
        # the start page's learning path reads the course's source notebooks, which the hub closes
        # to learners (solutions, hidden tests): the lab opens without it rather than not at all
        print(f"hocso: no start page ({error})", file=sys.stderr)
        start_page = None
    settings = write_lab_config(space.lab_dir, "learner", language, start_page)  # type: ignore[arg-type]
    _assistant_from_hub(settings.config_dir / "jupyter_server_config.json")
    os.environ.update(lab_environment(settings, dict(os.environ)))
    os.environ["JUPYTER_PATH"] = with_present_templates(os.environ.get("JUPYTER_PATH"))
    runtime = kernel_runtime_dir(Path.home())
    os.environ["JUPYTER_RUNTIME_DIR"] = str(runtime)
    arguments = [
        argument
        for argument in lab_arguments(settings, space.root, "127.0.0.1", 0, "", False, course)
        if not argument.startswith(HUB_DECIDES)
    ]
    arguments += KERNELS_ON_UNIX_SOCKETS + STOP_ON_SIGINT
    os.chdir(Path(space.root))
    _watch_feedback(course, learner, feedback_seen)
    from jupyterhub.singleuser import main as singleuser

    try:
        singleuser(argv=arguments)
    finally:
        if runtime.parent != Path.home():  # a temporary folder of this lab's alone
            shutil.rmtree(runtime, ignore_errors=True)


if __name__ == "__main__":
    main()
