"""Who has an account on the hub, in which groups, and as which Unix user each lab runs.

Every learner on a course's roster gets an account named by their learner id (lower case, as the
hub keeps names); the course's [hub] instructors and facilitators get theirs too. Groups, per course:

    learners-<course>  instructors-<course>  facilitators-<course>   roles in class
    nbgrader-<course>                        everyone on the course (nbgrader's multi-course convention)
    formgrade-<course>                       who may open the course's formgrader (instructors)

A lab runs as the Unix user `hs-<id>` (prefixed, so no learner id can name root or a system user).
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Literal

from hocso.config import Course
from hocso.config.models import LanguageCode
from hocso.errors import HocsoError
from hocso.roster import Roster

Role = Literal["learner", "instructor", "facilitator"]
ROLES: tuple[Role, ...] = ("learner", "instructor", "facilitator")
UNIX_PREFIX = "hs-"
UNIX_NAME = re.compile(r"^[a-z_][a-z0-9_-]{0,31}$")


class HubPlanError(HocsoError):
    """The roster or [hub] settings cannot become hub accounts; the message names the account."""


def unix_name(account: str) -> str:
    """`hs-` + the account, with '.' and '@' as '-' (Unix names allow neither everywhere)."""
    name = UNIX_PREFIX + re.sub(r"[^a-z0-9_-]", "-", account.lower())
    if not UNIX_NAME.match(name):
        raise HubPlanError(
            f"account {account!r} gives the Unix name {name!r}, which is too long (32 at most)"
        )
    return name


def role_group(role: Role, course_id: str) -> str:
    return f"{role}s-{course_id}"


def nbgrader_group(course_id: str) -> str:
    return f"nbgrader-{course_id}"


def formgrade_group(course_id: str) -> str:
    return f"formgrade-{course_id}"


@dataclass(frozen=True)
class Account:
    name: str  # the hub's user name
    unix: str
    display_name: str
    # course id -> role, in the order the courses were given (the first is the default lab)
    courses: dict[str, Role] = field(default_factory=dict)
    language: LanguageCode = "vi"
    learner_group: str | None = None  # the framework group whose edition the learner gets


@dataclass(frozen=True)
class CoursePlan:
    id: str
    root: str  # the course folder (course_config/, notebooks/)
    language: LanguageCode


@dataclass
class ClassPlan:
    """Everything the hub's configuration needs, saved as plan.json so a restart rebuilds the same hub."""

    courses: list[CoursePlan]
    accounts: dict[str, Account]
    isolated: bool  # one Unix user per learner

    def groups(self) -> dict[str, list[str]]:
        groups: dict[str, list[str]] = {}
        for course in self.courses:
            for role in ROLES:
                groups[role_group(role, course.id)] = []
            groups[nbgrader_group(course.id)] = []
            groups[formgrade_group(course.id)] = []
        for account in self.accounts.values():
            for course_id, role in account.courses.items():
                groups[role_group(role, course_id)].append(account.name)
                groups[nbgrader_group(course_id)].append(account.name)
                if role == "instructor":
                    groups[formgrade_group(course_id)].append(account.name)
        return groups

    def course(self, course_id: str) -> CoursePlan:
        for course in self.courses:
            if course.id == course_id:
                return course
        raise HubPlanError(f"course {course_id!r} is not on this hub")

    def staff(self) -> list[str]:
        return sorted(a.name for a in self.accounts.values() if "instructor" in a.courses.values())

    def save(self, path: Path) -> None:
        document = {
            "courses": [asdict(c) for c in self.courses],
            "accounts": {name: asdict(a) for name, a in self.accounts.items()},
            "isolated": self.isolated,
        }
        path.write_text(json.dumps(document, ensure_ascii=False, indent=1), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> ClassPlan:
        document = json.loads(path.read_text(encoding="utf-8"))
        return cls(
            courses=[CoursePlan(**c) for c in document["courses"]],
            accounts={name: Account(**a) for name, a in document["accounts"].items()},
            isolated=bool(document["isolated"]),
        )


def plan_class(courses: list[tuple[Course, Roster]], isolated: bool) -> ClassPlan:
    """Accounts and groups for the courses with their rosters; refuses ids the hub would change."""
    accounts: dict[str, Account] = {}
    unix_owner: dict[str, str] = {}

    def add(name: str, display: str, course: Course, role: Role, group: str | None) -> None:
        if name != name.lower():
            raise HubPlanError(
                f"{course.id}: learner id {name!r} has capital letters; the hub keeps names in lower case "
                f"(use {name.lower()!r} in the roster)"
            )
        unix = unix_name(name)
        if unix_owner.setdefault(unix, name) != name:
            raise HubPlanError(
                f"accounts {unix_owner[unix]!r} and {name!r} would share the Unix user {unix!r}"
            )
        old = accounts.get(name)
        roles = dict(old.courses) if old else {}
        roles.setdefault(course.id, role)
        accounts[name] = Account(
            name=name,
            unix=unix,
            display_name=old.display_name if old else display,
            courses=roles,
            language=old.language if old else course.info.default_language,
            learner_group=(old.learner_group if old else None) or group,
        )

    for course, roster in courses:
        for name in course.hub.instructors:
            add(name, name, course, "instructor", None)
        for name in course.hub.facilitators:
            add(name, name, course, "facilitator", None)
        for learner in roster:
            add(learner.learner_id, learner.name, course, "learner", learner.group)
    plans = [CoursePlan(c.id, str(c.root), c.info.default_language) for c, _ in courses]
    return ClassPlan(courses=plans, accounts=accounts, isolated=isolated)
