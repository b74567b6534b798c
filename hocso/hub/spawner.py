"""The learner's lab as a local process: its own Unix user when the hub runs as root, else the hub's.

JupyterHub's LocalProcessSpawner looks the hub account up as a Unix user of the same name; here the
Unix user is `hs-<account>` (hocso.hub.accounts), so no learner id can name root or a system user.
A learner on several courses has one lab per course: the default one for their first course and a
named server per other course (`/user/<id>/<course id>/`).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from jupyterhub.spawner import LocalProcessSpawner, set_user_setuid
from traitlets import Bool, Unicode

from hocso.config import data_home
from hocso.hub.accounts import Account, ClassPlan, CoursePlan
from hocso.hub.isolation import learner_home_root


class HocsoSpawner(LocalProcessSpawner):
    plan_file = Unicode(help="plan.json written by `hocso hub` (hocso.hub.accounts.ClassPlan)").tag(
        config=True
    )
    isolated = Bool(True, help="run each lab as the learner's own Unix user").tag(config=True)

    def _plan(self) -> ClassPlan:
        return ClassPlan.load(Path(self.plan_file))

    def _account(self) -> Account:
        return self._plan().accounts[self.user.name]

    def _course(self) -> CoursePlan:
        account = self._account()
        course_id = self.name or next(iter(account.courses))
        if course_id not in account.courses:
            raise ValueError(f"{self.user.name} is not on course {course_id!r}")
        return self._plan().course(course_id)

    def make_preexec_fn(self, name: str):  # type: ignore[no-untyped-def]
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
                "PATH": os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "/usr/bin:/bin")]),
            }
        )
        return env
