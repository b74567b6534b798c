"""Find and hide personal data before a question leaves the learner's process.

Why our own rules instead of `vipii`: vipii pulls in Presidio, spaCy and underthesea (hundreds of MB,
model downloads) and has no OTP or password recognizers, which matter most in this course. Phone
numbers come from `phonenumbers` (Google's metadata, +84 and 0… forms); the rest are small regexes
with context words, and Luhn for card numbers. `bench/redaction.py` measures recall and precision.

The report never keeps the original text, and a password or OTP is masked completely.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

import phonenumbers

from hocso.i18n import t

Kind = Literal["email", "card", "bank_account", "cccd", "cmnd", "phone", "otp", "password"]
KINDS: tuple[Kind, ...] = ("email", "card", "bank_account", "cccd", "cmnd", "phone", "otp", "password")
PLACEHOLDER: dict[Kind, str] = {
    "email": "[EMAIL]",
    "card": "[CARD]",
    "bank_account": "[BANK_ACCOUNT]",
    "cccd": "[ID_NUMBER]",
    "cmnd": "[OLD_ID_NUMBER]",
    "phone": "[PHONE]",
    "otp": "[OTP]",
    "password": "[PASSWORD]",
}
_SECRET_KINDS: frozenset[Kind] = frozenset({"otp", "password"})

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}")
_DIGIT_RUN = re.compile(r"(?<![\w.,])\d(?:[ .-]?\d){5,22}(?![\w])")
_CARD = re.compile(r"(?<![\w])\d{4}(?:[ -]?\d{3,4}){2,4}(?![\w])")
_BANK_CONTEXT = re.compile(
    r"(?:\bstk\b|số tài khoản|so tai khoan|tài khoản|tai khoan|\btk\b|account|acct|a/c|"
    r"vietcombank|\bvcb\b|techcombank|\btcb\b|\bacb\b|bidv|agribank|vietinbank|\bmb\s?bank\b|\bmb\b|"
    r"vpbank|tpbank|sacombank|\bshb\b|\bvib\b|\bocb\b|hdbank|momo|ngân hàng|ngan hang|\bbank\b)",
    re.IGNORECASE,
)
_CARD_CONTEXT = re.compile(r"(?:thẻ|the\b|card|visa|master|atm|napas|jcb|amex)", re.IGNORECASE)
_ID_CONTEXT = re.compile(
    r"(?:cccd|cmnd|căn cước|can cuoc|chứng minh|chung minh|định danh|dinh danh|\bcmt\b|"
    r"id card|identity|national id|\bid\b|số cm)",
    re.IGNORECASE,
)
_OTP_WORDS = (
    r"(?:otp|mã xác thực|ma xac thuc|mã xác nhận|ma xac nhan|mã kích hoạt|mã bảo mật|mã giao dịch|"
    r"verification code|security code|one[- ]time (?:code|password)|passcode|login code|\bcode\b|"
    r"\bmã\b(?!\s*(?:bưu|số thuế|vạch|qr|sản phẩm|đơn|giảm giá|khuyến mãi|zip))|\bma\b)"
)
_OTP_AFTER = re.compile(_OTP_WORDS + r"[^\d\n]{0,30}?(?<!\d)(\d{4,8})(?!\d)", re.IGNORECASE)
_OTP_BEFORE = re.compile(
    r"(?<![\d.,])(\d{4,8})(?![\d.,]\d)[^\d\n]{0,12}?(?:là|la|is|=)?\s*" + _OTP_WORDS, re.IGNORECASE
)
_PASSWORD = re.compile(
    r"(?:mật khẩu|mat khau|\bmk\b|password|passwd|\bpass\b|\bpwd\b|\bpw\b|passphrase|cụm mật khẩu)"
    r"(?:\s+(?:của|cua|tôi|toi|em|anh|chị|mình|minh|mới|moi|cũ|cu|đăng nhập|facebook|email|gmail|wifi|wi-fi|"
    r"zalo|ngân hàng|ngan hang|app|ứng dụng|nhà|nha|con|vợ|chồng|bố|mẹ|máy|laptop|điện thoại|"
    r"my|the|new|old|current|account|bank|for|of|to|this|này|nay|"
    r"strong|mạnh|manh)){0,4}"
    r"(?:\s*(?::|=|\blà\b|\bla\b|\bis\b)\s*|\s+(?=[\"'“‘«]))"
    r"[\"'“‘«]?(?P<secret>[^\s\"'”’»]{3,64})",
    re.IGNORECASE,
)
_AMOUNT_AFTER = re.compile(
    r"^\s*(?:đ(?!\w)|₫|đồng|dong\b|vnd|vnđ|k\b|nghìn|ngàn|triệu|tr\b|usd|\$)", re.IGNORECASE
)
_NOT_SECRET = {"gì", "gi", "what", "nào", "nao", "đâu", "dau", "the", "a", "an", "của", "cua", "my"}


@dataclass(frozen=True)
class Redaction:
    """One hidden item: where it was, what kind, and a masked hint the learner can recognise."""

    kind: Kind
    start: int
    end: int
    masked: str

    @property
    def placeholder(self) -> str:
        return PLACEHOLDER[self.kind]


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

    def summary(self, language: str | None = None) -> str:
        """One friendly line: what was hidden, or that nothing was."""
        if not self.redactions:
            return t("assistant.redaction.nothing", language)
        items = ", ".join(
            f"{t(f'assistant.redaction.kind.{r.kind}', language)} ({r.masked})" for r in self.redactions
        )
        return t("assistant.redaction.hidden", language, items=items)


def redact(text: str) -> RedactionReport:
    """Hide personal data in `text`; the earlier, more specific rule wins where two overlap."""
    text = _nfc(text)
    found: list[Redaction] = []
    for finder in (
        _emails,
        _passwords,
        _cards,
        _otps,  # 4 to 8 digits right after "OTP"/"mã": a code, even with "tài khoản" in the sentence
        _bank_accounts,
        _cccd,
        _phones,
        _cmnd,
    ):
        for item in finder(text):
            if not any(item.start < other.end and other.start < item.end for other in found):
                found.append(item)
    found.sort(key=lambda r: r.start)
    pieces: list[str] = []
    cursor = 0
    for item in found:
        pieces += [text[cursor : item.start], item.placeholder]
        cursor = item.end
    pieces.append(text[cursor:])
    return RedactionReport(text="".join(pieces), redactions=tuple(found))


def luhn_valid(number: str) -> bool:
    digits = [int(d) for d in number if d.isdigit()]
    if len(digits) < 12:
        return False
    total = 0
    for index, digit in enumerate(reversed(digits)):
        if index % 2 == 1:
            digit *= 2
            digit -= 9 if digit > 9 else 0
        total += digit
    return total % 10 == 0


def _mask(kind: Kind, value: str) -> str:
    if kind in _SECRET_KINDS:
        return "•" * 6
    if kind == "email":
        name, _, domain = value.partition("@")
        return f"{name[:1]}•••@{domain}"
    digits = "".join(d for d in value if d.isdigit())
    return f"{digits[:2]}{'•' * max(len(digits) - 4, 2)}{digits[-2:]}"


def _item(kind: Kind, text: str, start: int, end: int) -> Redaction:
    return Redaction(kind=kind, start=start, end=end, masked=_mask(kind, text[start:end]))


def _near(
    pattern: re.Pattern[str], text: str, start: int, end: int, before: int = 40, after: int = 15
) -> bool:
    window = text[max(0, start - before) : start] + " " + text[end : end + after]
    return bool(pattern.search(window))


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _digits(value: str) -> str:
    return "".join(d for d in value if d.isdigit())


def _emails(text: str) -> list[Redaction]:
    return [_item("email", text, m.start(), m.end()) for m in _EMAIL.finditer(text)]


def _passwords(text: str) -> list[Redaction]:
    items = []
    for match in _PASSWORD.finditer(text):
        secret = match.group("secret").rstrip(".,;!?)")
        if secret.lower() in _NOT_SECRET or secret.startswith("["):
            continue
        start = match.start("secret")
        items.append(_item("password", text, start, start + len(secret)))
    return items


def _cards(text: str) -> list[Redaction]:
    items = []
    for match in _CARD.finditer(text):
        if not (13 <= len(_digits(match.group())) <= 19 and luhn_valid(match.group())):
            continue
        near_bank = _near(_BANK_CONTEXT, text, match.start(), match.end(), before=45)
        if near_bank and not _near(_CARD_CONTEXT, text, match.start(), match.end(), before=45):
            continue  # an account number that happens to pass Luhn
        items.append(_item("card", text, match.start(), match.end()))
    return items


def _bank_accounts(text: str) -> list[Redaction]:
    items = []
    for match in _DIGIT_RUN.finditer(text):
        digits = _digits(match.group())
        if 6 <= len(digits) <= 19 and _near(_BANK_CONTEXT, text, match.start(), match.end(), before=45):
            if _AMOUNT_AFTER.match(text[match.end() :]) or _is_phone(match.group()):
                continue
            items.append(_item("bank_account", text, match.start(), match.end()))
    return items


def _cccd(text: str) -> list[Redaction]:
    return [
        _item("cccd", text, m.start(), m.end())
        for m in _DIGIT_RUN.finditer(text)
        if len(_digits(m.group())) == 12 and not _AMOUNT_AFTER.match(text[m.end() :])
    ]


def _is_phone(value: str) -> bool:
    try:
        return phonenumbers.is_valid_number(phonenumbers.parse(value, "VN"))
    except phonenumbers.NumberParseException:
        return False


_PUBLIC_NUMBER_TYPES = frozenset(
    {
        phonenumbers.PhoneNumberType.TOLL_FREE,  # 1800 hotlines
        phonenumbers.PhoneNumberType.SHARED_COST,  # 1900 hotlines: a bank's, not a person's
        phonenumbers.PhoneNumberType.PREMIUM_RATE,
    }
)


def _phones(text: str) -> list[Redaction]:
    return [
        _item("phone", text, m.start, m.end)
        for m in phonenumbers.PhoneNumberMatcher(text, "VN", leniency=phonenumbers.Leniency.VALID)
        if phonenumbers.number_type(m.number) not in _PUBLIC_NUMBER_TYPES
    ]


def _cmnd(text: str) -> list[Redaction]:
    items = []
    for match in _DIGIT_RUN.finditer(text):
        if len(_digits(match.group())) != 9 or _AMOUNT_AFTER.match(text[match.end() :]):
            continue
        if _near(_ID_CONTEXT, text, match.start(), match.end()) or not re.search(r"[.,]", match.group()):
            items.append(_item("cmnd", text, match.start(), match.end()))
    return items


def _otps(text: str) -> list[Redaction]:
    items = []
    for pattern in (_OTP_AFTER, _OTP_BEFORE):
        for match in pattern.finditer(text):
            start, end = match.span(1)
            if _AMOUNT_AFTER.match(text[end:]) or _looks_like_year(text[start:end]):
                continue
            items.append(_item("otp", text, start, end))
    return items


def _looks_like_year(value: str) -> bool:
    return len(value) == 4 and value.startswith(("19", "20"))
