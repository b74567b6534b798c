"""Learner editions: one module as one learner meets it, in one language and at one group's level.

The course has one source notebook per module and one nbgrader assignment, so grading and the
gradebook are the same for everyone. An edition leaves cells out: cells tagged with the other
language (markdown, and code cells that exist once per language, such as a question to the
assistant), and exercises above the group's target level (`metadata.hocso.level` on each cell of an
exercise, compared with the module's `target_levels` in course.toml). It also folds away the code of
every cell outside the optional go-further section: learners run those cells, they need not read
them, and on a phone the code pushes the widgets off the screen. Reports use the same rule to
say which points a learner of a group could earn (`edition_exercises`), so a citizen is measured on
the citizens' edition and a technical officer on the deeper one.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from hocso.config.models import Course, LanguageCode, Localized, Module
from hocso.notebook_meta import Exercise, cell_language, cell_level, cell_track, course_exercises

EDITION_KEY = "edition"  # notebook metadata.hocso.edition = {"language": ..., "group": ..., "level": ...}
#: What nbgrader's ClearSolutions writes into a cleared code cell (nbgrader_config.py), and what each
#: language edition shows instead: a comment to write code, never `raise NotImplementedError()`.
CODE_STUB = "# ✍ Viết mã của bạn ở đây / Write your code here\npass"
CODE_STUB_TEXT = Localized(vi="# ✍ Viết mã của bạn ở đây", en="# ✍ Write your code here")
#: What a cleared written answer (a reflection) shows, instead of nbgrader's "YOUR ANSWER HERE".
TEXT_STUB = "✍ Viết câu trả lời của bạn ở đây. / ✍ Write your answer here."
TEXT_STUB_TEXT = Localized(vi="✍ Viết câu trả lời của bạn ở đây.", en="✍ Write your answer here.")
GO_FURTHER = "go_further"


def group_level(module: Module, group: str | None) -> int | None:
    """The target level of `group` in `module` (None: no group, every exercise is in)."""
    if group is None:
        return None
    try:
        return module.target_levels[group]
    except KeyError:
        known = ", ".join(sorted(module.target_levels))
        raise ValueError(
            f"module {module.id} has no target level for group {group!r}; groups: {known}"
        ) from None


def in_reach(exercise_level: int | None, target: int | None) -> bool:
    """The one rule: an exercise is in a group's edition when it has no level or is at or below the target."""
    return target is None or exercise_level is None or exercise_level <= target


def in_edition(cell: Any, language: LanguageCode | None, level: int | None) -> bool:
    """Whether a cell belongs to the edition of `language` (None: both) and `level` (None: all)."""
    if language is not None and cell_language(cell) not in (None, language):
        return False
    return in_reach(cell_level(cell), level)


def edition_cells(cells: Iterable[Any], language: LanguageCode | None, level: int | None) -> list[Any]:
    """The cells of the edition (for a language edition: stubs in its language, lesson code folded)."""
    kept = []
    for cell in cells:
        if not in_edition(cell, language, level):
            continue
        if language is not None:
            _localize_stubs(cell, language)
            if cell.get("cell_type") == "code" and cell_track(cell) != GO_FURTHER:
                cell.setdefault("metadata", {}).setdefault("jupyter", {})["source_hidden"] = True
        kept.append(cell)
    return kept


def _localize_stubs(cell: Any, language: LanguageCode) -> None:
    text = _text(cell)
    if cell.get("cell_type") == "code" and CODE_STUB_TEXT.vi in text:
        cell["source"] = text.replace(CODE_STUB.split("\n")[0], CODE_STUB_TEXT(language))
    elif cell.get("cell_type") == "markdown" and text.strip() == TEXT_STUB:
        cell["source"] = TEXT_STUB_TEXT(language)


def edition_exercises(course: Course, module: Module, group: str | None) -> list[Exercise]:
    """The graded cells a learner of `group` meets in `module` (all of them for no group)."""
    level = group_level(module, group)
    return [
        exercise
        for exercise in course_exercises(course)
        if exercise.module == module.id
        and (level is None or exercise.level is None or exercise.level <= level)
    ]


def _text(cell: Any) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source
