"""Vietnamese text folding: the one implementation every part of hocso imports.

Learners type Vietnamese with and without diacritics ("lua dao" for "lừa đảo"), and scammers drop
them to slip past filters, so matching is done on folded, lower-cased text.
"""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def fold_diacritics(text: str) -> str:
    """`text` without Vietnamese (or any Latin) diacritics: đ→d, then NFD with combining marks dropped."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return unicodedata.normalize("NFC", "".join(ch for ch in decomposed if not unicodedata.combining(ch)))


def normalize_for_matching(text: str) -> str:
    """Folded, lower-case, single-spaced text: the form every keyword rule in hocso.safety matches on."""
    return _SPACES.sub(" ", fold_diacritics(text).lower()).strip()
