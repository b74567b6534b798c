"""Collect a module's submissions into nbgrader's `submitted/<learner>/<module>/`.

From an LMS download (`collect_submissions`: a folder or zip in any layout of
`hocso.graders.lms_layouts`, read by `hocso.graders.lms_archive`, originals untouched) or from
nbgrader's exchange (`collect_from_exchange`). The roster decides who a file belongs to (by id,
e-mail or full name, diacritics-insensitive); without one only learner ids are understood.

Each notebook travels with its widget answers file (`<notebook stem>.answers.json`). When a learner
sent a notebook more than once, the newest wins (the time the LMS archive records, else the file's
time; then the later copy or resubmission number) and the report names both files and why. A
notebook of another module is recognised by its cells (nbgrader grade ids, cell ids, checksums),
whatever its name, and reported, not collected. Collecting nothing raises `NothingCollected`.
A learner whose files are the same as last time keeps their folder untouched, so autograde does
not grade them again (`hocso.graders.autograde` regrades what changed).
"""

from __future__ import annotations

import filecmp
import json
import re
import shutil
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Literal

from hocso.config import Course, course_runtime_dir
from hocso.config.models import LanguageCode
from hocso.graders.errors import SubmissionError
from hocso.graders.lms_archive import ExportFile, export_files
from hocso.graders.lms_layouts import ANSWERS_SUFFIX, NamedFile, is_junk, learner_hints, read_name
from hocso.i18n import t
from hocso.roster import Roster

__all__ = [
    "CollectReport",
    "Collected",
    "Duplicate",
    "NothingCollected",
    "WrongModule",
    "collect_from_exchange",
    "collect_submissions",
]

_LEARNER_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$")
Why = Literal["newer", "later_copy", "larger", "same"]


@dataclass(frozen=True)
class Collected:
    learner: str
    notebook: str
    source: str  # the file's path inside the download ("exchange" for the exchange)
    answers: str | None = None  # its answers file, when one came with it
    changed: bool = True  # False: the same files as the last collect, left as they were


@dataclass(frozen=True)
class Duplicate:
    learner: str
    notebook: str
    kept: str
    left: str
    why: Why
    kept_time: str
    left_time: str


@dataclass(frozen=True)
class WrongModule:
    source: str
    learner: str | None
    module: str
    notebook: str


@dataclass
class CollectReport:
    collected: list[Collected] = field(default_factory=list)
    duplicates: list[Duplicate] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    ambiguous: list[str] = field(default_factory=list)  # a name several roster learners share
    wrong_module: list[WrongModule] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)  # junk, other files, answers without a notebook
    notebooks_seen: int = 0

    def messages(self, language: LanguageCode | None = None) -> list[str]:
        """One line per event, in `language` (default: the current one), in a stable order."""
        lines = [
            t(
                "graders.collect.duplicate",
                language,
                **{**_fields(d), "why": t(f"graders.collect.why_{d.why}", language)},
            )
            for d in self.duplicates
        ]
        lines += [
            t(
                "graders.collect.wrong_module",
                language,
                source=w.source,
                module=w.module,
                notebook=w.notebook,
                learner=w.learner or "?",
            )
            for w in self.wrong_module
        ]
        lines += [t("graders.collect.unknown", language, item=item) for item in self.unknown]
        lines += [t("graders.collect.ambiguous", language, item=item) for item in self.ambiguous]
        lines += [t("graders.collect.unreadable", language, item=item) for item in self.unreadable]
        if self.ignored:
            lines.append(t("graders.collect.ignored", language, count=len(self.ignored)))
        for c in self.collected:
            key = "collected_answers" if c.answers else "collected"
            key = key if c.changed else "unchanged"
            lines.append(t(f"graders.collect.{key}", language, **_fields(c)))
        return lines


class NothingCollected(SubmissionError):
    """Not one submission of the module was found; the message says what was found instead."""

    exit_code = 2


def _fields(item: object) -> dict[str, object]:
    return {k: v for k, v in vars(item).items()}


@dataclass(frozen=True)
class _Candidate:
    file: ExportFile
    named: NamedFile

    @property
    def order(self) -> tuple[float, int, int]:
        return (round(self.file.mtime), self.named.attempt, self.file.path.stat().st_size)


