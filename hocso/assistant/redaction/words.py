"""Finders for personal data written in words: e-mails (plain and "lan(at)gmail(dot)com"), passwords,
dates of birth, names after a cue, addresses, and digits spelled out ("không chín một hai…", "zero nine…").

Keywords are matched on the text with its diacritics folded (same length as the text, case kept), so a
learner who types without accents ("dia chi nha toi la so 7 hem 22") is covered too. Names and street
names are recognised by their capital letters; a lower-case name is taken only after a strong cue and
when it starts with a common Vietnamese family name.
"""

from __future__ import annotations

import re

from hocso.assistant.redaction.numbers import BANK_CONTEXT, is_phone
from hocso.assistant.redaction.report import Kind, Span

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}")
_AT = r"(?:\s*[(\[{<]\s*(?:at|a|@|a cong|a moc)\s*[)\]}>]\s*|\s+(?:at|a cong|a moc)\s+|\s+@\s+)"
_DOT = r"(?:\s*[(\[{<]\s*(?:dot|\.|cham)\s*[)\]}>]\s*|\s+(?:dot|cham)\s+|\.)"
_TLD = r"(?:com|vn|net|org|edu|gov|info|io|me|biz|co|uk|us|jp|kr|cn|de|fr)"
_BARE_AT = re.compile(r"\s(?:at)\s", re.IGNORECASE)
_SPELLED_DOT = re.compile(r"dot|cham|\(\.\)|\[\.\]", re.IGNORECASE)
_OBFUSCATED_EMAIL = re.compile(
    rf"(?<![\w.+-])[a-z0-9][\w+-]*(?:{_DOT}[\w+-]+)*{_AT}[a-z0-9-]+(?:{_DOT}[a-z0-9-]+)*{_DOT}{_TLD}(?![\w])",
    re.IGNORECASE,
)
_PASSWORD = re.compile(
    r"(?:mật khẩu|mat khau|\bmk\b|password|passwd|\bpass\b|\bpwd\b|\bpw\b|passphrase|cụm mật khẩu)"
    r"(?:\s+(?:của|cua|tôi|toi|em|anh|chị|mình|minh|mới|moi|cũ|cu|đăng nhập|facebook|fb|email|gmail|wifi|wi-fi|"
    r"zalo|ngân hàng|ngan hang|app|ứng dụng|nhà|nha|con|vợ|chồng|bố|mẹ|máy|laptop|điện thoại|"
    r"my|the|new|old|current|account|bank|for|of|to|this|này|nay|"
    r"strong|mạnh|manh)){0,4}"
    r"(?:(?P<sep>\s*(?::|=)\s*|\s+(?=[\"'“‘«]))|(?P<soft>\s*(?:\blà\b|\bla\b|\bis\b)\s*|\s+))"
    r"[\"'“‘«]?(?P<secret>[^\s\"'”’»]{3,64})",
    re.IGNORECASE,
)
_NOT_SECRET = {"gì", "gi", "what", "nào", "nao", "đâu", "dau", "the", "a", "an", "của", "cua", "my"}
_MONTHS = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_YEAR = r"(?:19|20)\d{2}"
_DATE = (
    rf"(?:\d{{1,2}}[/.-]\d{{1,2}}[/.-]{_YEAR}|{_YEAR}-\d{{1,2}}-\d{{1,2}}"
    rf"|\d{{1,2}}\s+thang\s+\d{{1,2}}(?:\s+nam\s+{_YEAR})?"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTHS},?\s+{_YEAR}|{_MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+{_YEAR}"
    rf"|\d{{1,2}}[/.-]\d{{1,2}}(?![/.-]?\d))"
)
_DOB = re.compile(
    r"(?:sinh ngay|ngay(?: thang nam)? sinh|sinh nhat|\bns\b|\bdob\b|d\.o\.b\.?|date of birth|birth ?date|"
    r"birthday|born(?: on)?|\bsinh\s+(?:vao\s+)?(?=\d))"
    rf"[^\d\n]{{0,20}}?(?<!\d)(?:ngay\s+)?(?P<date>{_DATE})(?!\d)",
    re.IGNORECASE,
)
_NAME_CUE = re.compile(
    r"(?:\bten (?:cua )?(?:toi|em|minh|con|chau|anh|chi|me|bo|vo|chong)(?: la)?|"
    r"\b(?:toi|em|minh|con|chau) ten(?: la)?|\bho (?:va )?ten(?: (?:nguoi nhan|nguoi gui|day du|cua (?:toi|em|minh)))?|"
    r"\bten (?:day du|nguoi nhan|nguoi gui|chu tai khoan)|\bchu tai khoan|"
    r"\bnguoi (?:nhan|gui)\s*:|\bmy (?:full )?name is|\bmy name's|\bmy name\s*[,:]|\bfull name|(?:^|[\n;,.(])\s*name\s*:|"
    r"\bi am called|\bi'm called)"
    r"\s*[:\-–]?\s*",
    re.IGNORECASE,
)
# "Tôi là Nguyễn Thành Nam": a weak cue, so only a capitalised name of 2+ words that starts with a family name.
_SELF_CUE = re.compile(r"\b(?:toi|em|minh|chau|con) la\s+|\bi am\s+|\bi'm\s+|\bthis is\s+", re.IGNORECASE)
_STRONG_NAME_CUE = re.compile(r"\bten\b.*\bla\b|\bho (?:va )?ten|\bten\s*$", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)?")
_FAMILY_NAMES = frozenset(
    [
        "nguyen",
        "tran",
        "le",
        "pham",
        "hoang",
        "huynh",
        "phan",
        "vu",
        "vo",
        "dang",
        "bui",
        "do",
        "ho",
        "ngo",
        "duong",
        "ly",
        "dinh",
        "truong",
        "lam",
        "mai",
        "trinh",
        "dao",
        "cao",
        "ha",
        "luong",
        "luu",
        "ta",
        "chu",
        "quach",
        "ton",
        "thai",
        "kieu",
        "la",
        "doan",
        "phung",
        "van",
        "tong",
    ]
)
_NAME_STOP = frozenset(
    ["va", "o", "sinh", "so", "co", "la", "bi", "can", "nam", "tuoi", "dang", "lam", "va", "nhe", "a", "nha"]
)

