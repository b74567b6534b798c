"""The graded exercises' own items (messages, links, passwords), so the assistant never judges them.

A graded exercise's data lives in `notebooks/<module>/data/graded_*.json` (the course's naming
rule). A learner who pastes one of those messages into the chat, or asks about one of its links,
would get the verdict the exercise grades; the tutor declines instead and points to the lesson.
Matching is fuzzy (rapidfuzz's partial ratio on folded text), since a pasted message loses line
breaks and diacritics; short strings (labels, ids) are left out so ordinary questions never match.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz, process

from hocso.config.models import Course
from hocso.safety.text import fold_diacritics

MIN_ITEM_CHARS = 24
MATCH_SCORE = 88.0
_SKIP_KEYS = {"id", "icon", "channel", "explanation", "why", "feedback", "answer", "title", "label"}
_WORDS = re.compile(r"\w{4,}")
_URL = re.compile(r"(?:https?://)?(?:[a-z0-9-]+\.)+[a-z]{2,}(?:/\S*)?", re.I)


def _fold(text: str) -> str:
    return re.sub(r"\s+", " ", fold_diacritics(text).lower()).strip()


@dataclass(frozen=True)
class GradedItem:
    module: str
    text: str  # folded


def _strings(value: object, key: str = "") -> list[str]:
    if isinstance(value, str):
        return [] if key in _SKIP_KEYS else [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in _strings(v, k if k not in ("vi", "en") else key)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v, key)]
    return []


class GradedItems:
    """Every graded item's text and link in the course; `match(message)` names the module or None."""

    def __init__(self, course: Course | None) -> None:
        self.items: list[GradedItem] = []
        self.links: dict[str, str] = {}
        self._by_word: dict[str, list[int]] = {}
        self._word_counts: list[int] = []
        for folder in sorted(course.notebooks_dir.glob("*/data")) if course else ():
            for path in sorted(folder.glob("graded_*.json")):
                self._add(folder.parent.name, path)

    def _add(self, module: str, path: Path) -> None:
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return
        for text in _strings(document):
            for url in _URL.findall(text):
                self.links[_fold(url).removeprefix("https://").removeprefix("http://").rstrip("/.")] = module
            if len(text) >= MIN_ITEM_CHARS:
                item = GradedItem(module, _fold(text))
                words = set(_WORDS.findall(item.text))
                for word in words:
                    self._by_word.setdefault(word, []).append(len(self.items))
                self._word_counts.append(len(words))
                self.items.append(item)

    def match(self, message: str) -> str | None:
        """The module whose graded item `message` quotes or links to, if any."""
        folded = _fold(message)
        for url in _URL.findall(folded):
            if module := self.links.get(url.removeprefix("https://").removeprefix("http://").rstrip("/.")):
                return module
        if len(folded) < MIN_ITEM_CHARS:
            return None
        # only items sharing several words with the message are compared letter by letter (~0.1 ms)
        words = set(_WORDS.findall(folded))
        shared: dict[int, int] = {}
        for word in words:
            for index in self._by_word.get(word, ()):
                shared[index] = shared.get(index, 0) + 1
        candidates = [i for i, n in shared.items() if n >= min(3, self._word_counts[i])]
        found = process.extractOne(
            folded,
            [self.items[i].text for i in candidates],
            scorer=fuzz.partial_ratio,
            score_cutoff=MATCH_SCORE,
        )
        return self.items[candidates[found[2]]].module if found else None
