"""Safety analyses shared by the widgets, the course notebooks and the offline tutor.

One plain, typed implementation per skill: passwords (zxcvbn + NIST SP 800-63B rev. 4), one-time codes
(pyotp), scam red flags, links (tldextract, offline), VietQR payloads, photo metadata (Pillow) and
checking AI claims against sources. Errors: see hocso.safety.errors.
"""

from __future__ import annotations

from hocso.safety.errors import MessageSetError, PhotoError, SafetyError, VietQrError
from hocso.safety.text import fold_diacritics, normalize_for_matching

__all__ = [
    "MessageSetError",
    "PhotoError",
    "SafetyError",
    "VietQrError",
    "fold_diacritics",
    "normalize_for_matching",
]
