"""nbgrader's exchange on one machine, driven through nbgrader's own exchange classes.

The exchange is the one way assignments reach learners and submissions reach the instructor, exactly
as with plain `nbgrader release_assignment/fetch_assignment/submit/collect`, so formgrader and every
nbgrader tool see the same folders. hocso creates it with nbgrader's permissions (world-writable root,
`inbound/` write-only for learners), so there is no manual step. Its root is the course's runtime
folder (`<runtime>/exchange`, as course_config/nbgrader_config.py says), never the repository.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

from hocso.config import Course, course_runtime_dir
from hocso.errors import HocsoError

LOG = logging.getLogger("hocso.lab.exchange")
#: nbgrader's submission folder names are `<learner>+<module>+<time>`: ids must not hold `+` or `*`
LEARNER_ID = re.compile(r"^[A-Za-z0-9_.@-]{1,64}$")
#: never sent with a submission (nbgrader's own default ignore list, plus hocso's temporary files)
IGNORED = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", ".*.tmp", "*.corrupt"]


class ExchangeProblem(HocsoError):
    """The exchange cannot do what was asked; the message names the folder and what to do."""


@dataclass(frozen=True)
class Receipt:
    """What a learner gets back from a submission: when, and which files went."""

    module_id: str
    learner_id: str
    submitted_at: datetime
    files: tuple[str, ...]


def exchange_root(course: Course) -> Path:
    return course_runtime_dir(course) / "exchange"


def check_learner_id(learner_id: str) -> str:
    if not LEARNER_ID.match(learner_id):
        raise ExchangeProblem(
            f"learner id {learner_id!r} cannot be used: use letters, digits, '.', '_', '-' or '@' "
            "(at most 64), e.g. --learner nguyen.van.a"
        )
    return learner_id


def nbgrader_config(course: Course, learner_id: str | None = None, cache: Path | None = None) -> Config:
    """The course's nbgrader configuration (course_config/nbgrader_config.py) for one learner."""
    config_file = course.config_dir / "nbgrader_config.py"
    config = PyFileConfigLoader(config_file.name, str(config_file.parent)).load_config()
    config.Exchange.root = str(exchange_root(course))
    config.CourseDirectory.course_id = course.id
    config.CourseDirectory.ignore = IGNORED
    if learner_id is not None:
        config.CourseDirectory.student_id = check_learner_id(learner_id)
    if cache is not None:
        config.Exchange.cache = str(cache)
    return config


def _exchange_class(name: str) -> type:
    """nbgrader's exchange classes, imported when used: importing nbgrader takes ~4 s, and a lab
    whose workspace is already filled starts without it."""
    import nbgrader.exchange.default as default

    return getattr(default, name)


class SubmittedExchange(Protocol):
    """What nbgrader's ExchangeSubmit knows after start(): where it copied the submission, and when."""

    inbound_path: str
    assignment_filename: str
    timestamp: str


def _run(kind: str, config: Config, module_id: str, **traits: object) -> Any:  # nbgrader has no types
    from nbgrader.auth import Authenticator
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.exchange import ExchangeError

    config.CourseDirectory.assignment_id = module_id
    coursedir = CourseDirectory(config=config)
    authenticator = Authenticator(config=config)
    exchange = _exchange_class(kind)(
        coursedir=coursedir, authenticator=authenticator, config=config, log=LOG, **traits
    )
    try:
        exchange.start()
    except (ExchangeError, OSError, RuntimeError) as error:
        raise ExchangeProblem(
            f"nbgrader exchange {config.Exchange.root}, module {module_id}: {error}"
        ) from error
    return exchange


def outbound(course: Course, module_id: str) -> Path:
    return exchange_root(course) / course.id / "outbound" / module_id


def is_released(course: Course, module_id: str) -> bool:
    """Released and not older than its source notebooks (an author's edit releases it again)."""
    folder = outbound(course, module_id)
    if not folder.is_dir():
        return False
    released = min((p.stat().st_mtime for p in folder.glob("*.ipynb")), default=0.0)
    sources = course.notebook_paths(course.module(module_id))
    return all(p.is_file() and p.stat().st_mtime <= released for p in sources)


def release_to_exchange(course: Course, module_id: str) -> Path:
    """nbgrader generate (hocso's release_module: no solutions, hidden tests or rubrics) + release."""
    from hocso.graders.release import release_module

    release_module(course, module_id)
    _run("ExchangeReleaseAssignment", nbgrader_config(course), module_id, force=True)
    return outbound(course, module_id)


def fetch(course: Course, module_id: str, learner_id: str, into: Path) -> Path:
    """The released module as nbgrader fetches it, in `into/<module id>/` (a fresh folder)."""
    into.mkdir(parents=True, exist_ok=True)
    _run("ExchangeFetchAssignment", nbgrader_config(course, learner_id), module_id, assignment_dir=str(into))
    return into / module_id


def submit(course: Course, module_id: str, learner_id: str, folder: Path, cache: Path) -> Receipt:
    """Send `folder` (the learner's copy of the module) as a submission; the newest one counts.

    nbgrader submits `<assignment_dir>/<module id>/`; the learner's folder is named after the
    module's title, so it is staged under its id first (which also fixes the list of files sent)."""
    with tempfile.TemporaryDirectory(prefix="hocso-submit-") as staging:
        staged = Path(staging) / module_id
        shutil.copytree(folder, staged, ignore=shutil.ignore_patterns(*IGNORED))
        files = tuple(sorted(str(p.relative_to(staged)) for p in staged.rglob("*") if p.is_file()))
        exchange: SubmittedExchange = _run(
            "ExchangeSubmit", nbgrader_config(course, learner_id, cache), module_id, assignment_dir=staging
        )
    _keep_to_owner(Path(exchange.inbound_path) / exchange.assignment_filename)  # where nbgrader copied it
    from nbgrader.utils import parse_utc

    when = parse_utc(exchange.timestamp).replace(tzinfo=UTC)
    return Receipt(module_id, learner_id, when, files)


def _keep_to_owner(submission: Path) -> None:
    """nbgrader leaves a submission world-readable (0644) in an inbound folder others can write to:
    under a hub, anyone who learns its name could read it. Only its owner (and root, who collects)."""
    for folder, _, files in os.walk(submission):
        os.chmod(folder, 0o700)
        for name in files:
            os.chmod(os.path.join(folder, name), 0o600)


def release_feedback(course: Course, module_id: str) -> bool:
    """Put the module's feedback pages (`hocso grade feedback`) where learners' labs fetch them;
    False when there is no exchange (the course does not hand work in through it)."""
    if not (exchange_root(course) / course.id).is_dir():
        return False
    _run("ExchangeReleaseFeedback", nbgrader_config(course), module_id)
    return True


def fetch_feedback(course: Course, module_id: str, learner_id: str, cache: Path, folder: Path) -> list[Path]:
    """Returned feedback of the learner's submissions into `folder/feedback/<submitted at>/`
    (nbgrader's layout, found by the submission secret kept in the learner's cache)."""
    released = exchange_root(course) / course.id / "feedback"
    if not released.is_dir() or not list((cache / course.id).glob(f"*+{module_id}+*")):
        return []
    with tempfile.TemporaryDirectory(prefix="hocso-feedback-") as staging:
        config = nbgrader_config(course, learner_id, cache)
        _run("ExchangeFetchFeedback", config, module_id, assignment_dir=staging)
        fetched = Path(staging) / module_id / "feedback"
        found = []
        for page in sorted(fetched.glob("*/*.html")):
            target = folder / "feedback" / page.parent.name / page.name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(page, target)
            found.append(target)
    return found
