"""One-time codes (module m03): compute them with pyotp, and spot messages that ask you to share one.

A code the bank sends is only safe while it stays with you; every scam script ends with "read me the
code". So a message that *asks* for a code is a scam, whatever else it says: "đọc mã OTP cho em,
tuyệt đối không chia sẻ cho người khác nhé" is still a request. Only the bank's own notice, which
says "never share this code" and asks for nothing, is not.
"""

from __future__ import annotations

import binascii
import re
import time
from datetime import datetime

import pyotp

from hocso.config.models import LanguageCode
from hocso.i18n import t
from hocso.safety.errors import SafetyError
from hocso.safety.text import normalize_for_matching

PERIOD = 30

# Both sides of the rule are matched on folded, lower-case text ("ma otp" == "mã OTP").
_CODE = (
    r"(?:ma\s*)?(?:otp|ma xac (?:thuc|nhan|minh)|ma kich hoat|ma (?:so|bao mat)"
    r"|(?:the |that |your |verification |security |login |one[- ]time )?(?:code|passcode)"
    r"|(?:(?:\d|bon|sau|tam|may) (?:chu )?so|day so|con so) (?:vua|moi|da|trong tin|tren man|gui ve|ve may|ngan hang)"
    r"|(?:\d|six|four|eight)[- ]digits? (?:you (?:just )?(?:got|received)|on your screen|we sent|in the (?:sms|text)))"
)
"""A one-time code, also when it is not named: "6 số vừa nhận", "dãy số", "the 6 digits"."""
_SHARE_VERB = r"(?:doc|gui|cung cap|chia se|nhap|dua|bao|cho (?:anh|chi|em|toi|minh)|nhan tin|read|send|share|give|tell|forward|text|type|provide|reply with|confirm)"
_REQUEST = [
    re.compile(rf"\b{_SHARE_VERB}\b[^.!?\n]{{0,40}}\b{_CODE}"),
    re.compile(
        rf"\b{_CODE}\b[^.!?\n]{{0,30}}\b(?:cho (?:anh|chi|em|toi|minh|ben|nhan vien|can bo)|cho chung toi|to me|to us|back to)\b"
    ),
    re.compile(r"\b(?:vua|da) (?:nhan|gui)[^.!?\n]{0,20}\bma\b[^.!?\n]{0,30}\b(?:doc|gui|bao)\b"),
    re.compile(r"\bwhat(?:'s| is) the (?:code|otp)\b"),
    re.compile(
        r"\b(?:gui nham|nhan nham|lo gui)\b[^.!?\n]{0,20}\bma\b|\b(?:accidentally|mistakenly|by mistake)\b[^.!?\n]{0,30}\bcode\b"
        r"|\bcode\b[^.!?\n]{0,30}\bby mistake\b"
    ),
]
WARNING_SENTENCE = re.compile(
    r"\b(?:(?<!neu )khong|(?<!ung )(?<!su )(?<!tin )(?<!noi )(?<!xay )dung|chua bao gio|never|do not|don't|dont|will not|won't|beware of)\b"
    r"[\w ]{0,30}\b(?:yeu cau|chia se|cung cap|chuyen|bam|nhan vao|cai|tai (?:ve|app|ung dung)|tra loi|doc|gui|tiet lo|ask|share"
    r"|give|tell|click|tap|install|transfer|send|reply|call|disclose|pay|read)\b"
)
"""A sentence that protects the reader ("không chia sẻ mã này", "never share it") rather than asks."""


def totp_now(secret: str, at: datetime | float | None = None, digits: int = 6) -> str:
    """The TOTP code an authenticator app shows for base32 `secret` at time `at` (default: now)."""
    try:
        return pyotp.TOTP(secret, digits=digits, interval=PERIOD).at(_timestamp(at))
    except (binascii.Error, ValueError) as error:
        raise SafetyError(
            f"the OTP secret is not valid base32 (letters A-Z and digits 2-7): {error}"
        ) from None


def seconds_left(at: datetime | float | None = None) -> int:
    """Seconds until the current code changes (1..30): what the countdown in the demo shows."""
    return PERIOD - int(_timestamp(at)) % PERIOD


def random_secret() -> str:
    """A fresh base32 secret, for demos where each learner gets their own authenticator."""
    return pyotp.random_base32()


_NEGATION = (
    r"\b(?:(?<!neu )khong|(?<!ung )(?<!su )(?<!tin )(?<!noi )(?<!xay )dung|chua bao gio|never|do not|don't|dont"
    r"|will not|won't|beware of)\b"
)
_WARNED_VERB = (
    r"(?:yeu cau|chia se|cung cap|chuyen|bam|nhan vao|cai|tai (?:ve|app|ung dung)|tra loi|doc|gui|tiet lo|ask|share"
    r"|give|tell|click|tap|install|transfer|send|reply|call|disclose|pay|read)"
)
_WARNING_CLAUSE = re.compile(rf"{_NEGATION}(?: \w+){{0,3}}? {_WARNED_VERB}\b[^,;:.!?\n]*")
"""A warning clause ("không chia sẻ mã này cho bất kỳ ai", "we will never ask you to send it"), from its
negation to the next comma or full stop: it protects the reader, and nothing else in the message."""
_FOR_THE_SPEAKER = re.compile(
    rf"\b{_SHARE_VERB}\b[^,;:.!?\n]{{0,40}}\b{_CODE}\b[^,;:.!?\n]{{0,20}}"
    r"\b(?:cho (?:em|anh|toi|minh|chung toi|ben (?:em|toi|minh))|to me|to us)\b"
)
"""A code asked for the speaker ("đọc mã OTP cho em"): a request even after "đừng sợ" or "không cần lo"."""


def asks_for_otp(message: str) -> bool:
    """True when `message` asks the reader to read out, send or type a one-time code for someone.

    Anyone asking for the code is a scammer, whatever else the message says: a "do not share it with
    anyone else" inside the request ("chị đọc mã OTP cho em, tuyệt đối không chia sẻ cho người khác
    nhé") does not make it safe. Only the warning clause itself is set aside, so the bank's own notice
    ("Mã OTP của quý khách là ... Không chia sẻ mã này cho bất kỳ ai"), which asks nothing, is not a
    request.
    """
    for sentence in re.split(r"(?<=[.!?\n])\s*", normalize_for_matching(message)):
        if not sentence:
            continue
        if any(_FOR_THE_SPEAKER.search(clause.group()) for clause in _WARNING_CLAUSE.finditer(sentence)):
            return True
        rest = _WARNING_CLAUSE.sub(" ", sentence)
        if any(pattern.search(rest) for pattern in _REQUEST):
            return True
    return False


def otp_advice(message: str, lang: LanguageCode | None = None) -> str:
    """What to do with `message`: never read a code out, or only type it where you logged in yourself."""
    return t("safety.otp.request" if asks_for_otp(message) else "safety.otp.notice", lang)


def _timestamp(at: datetime | float | None) -> float:
    if at is None:
        return time.time()
    if isinstance(at, datetime):
        return at.timestamp()
    return float(at)
