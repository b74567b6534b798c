"""One Unix user per learner, private homes, and an nbgrader exchange each course keeps to itself.

As root, every account gets the Unix user `hs-<id>` with its home `<data home>/learners/<id>` (0700),
and every course a Unix group `hsc-<course>` of its accounts. The exchange of a course is then:

    exchange/            1733 root     nobody lists the courses; nbgrader needs it writable (sticky:
                                       nothing there can be renamed or removed but by its owner)
      <course>/          0750 root:hsc-<course>   only the course's own learners enter
        outbound/        0755          released student editions, to fetch
        inbound/         2730 root:hsc-<course>   learners hand in, nobody but root lists or reads
          <submission>/  0700 the learner's (hocso.lab.exchange.submit)
        feedback/        0711          pages named by a hash of the learner's own submission

and the rest of the course folder (submitted/, autograded/, gradebook.db, roster, the assistant's
class log in assistant/) is root's alone.
nbgrader's default exchange is world-writable with world-readable submissions (nbgrader #659, #944).
Without root there are no Unix users to create: every lab runs as the hub's user and `hocso hub`
says so when it starts.
"""

from __future__ import annotations

import grp
import os
import pwd
import shutil
import subprocess
from pathlib import Path

from hocso.config import Course, course_runtime_dir, data_home
from hocso.hub.accounts import Account, ClassPlan
from hocso.lab.exchange import exchange_root

#: folders of a course that nbgrader would create 0755 later: made root-only first
PRIVATE_COURSE_FOLDERS = ("release", "submitted", "autograded", "feedback", "source", "assistant")


def can_isolate() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("useradd") is not None


def course_unix_group(course_id: str) -> str:
    return f"hsc-{course_id}"[:32]


def learner_home_root(account: str) -> Path:
    return data_home() / "learners" / account


def _run(*command: str) -> None:
    subprocess.run(command, check=True, capture_output=True, text=True)


def ensure_unix_user(account: Account) -> pwd.struct_passwd:
    home = learner_home_root(account.name)
    home.mkdir(parents=True, exist_ok=True)
    try:
        user = pwd.getpwnam(account.unix)
    except KeyError:
        _run(
            "useradd",
            "--no-create-home",
            "--home-dir",
            str(home),
            "--shell",
            "/usr/sbin/nologin",
            "--user-group",
            account.unix,
        )
        user = pwd.getpwnam(account.unix)
    os.chown(home, user.pw_uid, user.pw_gid)
    os.chmod(home, 0o700)
    return user


def ensure_course_group(course_id: str, members: list[str]) -> int:
    name = course_unix_group(course_id)
    try:
        grp.getgrnam(name)
    except KeyError:
        _run("groupadd", name)
    _run("gpasswd", "-M", ",".join(members), name)
    return grp.getgrnam(name).gr_gid


def lock_exchange(course: Course, gid: int | None) -> None:
    """Apply the permissions above (after every release: nbgrader resets the root to 0777)."""
    root = exchange_root(course)
    for folder in (
        root / course.id / "outbound",
        root / course.id / "inbound",
        root / course.id / "feedback",
    ):
        folder.mkdir(parents=True, exist_ok=True)
    if gid is None:  # no isolation: nbgrader's own layout
        return
    os.chmod(root, 0o1733)
    os.chown(root / course.id, 0, gid)
    os.chmod(root / course.id, 0o750)
    os.chmod(root / course.id / "outbound", 0o755)
    os.chown(root / course.id / "inbound", 0, gid)
    os.chmod(root / course.id / "inbound", 0o2730)
    os.chmod(root / course.id / "feedback", 0o711)
    runtime = course_runtime_dir(course)
    os.chmod(runtime, 0o711)
    for name in PRIVATE_COURSE_FOLDERS:
        (runtime / name).mkdir(exist_ok=True)
    for entry in runtime.iterdir():
        if entry != root:
            os.chmod(entry, entry.stat().st_mode & ~0o077)
    for parent in (runtime.parent, data_home()):
        os.chmod(parent, 0o711)


def hide_course_sources(course: Course) -> bool:
    """The course's notebooks/ hold solutions and hidden tests: readable by its owner and group only.
    True when the permissions had to change."""
    folder = course.notebooks_dir
    mode = folder.stat().st_mode
    if not mode & 0o007:
        return False
    os.chmod(folder, mode & ~0o007)
    return True


def prepare_isolation(plan: ClassPlan, courses: list[Course]) -> None:
    """Unix users, course groups, homes and exchange permissions for the plan (idempotent)."""
    learners_root = data_home() / "learners"
    learners_root.mkdir(parents=True, exist_ok=True)
    os.chmod(learners_root, 0o711)
    for account in plan.accounts.values():
        ensure_unix_user(account)
    for course in courses:
        members = [a.unix for a in plan.accounts.values() if course.id in a.courses]
        lock_exchange(course, ensure_course_group(course.id, members))


def remove_unix_users(plan: ClassPlan) -> None:
    """Delete the plan's Unix users and course groups (tests; a unit closing its hub)."""
    for account in plan.accounts.values():
        subprocess.run(["userdel", account.unix], capture_output=True)
    for course in plan.courses:
        subprocess.run(["groupdel", course_unix_group(course.id)], capture_output=True)
