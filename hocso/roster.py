"""Who the learners are: the roster CSV that `hocso grade collect` and `hocso report` both read.

A roster is a CSV with a header row and these columns, in any order (Excel's files read as they are:
UTF-8 with a BOM or the Vietnamese ANSI code page cp1258, `,` or `;` between columns as a vi-VN
Excel writes them):

    learner_id  the nbgrader student id (the learner's folder name under submitted/)
    name        the learner's full name, Vietnamese diacritics welcome
    group       one of the framework's learner groups (leaders, staff, technical, soldiers, citizens)
    unit        the unit, office or class the learner belongs to
    email       (optional) the learner's e-mail, which LMS exports may name files by

Group names are matched without regard to case (`Staff` is `staff`).

Extra columns are kept out of the model but allowed, so a unit can keep its own notes in the sheet.
Every problem in the file is reported at once, each with its line number, because a roster typed by
hand usually has more than one mistake and fixing them one run at a time wastes an instructor's day.
"""

from __future__ import annotations

import csv
import io
import os
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from hocso.config.models import Course, Framework
from hocso.errors import HocsoError

REQUIRED_COLUMNS: tuple[str, ...] = ("learner_id", "name", "group", "unit")
OPTIONAL_COLUMNS: tuple[str, ...] = ("email",)

__all__ = [
    "REQUIRED_COLUMNS",
    "Learner",
    "Roster",
    "RosterError",
    "RosterProblem",
    "default_roster_path",
    "load_roster",
    "name_key",
    "parse_roster",
]


def default_roster_path(course: Course) -> Path:
    """Where a course keeps its roster when no path is given: beside the gradebook, outside git (learner data)."""
    from hocso.config import course_runtime_dir

    return course_runtime_dir(course) / "roster.csv"


@dataclass(frozen=True)
class Learner:
    learner_id: str
    name: str
    group: str
    unit: str
    email: str = ""


@dataclass(frozen=True)
class RosterProblem:
    """One mistake in a roster file; `line` is the 1-based line in the file (the header is line 1)."""

    line: int
    message: str

    def render(self, path: str) -> str:
        return f"{path}:{self.line}: {self.message}"


class RosterError(HocsoError):
    """The roster file cannot be used; the message lists every problem with its line number."""

    def __init__(self, message: str, problems: tuple[RosterProblem, ...] = ()) -> None:
        super().__init__(message)
        self.problems = tuple(problems)

    def __reduce__(self):  # keep the problems when the error crosses a process pool
        return (self.__class__, (self.message, self.problems))

    @classmethod
    def from_problems(cls, path: str, problems: list[RosterProblem]) -> RosterError:
        noun = "problem" if len(problems) == 1 else "problems"
        lines = "\n".join("  " + problem.render(path) for problem in problems)
        return cls(
            f"roster {path} has {len(problems)} {noun}; fix them and run again:\n{lines}", tuple(problems)
        )


class Roster:
    """The learners of a course, in file order, looked up by id."""

    def __init__(self, learners: Iterable[Learner]) -> None:
        self._learners: tuple[Learner, ...] = tuple(learners)
        self._by_id: dict[str, Learner] = {learner.learner_id: learner for learner in self._learners}
        if len(self._by_id) != len(self._learners):
            raise ValueError("learner ids in a Roster must be unique")
        # the name index is built on the first lookup by name: reports of 100,000 learners never need it
        self._by_key: dict[str, set[str]] | None = None

    def __iter__(self) -> Iterator[Learner]:
        return iter(self._learners)

    def __len__(self) -> int:
        return len(self._learners)

    def __contains__(self, learner_id: object) -> bool:
        return learner_id in self._by_id

    def __getitem__(self, learner_id: str) -> Learner:
        try:
            return self._by_id[learner_id]
        except KeyError:
            raise KeyError(f"learner {learner_id!r} is not on the roster") from None

    def get(self, learner_id: str) -> Learner | None:
        return self._by_id.get(learner_id)

    def find(self, text: str) -> Learner | None:
        """The one learner `text` names: an id (any case), an e-mail, or a full name written with or
        without diacritics, in any case and spacing, also run together (`nguyenvanan`, Canvas) or
        with the given name first; None when no learner or more than one matches."""
        found = self.matches(text)
        return found[0] if len(found) == 1 else None

    def matches(self, text: str) -> tuple[Learner, ...]:
        """Every learner `text` names (as `find` reads it), in roster order: two learners can share
        a full name, and a caller should say so rather than pick one."""
        if self._by_key is None:
            self._by_key = {}
            for learner in self._learners:
                for alias in _aliases(learner):
                    self._by_key.setdefault(alias, set()).add(learner.learner_id)
        key = name_key(text)
        found = (self._by_key.get(key) or self._by_key.get(key.replace(" ", ""))) if key else None
        return tuple(learner for learner in self._learners if learner.learner_id in (found or ()))

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(self._by_id)

    @property
    def groups(self) -> tuple[str, ...]:
        """Group ids that have at least one learner, sorted."""
        return tuple(sorted({learner.group for learner in self._learners}))

    @property
    def units(self) -> tuple[str, ...]:
        """Unit names, sorted."""
        return tuple(sorted({learner.unit for learner in self._learners}))

    def in_group(self, group: str) -> Roster:
        return Roster(learner for learner in self._learners if learner.group == group)

    def in_unit(self, unit: str) -> Roster:
        return Roster(learner for learner in self._learners if learner.unit == unit)


