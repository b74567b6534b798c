"""Find and hide personal data before a question leaves for any backend, labelled in the course language.

Why our own rules instead of `vipii`: vipii pulls in Presidio, spaCy and underthesea (hundreds of MB,
model downloads) and has no OTP or password recognizers, which matter most in this course. Numbers
(`numbers`) use `phonenumbers`, Luhn and context words; data written in words (`words`) uses cue words
and capital letters. `bench/redaction.py` measures recall and precision on a labelled vi/en set.

The labels are the ones m10 teaches: `[SĐT]`, `[SỐ ĐỊNH DANH]`, `[HỌ TÊN]` in a vi course, `[PHONE]`,
`[ID NUMBER]`, `[NAME]` in en. The report never keeps the original text, and a password, OTP or CVV
is masked completely.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from hocso.assistant.redaction import numbers, words
from hocso.assistant.redaction.numbers import luhn_valid
from hocso.assistant.redaction.report import (
    KINDS,
    Kind,
    Redaction,
    RedactionReport,
    Span,
    all_labels,
    label,
    mask,
)
from hocso.config.models import LanguageCode
from hocso.i18n import current_language, normalize_language
from hocso.safety.text import fold_diacritics

__all__ = ["KINDS", "Kind", "Redaction", "RedactionReport", "label", "luhn_valid", "redact"]

Finder = Callable[[str, str], list[Span]]
# The earlier, more specific finder wins where two overlap.
FINDERS: tuple[Finder, ...] = (
    words.emails,
    words.passwords,
    numbers.cvvs,  # "CVV 123": before OTPs, whose "security code" would also take it
    numbers.cards,
    words.dates_of_birth,
    numbers.plates,
    numbers.passports,
    numbers.tax_codes,  # "MST 0312456789": a tax code, though it has a phone's shape
    numbers.otps,  # 4 to 8 digits right after "OTP"/"mã": a code, even with "tài khoản" in the sentence
    numbers.bank_accounts,
    numbers.cccds,
    numbers.phones,
    numbers.cmnds,
    words.spelled_numbers,
    words.addresses,
    words.names,
)
_BRACKETED = re.compile(r"\[[^\[\]\n]{1,30}\]")


def redact(text: str, language: LanguageCode | None = None) -> RedactionReport:
    """Hide personal data in `text`, each item replaced by its label in `language` (default: current)."""
    lang: LanguageCode = normalize_language(language) if language else current_language()
    text = unicodedata.normalize("NFC", text)
    folded = _fold_keeping_length(text)
    labels = all_labels()
    taken = [(m.start(), m.end()) for m in _BRACKETED.finditer(text) if m.group() in labels]
    found: list[Span] = []
    for finder in FINDERS:
        for span in finder(text, folded):
            if span.start < span.end and not any(
                span.start < end and start < span.end for start, end in taken
            ):
                found.append(span)
                taken.append((span.start, span.end))
    found.sort(key=lambda s: s.start)
    pieces: list[str] = []
    redactions: list[Redaction] = []
    cursor = 0
    for span in found:
        placeholder = label(span.kind, lang)
        pieces += [text[cursor : span.start], placeholder]
        redactions.append(
            Redaction(
                span.kind, span.start, span.end, mask(span.kind, text[span.start : span.end]), placeholder
            )
        )
        cursor = span.end
    pieces.append(text[cursor:])
    return RedactionReport(text="".join(pieces), redactions=tuple(redactions))


def _fold_keeping_length(text: str) -> str:
    """`text` without diacritics, one character for one, so that offsets found in it hold in `text`."""
    folded = fold_diacritics(text)
    if len(folded) == len(text):
        return folded
    return "".join(f if len(f := fold_diacritics(ch)) == 1 else ch for ch in text)