class _NotebookIndex:
    """What each notebook of the course is made of, to recognise a copy whatever its name."""

    def __init__(self, course: Course) -> None:
        self.tokens: dict[tuple[str, str], set[str]] = {}
        released = course_runtime_dir(course) / "release"
        for module in course.modules:
            for path in course.notebook_paths(module):
                tokens = _tokens(path) | _tokens(released / module.id / path.name)
                if tokens:
                    self.tokens[(module.id, path.name)] = tokens

    def identify(self, path: Path, named: tuple[str, str] | None) -> tuple[str, str] | None:
        """The (module, notebook) whose cells `path` shares most; `named` wins a tie."""
        tokens = _tokens(path)
        scores = {key: len(tokens & mine) for key, mine in self.tokens.items()}
        best = max(scores.values(), default=0)
        if best == 0:
            return None
        if named is not None and scores.get(named, 0) == best:
            return named
        return next(key for key, score in scores.items() if score == best)


def _is_notebook(path: Path) -> bool:
    try:
        return isinstance(json.loads(path.read_bytes()).get("cells"), list)
    except (OSError, ValueError, AttributeError):
        return False


def _tokens(path: Path) -> set[str]:
    """nbgrader grade ids, checksums and cell ids of a notebook's graded cells, read as plain JSON
    (nbformat would also validate the schema, which autograde does anyway)."""
    try:
        cells = json.loads(path.read_bytes())["cells"]
        metas = [(cell, cell.get("metadata", {}).get("nbgrader", {})) for cell in cells]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):  # missing, not JSON, not a notebook
        return set()
    tokens: set[str] = set()
    for cell, meta in metas:
        if not isinstance(meta, dict):
            continue
        if meta.get("grade_id"):
            tokens.add(f"g:{meta['grade_id']}")
        if meta.get("checksum"):
            tokens.add(f"s:{meta['checksum']}")
        if cell.get("id") and meta:
            tokens.add(f"c:{cell['id']}")
    return tokens


def collect_submissions(
    course: Course, module_id: str, source: Path, roster: Roster | None = None
) -> CollectReport:
    """Copy each learner's newest notebooks of the module (with their answers files) from an LMS
    download into `submitted/`; raise NothingCollected when there is none."""
    module = course.module(module_id)
    module_of = {path.name: m.id for m in course.modules for path in course.notebook_paths(m)}
    index = _NotebookIndex(course)
    report = CollectReport()
    notebooks: dict[tuple[str, str], list[_Candidate]] = defaultdict(list)
    answers: dict[tuple[str, str], list[_Candidate]] = defaultdict(list)
    with tempfile.TemporaryDirectory(prefix="hocso-collect-") as scratch:
        for file in export_files(source, Path(scratch)):
            relative = str(file.relative)
            if is_junk(file.relative):
                report.ignored.append(relative)
                continue
            named = read_name(file.relative, tuple(module_of))
            if file.relative.suffix.lower() == ".ipynb":
                report.notebooks_seen += 1
                by_name = (module_of[named.notebook], named.notebook) if named else None
                actual = index.identify(file.path, by_name)
                if named is None and actual is not None:  # renamed ("Untitled.ipynb", "bài nộp.ipynb")
                    hints, _ = learner_hints(file.relative.stem, file.relative.parent)
                    named = NamedFile(actual[1], "notebook", hints, 0, "renamed")
                if named is None:
                    report.ignored.append(relative)
                    continue
                learner = _learner(named.hints, roster)
                module_found, notebook_found = actual or by_name  # type: ignore[misc]
                if module_found != module.id:
                    who = learner if isinstance(learner, str) else None
                    report.wrong_module.append(WrongModule(relative, who, module_found, notebook_found))
                    continue
                named = replace(named, notebook=notebook_found)
                if actual is None and not _is_notebook(file.path):
                    report.unreadable.append(relative)
            elif named is not None and module_of[named.notebook] == module.id:
                learner = _learner(named.hints, roster)
            else:
                report.ignored.append(relative)
                continue
            if isinstance(learner, tuple):
                report.ambiguous.append(f"{relative} ({', '.join(learner)})")
                continue
            if learner is None:
                report.unknown.append(relative)
                continue
            into = notebooks if named.kind == "notebook" else answers
            into[(learner, named.notebook)].append(_Candidate(file, named))
        chosen = _choose(notebooks, answers, report)
        _write(course, module.id, chosen, report)
    if not report.collected:
        raise NothingCollected(_nothing(module.id, module.notebooks, source, report))
    return report


