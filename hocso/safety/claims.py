"""Checking an AI answer against its sources (modules m09, m11): claims and citations.

The method is deliberately simple so a learner can redo it by hand: fold diacritics, keep content
words, and ask which share of a claim's words appear in one source sentence. Facts must match
exactly, because a hallucination often keeps the words and changes the figure, and they are compared
as what they are, not as digit runs (`facts`):

- a date is a date: "1/1/2026", "01-01-2026" and "ngày 1 tháng 1 năm 2026" are the same day;
- a document number is one token: the "2025" of "Luật 91/2025/QH15" is not a year, so "từ ngày
  01/01/2025" does not agree with a source that only names that law and 01/01/2026;
- any other number is a whole token ("5" is not inside "5656"; "10.000.000" is 10000000).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Literal

from hocso.config.models import LanguageCode
from hocso.i18n import t
from hocso.safety.text import normalize_for_matching

SUPPORTED_AT = 0.75
"""Share of a claim's content words found in one source sentence for "supported"."""
RELATED_AT = 0.4
"""Below this share nothing in the sources is about the claim: "unsupported"."""
VERDICTS = ("supported", "needs_checking", "unsupported")

_WORD = re.compile(r"\w+")
_NUMBER = re.compile(r"(?<![\w.,])\d+(?:[.,]\d+)*(?![\w])")
# On folded, lower-cased text (see `normalize_for_matching`).
_DATE = re.compile(
    r"(?<![\w/.-])(\d{1,2})\s*([/.-])\s*(\d{1,2})\s*\2\s*(\d{4})(?![\w/-]|[.]\d)"
    r"|ngay\s+(\d{1,2})\s+thang\s+(\d{1,2})\s+nam\s+(\d{4})(?!\w)"
)
_DOCUMENT = re.compile(r"(?<![\w/])(\d{1,4})/(\d{4})(?:/([a-z][a-z0-9-]*))?(?![\w/])")
_MONTH = re.compile(r"thang\s+(\d{1,2})\s*(?:/|nam)\s*(\d{4})(?!\w)")
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


Verdict = Literal["supported", "needs_checking", "unsupported"]


@dataclass(frozen=True)
class ClaimVerdict:
    claim: str
    verdict: Verdict
    source: str | None
    overlap: float
    missing_words: tuple[str, ...]
    mismatched_numbers: tuple[str, ...]

    def explain(self, lang: LanguageCode | None = None) -> str:
        return t(f"safety.claim.{self.verdict}", lang, source=self.source or "-")


@dataclass(frozen=True)
class CitationVerdict:
    citation: str
    key: str
    exists: bool
    position: int

    def explain(self, lang: LanguageCode | None = None) -> str:
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


def facts(text: str) -> dict[str, str]:
    """The checkable facts of `text`, `{normal form: as written (folded)}`: dates ("date:2026-01-01"), months
    ("month:2025-03"), document numbers ("doc:91/2025"), and whole numbers ("num:156"); citation
    markers such as "[3]" or "(Nguồn: …)" are left out."""
    found: dict[str, str] = {}
    rest = normalize_for_matching(_CITATION.sub(" ", text))  # "[3]" points at a source, it is no fact

    def take(pattern: re.Pattern[str], key: Callable[[re.Match[str]], str | None]) -> None:
        nonlocal rest
        kept = []
        end = 0
        for match in pattern.finditer(rest):
            normal = key(match)
            if normal is None:
                continue
            found.setdefault(normal, match.group(0).strip())
            kept.append(rest[end : match.start()])
            end = match.end()
        rest = " ".join([*kept, rest[end:]])

    take(_DATE, _date_key)
    take(_MONTH, lambda m: _month_key(m.group(1), m.group(2)))
    take(_DOCUMENT, _document_key)
    take(_NUMBER, _number_key)
    return found


def unmatched_facts(claim: str, source: str) -> list[str]:
    """The facts of `claim` (as written, folded) that `source` does not state; empty when every one agrees."""
    have = facts(source)
    # "năm 2026" and "tháng 1/2026" agree with a source dated 01/01/2026 (a document's year is no date)
    dated = [key.split(":")[1] for key in have if key.startswith(("date:", "month:"))]
    implied = {f"num:{day[:4]}" for day in dated} | {f"month:{day[:7]}" for day in dated}
    return [written for key, written in facts(claim).items() if key not in have and key not in implied]


def agrees_with_source(claim: str, source: str) -> bool:
    """Whether every date, document number and number in `claim` is stated in `source`."""
    return not unmatched_facts(claim, source)


def _date_key(match: re.Match[str]) -> str | None:
    day, month, year = (
        (match.group(1), match.group(3), match.group(4))
        if match.group(1)
        else (match.group(5), match.group(6), match.group(7))
    )
    try:
        return f"date:{date(int(year), int(month), int(day)).isoformat()}"
    except ValueError:  # "13/25/2026" is not a day (nor a month/year or a document number)
        return None


def _month_key(month: str, year: str) -> str | None:
    return f"month:{int(year):04d}-{int(month):02d}" if 1 <= int(month) <= 12 else None


def _document_key(match: re.Match[str]) -> str:
    return f"doc:{int(match.group(1))}/{match.group(2)}"


def _number_key(match: re.Match[str]) -> str:
    written = match.group(0)
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+", written):  # Vietnamese thousands: 10.000.000
        written = written.replace(".", "")
    return f"num:{written.replace(',', '.')}"


def _content_words(text: str) -> list[str]:
    return [w for w in _WORD.findall(normalize_for_matching(text)) if w not in _STOPWORDS and not w.isdigit()]


def _judge(claim: str, sentences: list[tuple[str, str]]) -> ClaimVerdict:
    words = set(_content_words(claim))
    best: tuple[float, str | None, set[str], set[str]] = (0.0, None, words, set(facts(claim).values()))
    for name, sentence in sentences:
        have = set(_content_words(sentence))
        overlap = len(words & have) / len(words) if words else 0.0
        wrong = set(unmatched_facts(claim, sentence))
        if (overlap, -len(wrong)) > (best[0], -len(best[3])):
            best = (overlap, name, words - have, wrong)
    overlap, source, missing, wrong = best
    verdict: Verdict
    if overlap >= SUPPORTED_AT and not wrong:
        verdict = "supported"
    elif overlap >= RELATED_AT:
        verdict = "needs_checking"
    else:
        verdict, source = "unsupported", None
    return ClaimVerdict(
        claim, verdict, source, round(overlap, 3), tuple(sorted(missing)), tuple(sorted(wrong))
    )
