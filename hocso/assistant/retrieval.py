"""BM25 search over the course passages, one index per language (bm25s: maintained, numpy-only, fast).

Vietnamese learners often type without diacritics, so every passage word is indexed twice: as written
("lừa") and folded with a marker ("~lua"). A query typed with diacritics is matched only as written
(folded syllables collide: "ngon"/"ngôn", "mỹ"/"my"); a query typed without any is matched only against
the folded forms. A passage counts only when it scores at least `min_score` and contains at least
`min_coverage` of the query's words, and two of them when the query has two or more (one shared word,
"capital", is a coincidence); otherwise the tutor says the course does not cover the question
instead of quoting something unrelated.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import bm25s

from hocso.assistant.knowledge import Passage
from hocso.config.models import LANGUAGES, LanguageCode
from hocso.safety.text import fold_diacritics

_WORD = re.compile(r"\w+", re.UNICODE)
_STOPWORDS = frozenset(
    line.strip()
    for line in (Path(__file__).parent / "data" / "stopwords.txt").read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("#")
)


FOLDED = "~"  # marks a folded form, so "ngon" typed with other diacritics never matches "ngôn"
PAIR = "_"  # joins two neighbouring words into one token


def tokens(text: str, query: bool = False) -> list[str]:
    """Lower-case words without stopwords (which match everything): as written and folded for a passage.

    A query keeps one form per word: as written when the query has any diacritic (its writer used
    them, so a bare "ngon" means "ngon"), folded when it has none (a learner typing without them).
    """
    normal = unicodedata.normalize("NFC", text.lower())
    every = _WORD.findall(normal)
    kept = [len(w) >= 2 and fold_diacritics(w) not in _STOPWORDS for w in every]
    words = [w for w, keep in zip(every, kept, strict=True) if keep]
    # neighbouring content words as one token too: Vietnamese words are mostly two syllables
    # ("thời tiết", "tác giả"), so one shared syllable ("tiết") is a coincidence, a shared pair is not
    words += [
        f"{a}{PAIR}{b}" for a, b, ka, kb in zip(every, every[1:], kept, kept[1:], strict=False) if ka and kb
    ]
    if not query:
        return [form for word in words for form in (word, FOLDED + fold_diacritics(word))]
    if fold_diacritics(normal) != normal:
        return words
    return [FOLDED + word for word in words]


def pairs(query_tokens: list[str]) -> set[str]:
    return {token for token in query_tokens if PAIR in token}


@dataclass(frozen=True)
class Hit:
    passage: Passage
    score: float


class CourseIndex:
    """Passages searchable per language; build once per process (about 10 ms for the glossary+FAQ)."""

    def __init__(
        self,
        passages: list[Passage],
        min_score: float = 1.2,
        min_coverage: float = 0.4,
        min_pairs: float = 0.25,
    ) -> None:
        self.min_score = min_score
        self.min_coverage = min_coverage
        self.min_pairs = min_pairs
        self._passages: dict[str, list[Passage]] = {}
        self._vocab: dict[str, list[frozenset[str]]] = {}
        self._indexes: dict[str, bm25s.BM25] = {}
        for language in LANGUAGES:
            chosen = [p for p in passages if p.language == language]
            if not chosen:
                continue
            corpus = [tokens(p.text + " " + p.title) for p in chosen]
            index = bm25s.BM25()
            index.index(corpus, show_progress=False)
            self._vocab[language] = [frozenset(words) for words in corpus]
            self._passages[language] = chosen
            self._indexes[language] = index

    def __len__(self) -> int:
        return sum(len(p) for p in self._passages.values())

    def search(self, query: str, language: LanguageCode, k: int = 2, strict: bool = True) -> list[Hit]:
        """The best passages in `language` scoring at least `min_score`; empty means not covered.

        `strict=False` ranks without the score and coverage floors (pointing to the closest lesson)."""
        index = self._indexes.get(language)
        query_tokens = tokens(query, query=True)
        if index is None or not query_tokens:
            return []
        scores = index.get_scores(query_tokens)
        ranked = sorted(range(len(scores)), key=lambda i: -scores[i])[:k]
        wanted = {token for token in query_tokens if PAIR not in token}
        wanted_pairs = pairs(query_tokens)
        return [
            Hit(self._passages[language][i], float(scores[i]))
            for i in ranked
            if not strict
            or (
                scores[i] >= self.min_score
                and len(wanted & self._vocab[language][i])
                >= max(min(2, len(wanted)), self.min_coverage * len(wanted))
                and (
                    not wanted_pairs
                    or language != "vi"  # English words are whole words, and their order varies
                    or len(wanted_pairs & self._vocab[language][i]) >= self.min_pairs * len(wanted_pairs)
                )
            )
        ]
