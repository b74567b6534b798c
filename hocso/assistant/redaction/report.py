"""What redaction found: the kinds, their labels in the course language, and the report shown to the learner."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Literal, NamedTuple

from hocso.config.models import LANGUAGES, LanguageCode
from hocso.i18n import t

Kind = Literal[
    "email",
    "card",
    "bank_account",
    "cccd",
    "cmnd",
    "phone",
    "otp",
    "password",
    "address",
    "plate",
    "dob",
    "passport",
    "tax_code",
    "cvv",
    "name",
]
KINDS: tuple[Kind, ...] = (
    "email",
    "card",
    "bank_account",
    "cccd",
    "cmnd",
    "phone",
    "otp",
    "password",
    "address",
    "plate",
    "dob",
    "passport",
    "tax_code",
    "cvv",
    "name",
)
_SECRET_KINDS: frozenset[Kind] = frozenset({"otp", "password", "cvv"})
_WORD_KINDS: frozenset[Kind] = frozenset({"address", "name", "dob"})


class Span(NamedTuple):
    """What a finder returns: a kind and where it is in the (NFC) text."""

    kind: Kind
    start: int
    end: int


def label(kind: Kind, language: LanguageCode) -> str:
    """What replaces an item in the text that is sent: `[SĐT]` in a vi course, `[PHONE]` in en."""
    return t(f"assistant.redaction.label.{kind}", language)


@cache
def all_labels() -> frozenset[str]:
    """Every label in every language: text already redacted is left as it is."""
    return frozenset(label(kind, lang) for kind in KINDS for lang in LANGUAGES)


@dataclass(frozen=True)
class Redaction:
    """One hidden item: where it was, what kind, its label, and a masked hint the learner can recognise."""

    kind: Kind
    start: int
    end: int
    masked: str
    placeholder: str


@dataclass(frozen=True)
class RedactionReport:
    """What will be sent (`text`) and what was hidden; shown to the learner before sending."""

    text: str
    redactions: tuple[Redaction, ...]

    @property
    def changed(self) -> bool:
        return bool(self.redactions)

    @property
    def kinds(self) -> tuple[Kind, ...]:
        return tuple(dict.fromkeys(r.kind for r in self.redactions))

    def summary(self, language: LanguageCode | None = None) -> str:
        """One friendly line: what was hidden, or that nothing was."""
        if not self.redactions:
            return t("assistant.redaction.nothing", language)
        items = ", ".join(
            f"{t(f'assistant.redaction.kind.{r.kind}', language)} ({r.masked})" for r in self.redactions
        )
        return t("assistant.redaction.hidden", language, items=items)


def mask(kind: Kind, value: str) -> str:
    """A hint the learner recognises (first and last digits, an initial) that gives nothing away."""
    if kind in _SECRET_KINDS:
        return "•" * 6
    if kind == "email":
        name, at, domain = value.partition("@")
        return f"{name[:1]}•••@{domain}" if at else f"{value[:1]}•••"
    if kind in _WORD_KINDS:
        return f"{value[:1]}•••"
    digits = "".join(d for d in value if d.isdigit())
    if len(digits) < 4:
        return f"{value[:1]}•••"
    return f"{digits[:2]}{'•' * max(len(digits) - 4, 2)}{digits[-2:]}"
