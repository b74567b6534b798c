"""BM25 search over the course passages, one index per language (bm25s: maintained, numpy-only, fast).

Vietnamese learners often type without diacritics, so every token is indexed twice: as written and
folded ("lừa" and "lua"). A query typed with diacritics is matched as written (folded syllables
collide: "mỹ"/"my"); a query typed without them is already folded and finds the folded forms. A passage counts only when it scores at least
`min_score` and contains at least `min_coverage` of the query's words; otherwise the tutor says the
course does not cover the question instead of quoting something unrelated.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import bm25s

from hocso.assistant.knowledge import Passage
from hocso.config.models import LanguageCode
from hocso.safety.text import fold_diacritics

_WORD = re.compile(r"\w+", re.UNICODE)
_STOPWORDS = frozenset(
    line.strip()
    for line in (Path(__file__).parent / "data" / "stopwords.txt").read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("#")
)


def tokens(text: str, query: bool = False) -> list[str]:
    """Lower-case words and their folded forms, without stopwords (which match everything).

    A passage gets both forms. A query typed with diacritics keeps only its words as written (folded
    Vietnamese syllables collide: "mỹ" and "my", "thống" and "thông"); a query typed without any
    diacritics is all folded already, so it matches the passages' folded forms.
    """
    out: list[str] = []
    for word in _WORD.findall(unicodedata.normalize("NFC", text.lower())):
        folded = fold_diacritics(word)
        if folded in _STOPWORDS or len(folded) < 2:
            continue
        out.append(word)
        if folded != word and not query:
            out.append(folded)
    return out


@dataclass(frozen=True)
class Hit:
    passage: Passage
    score: float


class CourseIndex:
    """Passages searchable per language; build once per process (about 10 ms for the glossary+FAQ)."""

    def __init__(self, passages: list[Passage], min_score: float = 1.2, min_coverage: float = 0.4) -> None:
        self.min_score = min_score
        self.min_coverage = min_coverage
        self._passages: dict[str, list[Passage]] = {}
        self._vocab: dict[str, list[frozenset[str]]] = {}
        self._indexes: dict[str, bm25s.BM25] = {}
        for language in ("vi", "en"):
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

    def search(self, query: str, language: LanguageCode, k: int = 2) -> list[Hit]:
        """The best passages in `language` scoring at least `min_score`; empty means not covered."""
        index = self._indexes.get(language)
        query_tokens = tokens(query, query=True)
        if index is None or not query_tokens:
            return []
        scores = index.get_scores(query_tokens)
        ranked = sorted(range(len(scores)), key=lambda i: -scores[i])[:k]
        wanted = set(query_tokens)
        return [
            Hit(self._passages[language][i], float(scores[i]))
            for i in ranked
            if scores[i] >= self.min_score
            and len(wanted & self._vocab[language][i]) >= self.min_coverage * len(wanted)
        ]