# Addresses: house-level parts anchor an address; wards, districts, provinces and place names extend it.
_NAME_WORD = r"(?:[A-Z][\w]*|\d+[A-Za-z]?)"
_PLACE = r"[A-Z][\w]*(?:[ .](?:[A-Z][\w]*|\d+))*"
# a house number, not a date ("từ 1/3/2025 Tổng cục Thuế") or a decree number ("13/2023")
_HOUSE = r"(?:(?i:so nha|so)\s+)?(?!\d{1,2}/(?:\d{1,2}/)?(?:19|20)\d{2}(?!\d))\d+[A-Za-z]?(?:/\d+[A-Za-z]?)*"
_LANE = r"(?i:ngo|ngach|hem|kiet|alley|lane)\s+\d+[A-Za-z]?(?:/\d+)*"
_LANE_GAP = r"\s*(?:,\s*)?"  # one way to match ", " or " ": "\s*,?\s*" backtracks 2^n times
_STREET_WORD = r"(?i:duong|pho|dai lo)"
_STREET_SUFFIX = r"(?:Street|St\.?|Road|Rd\.?|Avenue|Ave\.?|Boulevard|Blvd\.?|Highway)"
_UNIT = (
    r"(?i:phuong|xa|thi tran|quan|huyen|thi xa|tinh|thanh pho|tp\.?|p\.|q\.|ward|district|province|commune)"
)
_SMALL = r"(?i:thon|ap|xom|to dan pho|to|khu pho|kp|khom|can ho|toa nha|toa|chung cu|phong|tang|lo|block|apartment|apt\.?|building|floor|room)"
_STRONG_SMALL = r"(?i:thon|ap|xom|to dan pho|khu pho|khom|can ho|toa nha|chung cu)"
# Words that are also ordinary words when typed without their accents ("to", "tang" for "tăng").
_AMBIGUOUS_SMALL = frozenset({"to", "tang", "lo", "phong"})
_STREET = rf"(?:(?:{_STREET_WORD}\s+)?{_PLACE}(?:\s+{_STREET_SUFFIX})?)"
_ANCHOR = re.compile(
    rf"(?<![\w/.-])(?:(?:{_LANE}{_LANE_GAP})+{_STREET}|{_HOUSE}\s+(?:{_LANE}{_LANE_GAP})?{_STREET}|{_HOUSE}\s+{_LANE}|{_SMALL}\s+{_NAME_WORD}(?:\s+{_NAME_WORD})*)"
)
_PART = re.compile(
    rf"(?:\s*,\s*|\s+)(?:{_UNIT}\s*{_NAME_WORD}(?:\s+{_NAME_WORD})*|{_LANE}|{_SMALL}\s+{_NAME_WORD}(?:\s+{_NAME_WORD})*"
    rf"|{_STREET_WORD}\s+{_PLACE}|{_PLACE}\s+(?i:ward|district|province|city|commune)\b)"
)
_BARE_PLACE = re.compile(rf"\s*,\s*{_PLACE}(?:\s+{_STREET_SUFFIX})?")
_STRONG_ANCHOR = re.compile(
    rf"/|\b{_STREET_WORD}\s|{_LANE}|\b{_STREET_SUFFIX}(?!\w)|^(?i:so)\s|^{_STRONG_SMALL}\s", re.IGNORECASE
)
_ADDRESS_CUE = re.compile(
    r"(?:dia chi|address|song (?:o|tai)|\bnha (?:(?:toi|em|minh|anh|chi) )?o|live (?:at|in)|o tai)\s*[:\-]?\s*$",
    re.IGNORECASE,
)
# A room or floor number names a meeting place unless the chain has a street, a house number or a cue.
_WEAK_SMALL = re.compile(
    r"^(?i:to|kp|phong|tang|lo|toa nha|toa|block|apartment|apt\.?|building|floor|room)\s"
)

