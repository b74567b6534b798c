"""Password strength (zxcvbn) and the NIST SP 800-63B rev. 4 rules, for module m02.

Why two views: zxcvbn estimates how many guesses an attacker needs (what a strength meter shows);
NIST says what a verifier must accept or reject (15+ characters for a single-factor password, allow
64+, a blocklist of common and breached passwords, no context words, and NO composition rules such as
"one digit and one symbol"). Length alone is not enough: a walk along the keyboard such as
"!@#$%^&*()_+{}|" has 15 characters and is among the first guesses (keyboard walks fill breach
corpora and blocklists), so it is refused like a blocklisted password. The password itself is never
logged, stored in a result, or echoed.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any, Literal

from zxcvbn import zxcvbn
from zxcvbn.adjacency_graphs import ADJACENCY_GRAPHS
from zxcvbn.matching import spatial_match

from hocso.config.models import LanguageCode
from hocso.i18n import t
from hocso.safety.text import normalize_for_matching

MIN_LENGTH = 15
"""NIST SP 800-63B rev. 4: single-factor passwords SHALL be at least 15 characters."""
MAX_LENGTH_ALLOWED = 64
"""Verifiers SHOULD allow at least 64 characters; we never reject a long password."""
ZXCVBN_MAX_CHARS = 72
"""zxcvbn refuses longer input (and slows down); the estimate of the first 72 characters is a lower bound."""

KEYBOARD_SHARE = 0.6
"""A password whose characters are mostly keyboard walks (qwerty rows, columns, the number pad) is refused."""
# Vietnamese keyboards are QWERTY (Telex and VNI type on it); Dvorak would flag plain letter runs.
_KEYBOARDS = {name: ADJACENCY_GRAPHS[name] for name in ("qwerty", "keypad")}

PROBLEM_CODES = ("too_short", "blocklisted", "context_word", "repeated_or_sequential", "keyboard_pattern")
HINT_CODES = (
    "common_password",
    "dictionary_word",
    "name",
    "keyboard_pattern",
    "repeat",
    "sequence",
    "date_or_year",
    "context_word",
)
CrackTimeKey = Literal[
    "online_no_throttling_10_per_second",
    "online_throttling_100_per_hour",
    "offline_slow_hashing_1e4_per_second",
    "offline_fast_hashing_1e10_per_second",
]
Scenario = Literal["online", "online_throttled", "offline_slow", "offline_fast"]
#: our name -> zxcvbn's crack_times_seconds key (the stubs' TypedDict keys, hence the Literal)
SCENARIOS: dict[Scenario, CrackTimeKey] = {
    "online": "online_no_throttling_10_per_second",
    "online_throttled": "online_throttling_100_per_hour",
    "offline_slow": "offline_slow_hashing_1e4_per_second",
    "offline_fast": "offline_fast_hashing_1e10_per_second",
}

_UNITS = (  # (seconds in one unit, catalog key)
    (60 * 60 * 24 * 365 * 100, "centuries"),
    (60 * 60 * 24 * 365, "years"),
    (60 * 60 * 24 * 30, "months"),
    (60 * 60 * 24, "days"),
    (60 * 60, "hours"),
    (60, "minutes"),
    (1, "seconds"),
)


@dataclass(frozen=True)
class PasswordAssessment:
    """zxcvbn's estimate, without the password (it is not kept, so it cannot leak through a repr)."""

    score: int
    guesses: float
    guesses_log10: float
    length: int
    crack_seconds: dict[Scenario, float] = field(repr=False)
    hints: tuple[str, ...] = ()
    zxcvbn_warning: str = ""
    zxcvbn_suggestions: tuple[str, ...] = ()

    def crack_time_text(self, lang: LanguageCode | None = None, scenario: Scenario = "offline_slow") -> str:
        """How long guessing would take, in plain words ("3 giờ", "centuries")."""
        return duration_text(self.crack_seconds[scenario], lang)

    def verdict_text(self, lang: LanguageCode | None = None) -> str:
        """The meter's one-line label for the score ("Rất yếu: ...")."""
        return t(f"safety.password_score.{self.score}", lang)

    def feedback(self, lang: LanguageCode | None = None) -> list[str]:
        """One plain sentence per weakness found, in `lang`."""
        return [t(f"safety.password_hint.{code}", lang) for code in self.hints]


def assess_password(password: str, user_inputs: Sequence[str] = ()) -> PasswordAssessment:
    """Estimate how guessable `password` is; `user_inputs` are the learner's name, birthday, etc."""
    sample = password[:ZXCVBN_MAX_CHARS]
    words = _context_forms(user_inputs)
    result = zxcvbn(sample, user_inputs=words) if sample else None
    if result is None:
        zero = dict.fromkeys(SCENARIOS, 0.0)
        return PasswordAssessment(0, 1.0, 0.0, 0, zero, ("common_password",))
    seconds = {name: float(result["crack_times_seconds"][key]) for name, key in SCENARIOS.items()}
    feedback = result["feedback"]
    return PasswordAssessment(
        score=int(result["score"]),
        guesses=float(result["guesses"]),
        guesses_log10=float(result["guesses_log10"]),
        length=len(password),
        crack_seconds=seconds,
        hints=_hints(result["sequence"]),
        zxcvbn_warning=str(feedback.get("warning") or ""),
        zxcvbn_suggestions=tuple(feedback.get("suggestions") or ()),
    )


