"""The learner's lab as a local process: its own Unix user when the hub runs as root, else the hub's.

JupyterHub's LocalProcessSpawner looks the hub account up as a Unix user of the same name; here the
Unix user is `hs-<account>` (hocso.hub.accounts), so no learner id can name root or a system user.
A learner on several courses has one lab per course: the default one for their first course and a
named server per other course (`/user/<id>/<course id>/`); a server named for a course the account is
not on is refused (403) before anything starts. Each lab's kernels ask that course's assistant
(`<assistant_url><course id>/v1`, hocso.hub.assistant_service).

Each lab listens on a port of its own below Linux's ephemeral range (32768-60999): JupyterHub's
random port is an ephemeral one, let go and bound again seconds later by the lab, and with a class
starting, another lab's pick or any outgoing connection could take it first.
"""

from __future__ import annotations

import os
import socket
import sys
from pathlib import Path

from jupyterhub.spawner import LocalProcessSpawner, set_user_setuid
from tornado import web
from traitlets import Bool, Unicode

from hocso.config import data_home
from hocso.hub.accounts import Account, ClassPlan, CoursePlan
from hocso.hub.isolation import learner_home_root

#: where labs listen: below the kernel's (ephemeral) ports, above the hub's and its services'
LAB_PORTS = range(20000, 32768)


def lab_port(plan: ClassPlan, account: str, course_id: str) -> int:
    """The lab's port: one per (account, course) of the plan, the next free one if it is taken."""
    names = sorted(plan.accounts)
    courses = [course.id for course in plan.courses]
    slot = names.index(account) * len(courses) + courses.index(course_id)
    for step in range(len(LAB_PORTS)):
        port = LAB_PORTS[(slot + step * len(names) * len(courses)) % len(LAB_PORTS)]
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port for {account}'s lab in {LAB_PORTS}")


class HocsoSpawner(LocalProcessSpawner):
    plan_file = Unicode(help="plan.json written by `hocso hub` (hocso.hub.accounts.ClassPlan)").tag(
        config=True
    )
    isolated = Bool(True, help="run each lab as the learner's own Unix user").tag(config=True)
    assistant_url = Unicode(help="the hub's assistant service, ending in '/'").tag(config=True)

    def _plan(self) -> ClassPlan:
        return ClassPlan.load(Path(self.plan_file))

    def _account(self) -> Account:
        return self._plan().accounts[self.user.name]

    def _course(self) -> CoursePlan:
        account = self._account()
        course_id = self.name or next(iter(account.courses))
        if course_id not in account.courses:
            raise web.HTTPError(403, f"{self.user.name} is not on course {course_id!r}")
        return self._plan().course(course_id)

    async def start(self) -> tuple[str, int]:
        course = self._course()  # a course the account is not on: refused before any process starts
        self.port = lab_port(self._plan(), self.user.name, course.id)
        return await super().start()

    def make_preexec_fn(self, name: str):
        home = learner_home_root(name)
        if self.isolated:
            return set_user_setuid(self._account().unix)

        def preexec() -> None:
            home.mkdir(parents=True, exist_ok=True)
            os.chdir(home)

        return preexec

    def user_env(self, env: dict[str, str]) -> dict[str, str]:
        env["USER"] = self._account().unix if self.isolated else env.get("USER", "")
        env["HOME"] = str(learner_home_root(self.user.name))
        env["SHELL"] = "/usr/sbin/nologin" if self.isolated else env.get("SHELL", "/bin/sh")
        return env

    def get_env(self) -> dict[str, str]:
        env = super().get_env()
        account, course = self._account(), self._course()
        env.update(
            {
                "HOCSO_HOME": str(data_home()),
                "HOCSO_COURSE": course.root,
                "HOCSO_LEARNER": account.name,
                "HOCSO_GROUP": account.learner_group or "",
                "HOCSO_LANG": account.language,
                "HOCSO_HUB_ASSISTANT": f"{self.assistant_url}{course.id}/v1",
                "PATH": os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "/usr/bin:/bin")]),
            }
        )
        return env