def load_roster(
    path: str | os.PathLike[str],
    groups: Course | Framework | Iterable[str] | None = None,
) -> Roster:
    """Read and validate a roster CSV; raise RosterError listing every problem with its line number.

    `groups` says which group ids are allowed: a course, its framework, or the ids themselves. Without
    it the course around the working directory (or $HOCSO_COURSE) is loaded for its framework.
    """
    allowed = _allowed_groups(groups)
    file = Path(path)
    try:
        data = file.read_bytes()
    except FileNotFoundError:
        raise RosterError(f"roster {file} does not exist; give the path of a CSV file") from None
    except IsADirectoryError:
        raise RosterError(f"roster {file} is a folder; give the path of a CSV file") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        try:  # Excel's plain "CSV" on a vi-VN Windows: the ANSI code page, tones as combining marks
            if b"\x00" in data:  # UTF-16 ("Unicode text"), not a code page
                raise UnicodeDecodeError("cp1258", data, 0, 1, "NUL byte")
            text = unicodedata.normalize("NFC", data.decode("cp1258"))
        except UnicodeDecodeError:
            raise RosterError(
                f"roster {file} is not UTF-8 (byte {error.start}); save it as 'CSV UTF-8' and try again"
            ) from None
    return parse_roster(text, str(file), allowed)


def parse_roster(text: str, source: str, allowed_groups: Iterable[str]) -> Roster:
    """Validate roster text; `source` names it in messages. Separate from the file so tests need no disk."""
    allowed = tuple(allowed_groups)
    canonical = {group.casefold(): group for group in allowed}
    first = text.lstrip("\ufeff").split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","  # vi-VN Excel separates with ;
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), delimiter=delimiter)
    problems: list[RosterProblem] = []
    header_row = next(reader, None)
    if header_row is None or not any(cell.strip() for cell in header_row):
        raise RosterError.from_problems(
            source,
            [RosterProblem(1, f"the file is empty; the first line must be: {','.join(REQUIRED_COLUMNS)}")],
        )
    header = [cell.strip().lower() for cell in header_row]
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing:
        problems.append(
            RosterProblem(
                1,
                f"missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)}; "
                f"the header must name: {', '.join(REQUIRED_COLUMNS)}",
            )
        )
    for column in sorted({c for c in header if c and header.count(c) > 1}):
        problems.append(RosterProblem(1, f"column {column!r} appears more than once in the header"))
    index = {
        column: header.index(column) for column in (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS) if column in header
    }

    learners: list[Learner] = []
    first_line: dict[str, int] = {}
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue  # blank lines (often at the end of a sheet) carry no learner
        values = {column: (row[i].strip() if i < len(row) else "") for column, i in index.items()}
        learner_id = values.get("learner_id", "")
        if "learner_id" in index:
            if not learner_id:
                problems.append(RosterProblem(line, "learner_id is empty; every learner needs an id"))
            elif learner_id in first_line:
                problems.append(
                    RosterProblem(
                        line,
                        f"duplicate learner_id {learner_id!r} (first on line {first_line[learner_id]}); "
                        "ids must be unique",
                    )
                )
            else:
                first_line[learner_id] = line
        group = canonical.get(values.get("group", "").casefold(), values.get("group", ""))
        if "group" in index and group not in allowed:
            shown = repr(group) if group else "empty"
            problems.append(
                RosterProblem(
                    line,
                    f"unknown group {shown} for {learner_id or 'this learner'}; use one of: {', '.join(allowed)}",
                )
            )
        if "name" in index and not values.get("name"):
            problems.append(RosterProblem(line, f"name is empty for {learner_id or 'this learner'}"))
        if "unit" in index and not values.get("unit"):
            problems.append(RosterProblem(line, f"unit is empty for {learner_id or 'this learner'}"))
        if not missing and first_line.get(learner_id) == line:
            learners.append(
                Learner(learner_id, values["name"], group, values["unit"], values.get("email", ""))
            )
    if problems:
        raise RosterError.from_problems(source, problems)
    return Roster(learners)


def name_key(text: str) -> str:
    """`text` folded for matching: without diacritics (NFKD, and đ -> d, which does not decompose),
    lower case, runs of spaces, `_`, `.` and `-` as one space."""
    folded = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(c for c in folded if not unicodedata.combining(c)).casefold()
    return re.sub(r"[\s_.\-]+", " ", plain).strip()


def _aliases(learner: Learner) -> set[str]:
    words = name_key(learner.name).split()
    names = {" ".join(words), "".join(words)}
    if len(words) > 1:  # a "last, first" LMS may put the given name first
        names |= {" ".join(words[-1:] + words[:-1]), "".join(words[-1:] + words[:-1])}
    aliases = {name_key(learner.learner_id), *names}
    if learner.email:
        aliases |= {name_key(learner.email), name_key(learner.email.split("@")[0])}
    return aliases


def _allowed_groups(groups: Course | Framework | Iterable[str] | None) -> tuple[str, ...]:
    if groups is None:
        from hocso.config import load_course

        groups = load_course()
    if isinstance(groups, Course):
        return groups.framework.group_ids
    if isinstance(groups, Framework):
        return groups.group_ids
    return tuple(groups)