def duration_text(seconds: float, lang: LanguageCode | None = None) -> str:
    """`seconds` as a rough duration a beginner reads at a glance."""
    if seconds < 1:
        return t("safety.duration.instant", lang)
    for size, unit in _UNITS:
        if seconds >= size:
            if unit == "centuries":
                return t("safety.duration.centuries", lang)
            return t(f"safety.duration.{unit}", lang, n=math.floor(seconds / size))
    return t("safety.duration.instant", lang)


def nist_problems(
    password: str, blocklist: Iterable[str] | None = None, context_words: Sequence[str] = ()
) -> list[str]:
    """Stable codes of every NIST SP 800-63B rev. 4 rule `password` breaks (empty: acceptable).

    `blocklist` defaults to the shipped list of common passwords. Matching ignores case, spaces and
    Vietnamese diacritics, so "Mật Khẩu" is as blocked as "matkhau". Composition is never checked.
    """
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append("too_short")
    squashed = _squash(password)
    blocked = default_blocklist() if blocklist is None else frozenset(_squash(w) for w in blocklist)
    if squashed in blocked or (_strip_trailing_digits(squashed) in blocked and len(squashed) < 20):
        problems.append("blocklisted")
    words = {form for form in _context_forms(context_words) if len(form) >= 4}
    if any(word in squashed for word in words):
        problems.append("context_word")
    if _repetitive(squashed):
        problems.append("repeated_or_sequential")
    if _keyboard_walk(password[:ZXCVBN_MAX_CHARS]):
        problems.append("keyboard_pattern")
    return problems


def explain_problem(code: str, lang: LanguageCode | None = None) -> str:
    """A learner-facing sentence for a `nist_problems` code."""
    return t(f"safety.nist.{code}", lang, min_length=MIN_LENGTH)


@cache
def default_blocklist() -> frozenset[str]:
    """The shipped list of common and breached-style passwords (Vietnamese and international)."""
    text = resources.files("hocso.safety").joinpath("data/common_passwords.txt").read_text("utf-8")
    lines = (line.strip() for line in text.splitlines())
    return frozenset(_squash(line) for line in lines if line and not line.startswith("#"))


def _context_forms(words: Sequence[str]) -> list[str]:
    """Each context word as people type it in a password: folded, squashed, and its parts."""
    forms: list[str] = []
    for word in words:
        folded = normalize_for_matching(word)
        forms += [folded.replace(" ", ""), *(part for part in folded.split() if len(part) >= 3)]
    return list(dict.fromkeys(form for form in forms if form))


def _squash(text: str) -> str:
    return normalize_for_matching(text).replace(" ", "")


def _strip_trailing_digits(text: str) -> str:
    stripped = text.rstrip("0123456789!@#.")
    return stripped if len(stripped) >= 4 else text


def _repetitive(text: str) -> bool:
    """Mostly one repeated character or chunk ("aaaa...", "abcabc...") or a run like "123456789"."""
    if not text:
        return False
    if len(set(text)) <= 2:
        return True
    for size in range(1, len(text) // 2 + 1):
        chunk = text[:size]
        if len(text) % size == 0 and chunk * (len(text) // size) == text:
            return True
    steps = {ord(b) - ord(a) for a, b in itertools.pairwise(text)}
    return len(steps) == 1 and steps <= {1, -1}


def _keyboard_walk(text: str) -> bool:
    """Whether keyboard walks ("qwerty", "1qaz2wsx", "!@#$%^") cover at least KEYBOARD_SHARE of `text`."""
    if not text:
        return False
    covered: set[int] = set()
    for match in spatial_match(text, _graphs=_KEYBOARDS):
        covered.update(range(match["i"], match["j"] + 1))
    return len(covered) >= KEYBOARD_SHARE * len(text)


def _hints(sequence: Sequence[Mapping[str, Any]]) -> tuple[str, ...]:
    found: list[str] = []
    for match in sequence:
        code = _hint_for(match)
        if code and code not in found:
            found.append(code)
    return tuple(found)


def _hint_for(match: Mapping[str, Any]) -> str | None:
    pattern = match.get("pattern")
    if pattern == "dictionary":
        name = match.get("dictionary_name")
        if name == "user_inputs":
            return "context_word"
        if name == "passwords":
            return "common_password"
        if name in {"surnames", "male_names", "female_names"}:
            return "name"
        return "dictionary_word"
    return {
        "spatial": "keyboard_pattern",
        "repeat": "repeat",
        "sequence": "sequence",
        "date": "date_or_year",
        "regex": "date_or_year",
    }.get(pattern or "")
