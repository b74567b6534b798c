"""The output check for generated text on graded cells: no solution code, no answer-key item.

A generative model is asked for hints only (`hints.hint_system_note`), but a small or a persuaded model
may still write the solution. So before a learner sees a generated reply on a graded cell, it passes
two checks: code that could solve the cell is cut (`hints.withhold_solutions`), and every sentence or
line that reproduces an item of the course's answer key is cut too. The answer key is what the author
sources hold between nbgrader's `### BEGIN SOLUTION`/`### END SOLUTION` and `### BEGIN HIDDEN TESTS`/
`### END HIDDEN TESTS` markers: solution lines, and the strings of the hidden tests (expected answers
and their explanations). It is read on the server side, where the course sources are; a learner's
workspace has only student editions, whose key is empty, and then the code check still runs.
Matching is fuzzy (rapidfuzz's partial ratio on folded, lower-case text), since a model rewraps and
drops diacritics; pieces shorter than `MIN_KEY_CHARS` are not matched, so "156" or "scam" alone is not
a leak.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

from rapidfuzz import fuzz, process

from hocso.assistant.hints import withhold_solutions
from hocso.config.models import Course, LanguageCode
from hocso.i18n import t
from hocso.notebook_meta import read_cells
from hocso.safety.text import fold_diacritics

MIN_KEY_CHARS = 24
MATCH_SCORE = 90.0
_REGION = re.compile(
    r"^[ \t]*###\s*BEGIN\s+(SOLUTION|HIDDEN TESTS)[^\n]*\n(.*?)^[ \t]*###\s*END\s+\1",
    re.MULTILINE | re.DOTALL,
)
_PIECES = re.compile(r"(?<=[.!?;:])\s+|\n+")
Reason = Literal["solution_code", "answer_key"]


@dataclass(frozen=True)
class KeyItem:
    """One piece of the answer key: where it is from and its folded text."""

    source: str  # "m04/m04_phishing.ipynb cell 15"
    text: str


@dataclass(frozen=True)
class FilteredAnswer:
    """What the learner may see, and why something was held back (`reasons` empty when nothing was)."""

    text: str
    reasons: tuple[Reason, ...] = ()
    matched: tuple[str, ...] = ()  # the key items' sources, for the log; never their text

    @property
    def withheld(self) -> bool:
        return bool(self.reasons)


class AnswerKey:
    """The answer key of a course's graded cells, read from its author notebooks."""

    def __init__(self, items: list[KeyItem]) -> None:
        self.items = items
        self._texts = [item.text for item in items]

    @classmethod
    def from_notebooks(cls, paths: list[Path], root: Path) -> AnswerKey:
        items: list[KeyItem] = []
        for path in paths:
            try:
                cells = read_cells(path)
            except (OSError, ValueError):
                continue
            for number, cell in enumerate(cells):
                if cell.get("cell_type") != "code":
                    continue
                where = f"{path.relative_to(root) if path.is_relative_to(root) else path.name} cell {number}"
                items += [KeyItem(where, text) for text in _key_texts(str(cell.get("source", "")))]
        return cls(items)

    def find(self, text: str) -> KeyItem | None:
        """The key item that `text` (one sentence or line of a reply) reproduces, if any."""
        folded = _fold(text)
        if len(folded) < MIN_KEY_CHARS or not self._texts:
            return None
        found = process.extractOne(folded, self._texts, scorer=fuzz.partial_ratio, score_cutoff=MATCH_SCORE)
        return self.items[found[2]] if found else None


@cache
def _course_key(notebooks: tuple[Path, ...], root: Path) -> AnswerKey:
    return AnswerKey.from_notebooks(list(notebooks), root)


def answer_key_for(course: Course | None) -> AnswerKey:
    """The course's answer key (read once per process); empty without a course or its sources."""
    if course is None:
        return AnswerKey([])
    paths = tuple(
        path for module in course.modules for path in course.notebook_paths(module) if path.is_file()
    )
    return _course_key(paths, course.notebooks_dir)


def leaks(text: str, key: AnswerKey) -> list[KeyItem]:
    """The key items that `text` reproduces, sentence by sentence (what `filter_answer` cuts)."""
    return [item for piece in _PIECES.split(text) if (item := key.find(piece))]


def filter_answer(text: str, key: AnswerKey, language: LanguageCode | None = None) -> FilteredAnswer:
    """`text` without solution code and without sentences that reproduce the answer key."""
    checked = withhold_solutions(text, language)
    reasons: list[Reason] = ["solution_code"] if checked.withheld else []
    kept: list[str] = []
    matched: list[str] = []
    for piece in _PIECES.split(checked.text):
        if item := key.find(piece):
            matched.append(item.source)
        else:
            kept.append(piece)
    result = checked.text
    if matched:
        reasons.append("answer_key")
        result = " ".join(p.strip() for p in kept if p.strip())
        result = f"{result}\n\n{t('assistant.guard.answer_key_withheld', language)}".strip()
    return FilteredAnswer(result, tuple(reasons), tuple(dict.fromkeys(matched)))


def _key_texts(source: str) -> list[str]:
    """Solution lines and hidden-test strings in one cell's source, folded, long enough to match."""
    texts: list[str] = []
    for match in _REGION.finditer(source):
        body = match.group(2)
        if match.group(1) == "SOLUTION":
            texts += [line for line in map(_fold, body.splitlines()) if len(line) >= MIN_KEY_CHARS]
        else:
            texts += [s for s in map(_fold, _string_literals(body)) if len(s) >= MIN_KEY_CHARS]
    return texts


def _string_literals(code: str) -> list[str]:
    """The string constants in a piece of Python, read with `tokenize` (the piece need not parse)."""
    strings: list[str] = []
    try:
        for token in tokenize.generate_tokens(io.StringIO(code).readline):
            if token.type == tokenize.STRING:
                try:
                    value = ast.literal_eval(token.string)
                except (ValueError, SyntaxError):
                    continue
                if isinstance(value, str):
                    strings.append(value)
    except (tokenize.TokenError, IndentationError, SyntaxError):
        pass
    return strings


def _fold(text: str) -> str:
    return re.sub(r"\s+", " ", fold_diacritics(text).lower()).strip()
