"""Collect LMS downloads (a folder or zip) into nbgrader's `submitted/<learner>/<module>/`.

File names map to learners: `<learner>/<notebook>` or `<learner>_<notebook>` (also `-`). Originals are
only read, never moved. Duplicates, unknown learners and unreadable files are reported, not guessed.
"""

from __future__ import annotations

import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from hocso.graders.errors import SubmissionError

from hocso.config import Course, course_runtime_dir


@dataclass
class CollectReport:
    collected: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)


def _learner_of(path: Path, root: Path, notebook: str) -> str | None:
    relative = path.relative_to(root)
    if len(relative.parts) >= 2 and relative.name == notebook:
        return relative.parts[-2]
    for separator in ("_", "-", "__"):
        suffix = separator + notebook
        if path.name.endswith(suffix) and len(path.name) > len(suffix):
            return path.name[: -len(suffix)].rstrip("_-")
    return None


def collect_submissions(
    course: Course, module_id: str, source: Path, learners: set[str] | None = None
) -> CollectReport:
    """Copy each learner's notebooks into `submitted/`; `learners` (a roster) rejects unknown ids."""
    module = course.module(module_id)
    if not source.exists():
        raise SubmissionError(f"{source} does not exist; give the LMS download folder or zip")
    with tempfile.TemporaryDirectory() as scratch:
        root = source
        if source.is_file():
            try:
                with zipfile.ZipFile(source) as archive:
                    archive.extractall(scratch)
            except zipfile.BadZipFile as error:
                raise SubmissionError(f"{source} is not a readable zip file; download it again") from error
            root = Path(scratch)
        return _collect_from(course, module.id, module.notebooks, root, learners)


def _collect_from(
    course: Course, module_id: str, notebooks: tuple[str, ...], root: Path, learners: set[str] | None
) -> CollectReport:
    report = CollectReport()
    seen: set[tuple[str, str]] = set()
    submitted = course_runtime_dir(course) / "submitted"
    for path in sorted(root.rglob("*.ipynb")):
        for notebook in notebooks:
            learner = _learner_of(path, root, notebook)
            if learner is None:
                continue
            label = f"{path.relative_to(root)} -> {learner}"
            if learners is not None and learner not in learners:
                report.unknown.append(label)
                break
            if (learner, notebook) in seen:
                report.duplicates.append(label)
                break
            try:
                nbformat.read(path, as_version=4)
            except Exception as error:  # any parse failure means the same thing to the instructor
                report.unreadable.append(f"{label}: {type(error).__name__}")
            seen.add((learner, notebook))
            target = submitted / learner / module_id / notebook
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
            report.collected.append(label)
            break
    return report


def collect_from_exchange(course: Course, module_id: str, learners: set[str] | None = None) -> CollectReport:
    """Take each learner's newest submission of the module from nbgrader's exchange (`ExchangeCollect`,
    so the widget answers files come along) into `submitted/`; a learner whose submission was
    replaced by a newer one is graded again by the next autograde."""
    import logging

    from nbgrader.auth import Authenticator
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.exchange import ExchangeError
    from nbgrader.exchange.default import ExchangeCollect

    from hocso.lab.exchange import exchange_root, nbgrader_config

    module = course.module(module_id)
    inbound = exchange_root(course) / course.id / "inbound"
    if not inbound.is_dir():
        raise SubmissionError(
            f"{inbound} does not exist: nothing was released through the exchange yet "
            f"(learners get {module.id} with `hocso lab`); or collect an LMS download with --from"
        )
    runtime = course_runtime_dir(course)
    before = {p.parent.name: _stamp(p) for p in (runtime / "submitted").glob(f"*/{module.id}/timestamp.txt")}
    config = nbgrader_config(course)
    config.CourseDirectory.assignment_id = module.id
    config.ExchangeCollect.update = True
    config.ExchangeCollect.check_owner = False  # one machine: every submission belongs to the same OS user
    report = CollectReport()
    candidates = sorted({p.name.split("+", 1)[0] for p in inbound.glob(f"*+{module.id}+*")})
    for learner in candidates:
        if learners is not None and learner not in learners:
            report.unknown.append(f"{learner} (exchange)")
    for learner in candidates:
        if learners is not None and learner not in learners:
            continue
        config.CourseDirectory.student_id = learner
        collector = ExchangeCollect(
            coursedir=CourseDirectory(config=config),
            authenticator=Authenticator(config=config),
            config=config,
            log=logging.getLogger("hocso.graders.collect"),
        )
        try:
            collector.start()
        except (ExchangeError, OSError) as error:
            report.unreadable.append(f"{learner} (exchange): {error}")
            continue
        stamp = _stamp(runtime / "submitted" / learner / module.id / "timestamp.txt")
        if stamp is not None and stamp != before.get(learner):
            # the done marker of an older submission's grading would make autograde skip this one
            shutil.rmtree(runtime / "autograded" / learner / module.id, ignore_errors=True)
        report.collected.append(f"{learner} (exchange, {stamp})")
    return report


def _stamp(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8").strip()
    except OSError:
        return None
