"""Checking an AI answer against its sources (modules m09, m11): claims and citations.

The method is deliberately simple so a learner can redo it by hand: fold diacritics, keep content
words, and ask which share of a claim's words appear in one source sentence. Numbers must match
exactly, because a hallucination often keeps the words and changes the figure.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from hocso.i18n import t
from hocso.safety.text import normalize_for_matching

SUPPORTED_AT = 0.75
"""Share of a claim's content words found in one source sentence for "supported"."""
RELATED_AT = 0.4
"""Below this share nothing in the sources is about the claim: "unsupported"."""
VERDICTS = ("supported", "needs_checking", "unsupported")

_WORD = re.compile(r"\w+")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_STOPWORDS = frozenset(
    [
        "va",
        "la",
        "cua",
        "co",
        "cac",
        "nhung",
        "mot",
        "cho",
        "voi",
        "trong",
        "khi",
        "thi",
        "de",
        "duoc",
        "da",
        "se",
        "tu",
        "den",
        "nay",
        "do",
        "ma",
        "nhu",
        "ve",
        "theo",
        "the",
        "a",
        "an",
        "and",
        "or",
        "of",
        "to",
        "in",
        "on",
        "for",
        "is",
        "are",
        "was",
        "were",
        "be",
        "by",
        "with",
        "that",
        "this",
        "it",
        "as",
        "at",
        "from",
        "not",
    ]
)
_CITATION = re.compile(r"\[(\w[\w .-]*)\]|\((?:nguồn|nguon|source|theo)\s*:?\s*([^)]+)\)", re.IGNORECASE)


@dataclass(frozen=True)
class ClaimVerdict:
    claim: str
    verdict: str
    source: str | None
    overlap: float
    missing_words: tuple[str, ...]
    mismatched_numbers: tuple[str, ...]

    def explain(self, lang: str | None = None) -> str:
        return t(f"safety.claim.{self.verdict}", lang, source=self.source or "-")


@dataclass(frozen=True)
class CitationVerdict:
    citation: str
    key: str
    exists: bool
    position: int

    def explain(self, lang: str | None = None) -> str:
        return t(
            "safety.citation.ok" if self.exists else "safety.citation.missing", lang, citation=self.citation
        )


def check_claims(claims: list[str], sources: Mapping[str, str]) -> list[ClaimVerdict]:
    """One verdict per claim: supported, needs_checking (related but not confirmed) or unsupported."""
    sentences = [
        (name, sentence)
        for name, text in sources.items()
        for sentence in re.split(r"(?<=[.!?\n])\s+", text)
        if sentence.strip()
    ]
    return [_judge(claim, sentences) for claim in claims]


def check_citations(answer: str, sources: Mapping[str, str] | list[str]) -> list[CitationVerdict]:
    """Every "[1]" or "(Nguồn: ...)" in `answer`, and whether it points at a source that exists.

    `sources` is keyed by what citations say ("1", "Sổ tay an toàn"); a list counts from 1.
    """
    keys = {str(i): name for i, name in enumerate(sources, start=1)} if isinstance(sources, list) else {}
    names = {normalize_for_matching(str(name)): name for name in (sources if not keys else [])}
    names.update({normalize_for_matching(name): name for name in keys.values()})
    verdicts = []
    for match in _CITATION.finditer(answer):
        raw = (match.group(1) or match.group(2) or "").strip()
        for part in re.split(r"\s*[,;]\s*", raw):
            key = normalize_for_matching(part)
            exists = key in keys or key in names or any(len(key) >= 4 and key in name for name in names)
            verdicts.append(CitationVerdict(match.group(0), part, exists, match.start()))
    return verdicts


def _content_words(text: str) -> list[str]:
    return [w for w in _WORD.findall(normalize_for_matching(text)) if w not in _STOPWORDS and not w.isdigit()]


def _judge(claim: str, sentences: list[tuple[str, str]]) -> ClaimVerdict:
    words = set(_content_words(claim))
    numbers = set(_NUMBER.findall(claim))
    best: tuple[float, str | None, set[str], set[str]] = (0.0, None, words, numbers)
    for name, sentence in sentences:
        have = set(_content_words(sentence))
        overlap = len(words & have) / len(words) if words else 0.0
        wrong = numbers - set(_NUMBER.findall(sentence))
        if (overlap, -len(wrong)) > (best[0], -len(best[3])):
            best = (overlap, name, words - have, wrong)
    overlap, source, missing, wrong = best
    if overlap >= SUPPORTED_AT and not wrong:
        verdict = "supported"
    elif overlap >= RELATED_AT:
        verdict = "needs_checking"
    else:
        verdict, source = "unsupported", None
    return ClaimVerdict(
        claim, verdict, source, round(overlap, 3), tuple(sorted(missing)), tuple(sorted(wrong))
    )
