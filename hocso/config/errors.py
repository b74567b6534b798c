"""Configuration errors that name the file, the key path, the bad value and what is allowed."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hocso.errors import HocsoError


@dataclass(frozen=True)
class ConfigProblem:
    file: Path
    key: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.key}" if self.key else str(self.file)
        return f"{where}: {self.message}"


class CourseConfigError(HocsoError):
    """course.toml or framework.toml is missing, unreadable or invalid; lists every problem found."""

    exit_code = 2

    def __init__(self, message: str, problems: tuple[ConfigProblem, ...] = ()) -> None:
        super().__init__(message)
        self.problems = problems

    def __reduce__(self) -> tuple[Any, ...]:
        return (self.__class__, (self.message, self.problems))

    @classmethod
    def from_problems(cls, problems: list[ConfigProblem]) -> CourseConfigError:
        lines = "\n".join(f"  - {problem}" for problem in problems)
        noun = "problem" if len(problems) == 1 else "problems"
        return cls(f"the course configuration has {len(problems)} {noun}:\n{lines}", tuple(problems))
