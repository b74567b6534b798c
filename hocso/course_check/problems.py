"""A lint finding: where it is, what is wrong, and how to fix it."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    file: Path
    where: str  # "cell 7 (grade id 'q1_tests')", "modules[3]", or "" for the whole file
    message: str
    fix: str

    def render(self, root: Path | None = None) -> str:
        file = self.file
        if root is not None and file.is_relative_to(root):
            file = file.relative_to(root)
        location = f"{file}: {self.where}" if self.where else str(file)
        return f"{location}: {self.message} — fix: {self.fix}"

    def to_dict(self, root: Path | None = None) -> dict[str, str]:
        data = {key: str(value) for key, value in asdict(self).items()}
        if root is not None and self.file.is_relative_to(root):
            data["file"] = str(self.file.relative_to(root))
        return data


def cell_where(index: int, grade_id: str | None = None) -> str:
    return f"cell {index} (grade id {grade_id!r})" if grade_id else f"cell {index}"