# Digits spelled out: "không chín một hai…" and "zero nine one two…" (compared folded, lower-case).
_DIGIT_WORDS = {
    "khong": "0", "linh": "0", "mot": "1", "hai": "2", "ba": "3", "bon": "4", "tu": "4",
    "nam": "5", "lam": "5", "sau": "6", "bay": "7", "tam": "8", "chin": "9",
    "zero": "0", "oh": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6",
    "seven": "7", "eight": "8", "nine": "9",
}  # fmt: skip
_SPELLED = re.compile(
    r"(?<![\w])(?:" + "|".join(_DIGIT_WORDS) + r")(?:[\s,.-]+(?:" + "|".join(_DIGIT_WORDS) + r"))+(?![\w])",
    re.IGNORECASE,
)
_CODE_CUE = re.compile(r"(?:otp|\bma\b|\bcode\b|\bpin\b|mat khau|password|passcode)", re.IGNORECASE)
SPELLED_MIN_WORDS, SPELLED_MIN_WORDS_AFTER_CUE = 7, 4


def emails(text: str, folded: str) -> list[Span]:
    found = [Span("email", *m.span()) for m in _EMAIL.finditer(text)]
    for match in _OBFUSCATED_EMAIL.finditer(folded):
        if _BARE_AT.search(match.group()) and not _SPELLED_DOT.search(match.group()):
            continue  # "look at google.com" is a link, not an address
        found.append(Span("email", *match.span()))
    return found


def passwords(text: str, folded: str) -> list[Span]:
    items = []
    for match in _PASSWORD.finditer(text):
        secret = match.group("secret").rstrip(".,;?)")  # "!" is often part of a password
        if secret.lower() in _NOT_SECRET or secret.startswith("["):
            continue
        if match.group("soft") is not None and not _looks_like_a_password(secret):
            continue
        start = match.start("secret")
        items.append(Span("password", start, start + len(secret)))
    return items