def _learner(hints: tuple[str, ...], roster: Roster | None) -> str | tuple[str, ...] | None:
    """The learner id the hints name; the ids of every learner a name fits when it fits several."""
    if roster is None:  # only a plain id, from the file name or its own folder
        first = hints[0] if hints else ""
        return first if _LEARNER_ID.match(first) and not first.startswith(".") else None
    several: tuple[str, ...] = ()
    for hint in hints:
        found = roster.matches(hint)
        if len(found) == 1:
            return found[0].learner_id
        several = several or tuple(learner.learner_id for learner in found)
    return several or None


def _choose(
    notebooks: dict[tuple[str, str], list[_Candidate]],
    answers: dict[tuple[str, str], list[_Candidate]],
    report: CollectReport,
) -> dict[tuple[str, str], tuple[_Candidate, _Candidate | None]]:
    chosen = {}
    for key, candidates in sorted(notebooks.items()):
        ranked = sorted(candidates, key=lambda c: c.order, reverse=True)
        kept = ranked[0]
        for left in ranked[1:]:
            report.duplicates.append(
                Duplicate(
                    *key,
                    str(kept.file.relative),
                    str(left.file.relative),
                    _why(kept, left),
                    _time(kept),
                    _time(left),
                )
            )
        chosen[key] = (kept, _answers_for(kept, answers.get(key, [])))
    for key, candidates in answers.items():
        if key not in notebooks:
            report.ignored += [str(c.file.relative) for c in candidates]
    return chosen


def _why(kept: _Candidate, left: _Candidate) -> Why:
    for why, (a, b) in zip(
        ("newer", "later_copy", "larger"), zip(kept.order, left.order, strict=True), strict=True
    ):
        if a != b:
            return why  # type: ignore[return-value]
    return "same"


def _time(candidate: _Candidate) -> str:
    return datetime.fromtimestamp(candidate.file.mtime).strftime("%Y-%m-%d %H:%M")


def _answers_for(notebook: _Candidate, candidates: list[_Candidate]) -> _Candidate | None:
    """The answers file saved with this notebook: beside it and of the same copy, else the newest."""

    def closeness(answer: _Candidate) -> tuple[bool, bool, float]:
        beside = answer.file.relative.parent == notebook.file.relative.parent
        return (beside and answer.named.attempt == notebook.named.attempt, beside, answer.file.mtime)

    return max(candidates, key=closeness, default=None)


def _write(
    course: Course,
    module_id: str,
    chosen: dict[tuple[str, str], tuple[_Candidate, _Candidate | None]],
    report: CollectReport,
) -> None:
    per_learner: dict[str, dict[str, Path]] = defaultdict(dict)
    for (learner, notebook), (kept, answer) in chosen.items():
        per_learner[learner][notebook] = kept.file.path
        if answer is not None:
            per_learner[learner][notebook.removesuffix(".ipynb") + ANSWERS_SUFFIX] = answer.file.path
    submitted = course_runtime_dir(course) / "submitted"
    for learner, files in per_learner.items():
        target = submitted / learner / module_id
        changed = not _same_files(target, files)
        if changed:
            shutil.rmtree(target, ignore_errors=True)
            target.mkdir(parents=True)
            for name, path in files.items():
                shutil.copy2(path, target / name)
        for (who, notebook), (kept, answer) in chosen.items():
            if who == learner:
                report.collected.append(
                    Collected(
                        learner,
                        notebook,
                        str(kept.file.relative),
                        str(answer.file.relative) if answer else None,
                        changed,
                    )
                )


def _same_files(target: Path, files: dict[str, Path]) -> bool:
    if not target.is_dir() or {p.name for p in target.iterdir()} != set(files):
        return False
    return all(filecmp.cmp(target / name, path, shallow=False) for name, path in files.items())


def _nothing(module_id: str, notebooks: tuple[str, ...], source: Path, report: CollectReport) -> str:
    reason = t(
        "graders.collect.nothing",
        module=module_id,
        source=source,
        notebooks=", ".join(notebooks),
        seen=report.notebooks_seen,
        other=len(report.wrong_module),
        unknown=len(report.unknown),
    )
    return "\n".join([reason, *("  " + line for line in report.messages())])


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
    before = {
        p.parent.parent.name: _stamp(p) for p in (runtime / "submitted").glob(f"*/{module.id}/timestamp.txt")
    }
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
        changed = stamp is None or stamp != before.get(learner)
        report.collected.append(Collected(learner, "*", f"exchange, {stamp}", None, changed))
    return report


def _stamp(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8").strip()
    except OSError:
        return None
