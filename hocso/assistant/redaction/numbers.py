"""Finders for personal numbers: phones, ID numbers, cards, accounts, OTPs, CVV, tax codes, passports, plates.

Phone numbers come from `phonenumbers` (Google's metadata, +84 and 0… forms); the rest are small regexes
with context words, and Luhn for card numbers. Each finder takes the NFC text and the same text with its
diacritics folded (same length, so offsets agree): context words are matched on the folded text, so
"ma so thue" works as well as "mã số thuế". An order, product, invoice or tracking number is not a
person's: a digit run right after "#" or after such a word (with no ID word nearer) is left alone.
"""

from __future__ import annotations

import re

import phonenumbers

from hocso.assistant.redaction.report import Span

DIGIT_RUN = re.compile(r"(?<![\w.,#])\d(?:[ .-]?\d){5,22}(?![\w])")
_CARD = re.compile(r"(?<![\w])\d{4}(?:[ -]?\d{3,4}){2,4}(?![\w])")
BANK_CONTEXT = re.compile(
    r"(?:\bstk\b|số tài khoản|so tai khoan|tài khoản|tai khoan|\btk\b|account|acct|a/c|"
    r"vietcombank|\bvcb\b|techcombank|\btcb\b|\bacb\b|bidv|agribank|vietinbank|\bmb\s?bank\b|\bmb\b|"
    r"vpbank|tpbank|sacombank|\bshb\b|\bvib\b|\bocb\b|hdbank|momo|ngân hàng|ngan hang|\bbank\b)",
    re.IGNORECASE,
)
_CARD_CONTEXT = re.compile(r"(?:thẻ|the\b|card|visa|master|atm|napas|jcb|amex)", re.IGNORECASE)
_ID_CONTEXT = re.compile(
    r"(?:cccd|cmnd|can cuoc|chung minh|dinh danh|\bcmt\b|id card|identity|national id|\bid\b|so cm)",
    re.IGNORECASE,
)
# Numbers that name a thing, not a person (matched on folded text, in the 30 characters before).
_REFERENCE_CONTEXT = re.compile(
    r"(?:don hang|ma don|\border\b|invoice|hoa don|san pham|\bsku\b|product|van don|tracking|"
    r"\bseri|serial|ma vach|barcode|ticket|\bve so\b|booking|dat cho|ma hang|\bmodel\b|\bimei\b|"
    r"reference|\bref\b|ma tra cuu|phieu|parcel|package|kien hang|\bbill\b|receipt|bien lai)",
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
_CVV = re.compile(
    r"(?:\bcvv2?\b|\bcvc2?\b|\bcsc\b|ma bao mat (?:cua )?the|card security code|"
    r"(?:\b3|\bba) (?:chu )?so (?:o |in )?(?:mat )?(?:sau|cuoi)(?: cua)?(?: mat sau)?(?: the)?|"
    r"(?:\b3|\bthree)[- ]digits? (?:on|at) the back)"
    r"[^\d\n]{0,15}?(?<!\d)(\d{3,4})(?!\d)",
    re.IGNORECASE,
)
_TAX_CONTEXT = re.compile(
    r"(?:ma so thue|\bmst\b|tax code|tax id|\btin\b|tax identification|taxpayer)", re.IGNORECASE
)
_TAX_NUMBER = re.compile(r"(?<![\w])(?:\d{10}(?:-\d{3})?|\d{12})(?![\w-])")
_PASSPORT_CONTEXT = re.compile(r"(?:ho chieu|passport|\bhc\b)", re.IGNORECASE)
_PASSPORT_NUMBER = re.compile(r"(?<![\w])[A-Z]{1,2}\d{7,8}(?![\w])", re.IGNORECASE)
# Vietnamese plates: 29A-123.45, 30G-67890, 43A 111.22 (cars); 59-X3 456.78, 29B1-12345 (motorbikes).
_PLATE = re.compile(
    r"(?<![\w.-])(?:[1-9]\d[A-Z]{1,2}|[1-9]\d-?[A-Z]{1,2}\d)[- .]?(?:\d{3}\.\d{2}|\d{4,5})(?![\w]|\.\d)",
    re.IGNORECASE,
)
AMOUNT_AFTER = re.compile(
    r"^\s*(?:đ(?!\w)|₫|đồng|dong\b|vnd|vnđ|k\b|nghìn|ngàn|triệu|tr\b|usd|\$)", re.IGNORECASE
)
_PUBLIC_NUMBER_TYPES = frozenset(
    {
        phonenumbers.PhoneNumberType.TOLL_FREE,  # 1800 hotlines
        phonenumbers.PhoneNumberType.SHARED_COST,  # 1900 hotlines: a bank's, not a person's
        phonenumbers.PhoneNumberType.PREMIUM_RATE,
    }
)


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


def near(
    pattern: re.Pattern[str], text: str, start: int, end: int, before: int = 40, after: int = 15
) -> bool:
    window = text[max(0, start - before) : start] + " " + text[end : end + after]
    return bool(pattern.search(window))


def digits_of(value: str) -> str:
    return "".join(d for d in value if d.isdigit())


def is_phone(value: str) -> bool:
    try:
        return phonenumbers.is_valid_number(phonenumbers.parse(value, "VN"))
    except phonenumbers.NumberParseException:
        return False


def _names_a_thing(folded: str, start: int) -> bool:
    """An order/product/invoice number: '#' right before it, or such a word nearer than any ID word."""
    if folded[max(0, start - 2) : start].strip().endswith("#"):
        return True
    window = folded[max(0, start - 30) : start]
    reference = [m.end() for m in _REFERENCE_CONTEXT.finditer(window)]
    personal = [m.end() for m in _ID_CONTEXT.finditer(window)] + [
        m.end() for m in BANK_CONTEXT.finditer(window)
    ]
    return bool(reference) and max(reference) > max(personal, default=-1)


def cvvs(text: str, folded: str) -> list[Span]:
    return [Span("cvv", *m.span(1)) for m in _CVV.finditer(folded)]


def cards(text: str, folded: str) -> list[Span]:
    items = []
    for match in _CARD.finditer(text):
        if not (13 <= len(digits_of(match.group())) <= 19 and luhn_valid(match.group())):
            continue
        near_bank = near(BANK_CONTEXT, text, match.start(), match.end(), before=45)
        if near_bank and not near(_CARD_CONTEXT, text, match.start(), match.end(), before=45):
            continue  # an account number that happens to pass Luhn
        items.append(Span("card", match.start(), match.end()))
    return items


def tax_codes(text: str, folded: str) -> list[Span]:
    return [
        Span("tax_code", m.start(), m.end())
        for m in _TAX_NUMBER.finditer(text)
        if near(_TAX_CONTEXT, folded, m.start(), m.end(), before=35, after=0)
    ]


def passports(text: str, folded: str) -> list[Span]:
    return [
        Span("passport", m.start(), m.end())
        for m in _PASSPORT_NUMBER.finditer(text)
        if near(_PASSPORT_CONTEXT, folded, m.start(), m.end(), before=35, after=0)
    ]


def plates(text: str, folded: str) -> list[Span]:
    return [Span("plate", m.start(), m.end()) for m in _PLATE.finditer(text)]


def otps(text: str, folded: str) -> list[Span]:
    items = []
    for pattern in (_OTP_AFTER, _OTP_BEFORE):
        for match in pattern.finditer(text):
            start, end = match.span(1)
            if AMOUNT_AFTER.match(text[end:]) or _looks_like_year(text[start:end]):
                continue
            items.append(Span("otp", start, end))
    return items


def bank_accounts(text: str, folded: str) -> list[Span]:
    items = []
    for match in DIGIT_RUN.finditer(text):
        digits = digits_of(match.group())
        if 6 <= len(digits) <= 19 and near(BANK_CONTEXT, text, match.start(), match.end(), before=45):
            if AMOUNT_AFTER.match(text[match.end() :]) or is_phone(match.group()):
                continue
            items.append(Span("bank_account", match.start(), match.end()))
    return items


def cccds(text: str, folded: str) -> list[Span]:
    return [
        Span("cccd", m.start(), m.end())
        for m in DIGIT_RUN.finditer(text)
        if len(digits_of(m.group())) == 12
        and not AMOUNT_AFTER.match(text[m.end() :])
        and not _names_a_thing(folded, m.start())
    ]


def phones(text: str, folded: str) -> list[Span]:
    return [
        Span("phone", m.start, m.end)
        for m in phonenumbers.PhoneNumberMatcher(text, "VN", leniency=phonenumbers.Leniency.VALID)
        if phonenumbers.number_type(m.number) not in _PUBLIC_NUMBER_TYPES
        and not _names_a_thing(folded, m.start)
    ]


def cmnds(text: str, folded: str) -> list[Span]:
    items = []
    for match in DIGIT_RUN.finditer(text):
        if len(digits_of(match.group())) != 9 or AMOUNT_AFTER.match(text[match.end() :]):
            continue
        if _names_a_thing(folded, match.start()):
            continue
        if near(_ID_CONTEXT, folded, match.start(), match.end()) or not re.search(r"[.,]", match.group()):
            items.append(Span("cmnd", match.start(), match.end()))
    return items


def _looks_like_year(value: str) -> bool:
    return len(value) == 4 and value.startswith(("19", "20"))