def _looks_like_a_password(secret: str) -> bool:
    """After "là"/"is" or a bare space, a word of the sentence is not a password; "abc@12345" is."""
    if not secret.isascii():
        return False  # Vietnamese words carry diacritics; passwords hardly ever do
    has_digit = any(c.isdigit() for c in secret)
    has_symbol = any(not c.isalnum() for c in secret)
    mixed_case = secret.lower() != secret and secret.upper() != secret
    return len(secret) >= 6 and (has_digit or has_symbol or mixed_case)


def dates_of_birth(text: str, folded: str) -> list[Span]:
    return [Span("dob", *m.span("date")) for m in _DOB.finditer(folded)]


def names(text: str, folded: str) -> list[Span]:
    items = []
    for cue in _NAME_CUE.finditer(folded):
        words = list(_WORD.finditer(text, cue.end(), cue.end() + 120))  # a name is a few words
        taken: list[re.Match[str]] = []
        lower_case = bool(words) and words[0].start() == cue.end() and not words[0].group()[0].isupper()
        if lower_case and not (
            _STRONG_NAME_CUE.search(cue.group())
            and folded[words[0].start() : words[0].end()].lower() in _FAMILY_NAMES
        ):
            continue
        for word in words[:5]:
            gap = text[(taken[-1].end() if taken else cue.end()) : word.start()]
            if gap.strip() or (taken and "\n" in gap):
                break
            if lower_case and folded[word.start() : word.end()].lower() in _NAME_STOP:
                break
            if not lower_case and not word.group()[0].isupper():
                break
            taken.append(word)
        if taken:
            items.append(Span("name", taken[0].start(), taken[-1].end()))
    for cue in _SELF_CUE.finditer(folded):
        words = []
        for word in _WORD.finditer(text, cue.end()):
            gap = text[(words[-1].end() if words else cue.end()) : word.start()]
            if gap.strip() or not word.group()[0].isupper() or len(words) == 5:
                break
            words.append(word)
        if len(words) >= 2 and folded[words[0].start() : words[0].end()].lower() in _FAMILY_NAMES:
            items.append(Span("name", words[0].start(), words[-1].end()))
    return items


def addresses(text: str, folded: str) -> list[Span]:
    items: list[Span] = []
    position = 0
    while anchor := _ANCHOR.search(folded, position):
        first = folded[anchor.start() :].split(" ", 1)[0]
        if first.lower() in _AMBIGUOUS_SMALL and text[anchor.start() : anchor.start() + len(first)] == first:
            position = anchor.start() + len(first)
            continue
        end, parts = anchor.end(), 1
        while part := _PART.match(folded, end) or _BARE_PLACE.match(folded, end):
            end, parts = part.end(), parts + 1
        position, start = end, anchor.start()
        before = folded[max(0, start - 25) : start]
        strong = _STRONG_ANCHOR.search(anchor.group()) or _ADDRESS_CUE.search(before)
        if strong or (parts >= 2 and not _WEAK_SMALL.match(anchor.group())):
            if items and re.fullmatch(r"\s*,\s*", folded[items[-1].end : start]):
                start = items.pop().start  # "Apt 502, 33 Hai Ba Trung St": one address, not two
            items.append(Span("address", start, end))
    return items


def spelled_numbers(text: str, folded: str) -> list[Span]:
    items = []
    for match in _SPELLED.finditer(folded):
        words = re.findall(r"[^\W\d_]+", match.group().lower())
        digits = "".join(_DIGIT_WORDS[w] for w in words)
        cue = _CODE_CUE.search(folded[max(0, match.start() - 25) : match.start()])
        if len(words) < (SPELLED_MIN_WORDS_AFTER_CUE if cue else SPELLED_MIN_WORDS):
            continue
        items.append(Span(_spelled_kind(digits, bool(cue), folded, match.start()), *match.span()))
    return items


def _spelled_kind(digits: str, code_cue: bool, folded: str, start: int) -> Kind:
    if code_cue and 4 <= len(digits) <= 8:
        return "otp"
    if is_phone(digits):
        return "phone"
    if BANK_CONTEXT.search(folded[max(0, start - 40) : start]):
        return "bank_account"
    return {12: "cccd", 9: "cmnd"}.get(len(digits), "phone")  # type: ignore[return-value]
