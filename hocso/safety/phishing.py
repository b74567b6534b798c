"""Scam red flags in messages (module m04): the explainable rules a learner can check by eye.

Every flag is a stable code the widgets, notebooks and the tutor share. Rules work on folded text, so
"lừa đảo", "lua dao" and "LỪA ĐẢO" match alike. Sentences that *warn* ("không chia sẻ mã này", "we
will never ask you to transfer money") are skipped, so a genuine bank notice is not flagged for the
words it uses to protect you.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from hocso.i18n import t
from hocso.safety.errors import MessageSetError
from hocso.safety.links import TRUSTED_DOMAINS, UrlError, find_urls, inspect_url
from hocso.safety.otp import asks_for_otp
from hocso.safety.text import normalize_for_matching

FLAGS = (
    "urgency",
    "threat",
    "impersonation",
    "otp_request",
    "money_request",
    "personal_data_request",
    "suspicious_link",
    "sender_mismatch",
    "too_good_to_be_true",
    "remote_app_install",
)
STRONG_FLAGS = frozenset(FLAGS) - {"urgency"}
"""Flags that alone make a message a likely scam; urgency also appears in genuine OTP notices."""
CHANNELS = ("sms", "email", "zalo", "call")


def _rx(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(rf"\b(?:{p})\b" for p in patterns))


_RULES: dict[str, re.Pattern[str]] = {
    "urgency": _rx(
        r"ngay lap tuc",
        r"khan( cap)?",
        r"gap",
        r"ngay hom nay",
        r"trong (vong )?\d+ ?(gio|h|phut|ngay)",
        r"truoc \d+ ?(h|gio)",
        r"sau \d+ ?(h|gio)",
        r"han chot",
        r"cham nhat",
        r"nhanh (len|chong)",
        r"immediately",
        r"urgent(ly)?",
        r"within \d+ (hours?|minutes?|days?)",
        r"act now",
        r"right now",
        r"today only",
        r"last chance",
        r"asap",
        r"final (notice|warning)",
        r"expires? (today|tonight)",
    ),
    "threat": _rx(
        r"(se )?bi (khoa|phong toa|dinh chi|tam giu|cat|xu ly|khoi to|bat|phat)",
        r"khoa (vinh vien )?tai khoan",
        r"phong toa",
        r"truy to",
        r"khoi to",
        r"lenh bat",
        r"bat (giu|tam giam)",
        r"rua tien",
        r"ma tuy",
        r"duong day",
        r"lien quan (den|toi) (mot )?(vu|an|duong day)",
        r"cat (sim|thue bao|lien lac)",
        r"xu phat",
        r"trieu tap",
        r"(will|may) be (locked|suspended|closed|blocked|frozen|arrested|fined)",
        r"arrest( warrant)?",
        r"legal action",
        r"warrant",
        r"money laundering",
        r"penalt(y|ies)",
        r"suspend(ed)?",
        r"prosecut(ed|ion)",
    ),
    "money_request": _rx(
        r"chuyen (tien|khoan)( ngay)? (vao|den|toi|cho|qua|sang)",
        r"chuyen (\d[\d.,]*|\w+) ?(trieu|nghin|k|d)\b",
        r"nop (phi|tien|le phi)",
        r"dong phi",
        r"phi (thong quan|van chuyen|giao hang|ho so|xu ly|mo khoa|kich hoat|bao hiem|giai ngan|rut tien)",
        r"dat coc",
        r"nap (them )?tien",
        r"tai khoan (an toan|tam giu|chuyen dung)",
        r"thanh toan (khoan )?phi",
        r"transfer (the |your )?(money|funds|\$?\d)",
        r"(pay|send) (a|the|an?) [\w ,.]{0,20}fee",
        r"safe account",
        r"send (me )?money",
        r"gift cards?",
        r"wire (the )?(money|funds)",
        r"deposit (of )?\$?\d",
        r"pay (a|the)? ?(release|customs|delivery) fee",
    ),
    "personal_data_request": _rx(
        r"(cung cap|gui|chup|nhap|xac nhan|khai bao|doc) [\w ]{0,15}(cccd|can cuoc|cmnd|so tai khoan|mat khau|thong tin ca nhan|so the|ma pin|ngay sinh|sinh trac|khuon mat)",
        r"chup (2|hai) mat",
        r"quay video (khuon )?mat",
        r"dang nhap (de|va) (xac|cap nhat)",
        r"(provide|send|confirm|enter|verify|update) (us )?(your )?(password|card (number|details)|pin|id (card|number)|date of birth|bank (details|account)|identity|account details|login details)",
        r"(photo|picture|scan) of your (id|passport)",
    ),
    "too_good_to_be_true": _rx(
        r"viec nhe luong cao",
        r"trung thuong",
        r"trung giai",
        r"nhan qua (tang|tri an)",
        r"qua tang (tri an|mien phi)",
        r"hoa hong( cao| \d+)?",
        r"loi nhuan (cao|\d+ ?%)",
        r"lai (suat )?\d+ ?% ?(/|mot |moi )(ngay|tuan)",
        r"thu nhap (cao|tu \d+)",
        r"kiem (tien|them) (online|tai nha|\d+)",
        r"cong tac vien",
        r"lam nhiem vu",
        r"(tha tim|like) [\w ]{0,15}(nhan|duoc) \d+",
        r"you('ve| have)? won",
        r"winner",
        r"prize",
        r"lottery",
        r"guaranteed (returns?|profits?)",
        r"earn \$?\d+",
        r"work from home",
        r"free (gift|iphone)",
        r"(daily|weekly) (returns?|profits?) of \d+",
        r"double your (money|investment)",
    ),
    "remote_app_install": _rx(
        r"apk",
        r"anydesk",
        r"teamviewer",
        r"ultraviewer",
        r"(phan mem|ung dung) (dieu khien|ho tro) tu xa",
        r"(tai|cai|cai dat|tai ve) [\w ]{0,25}(ung dung|app|phan mem)[\w ]{0,25}(theo|qua|tai|o) (duong )?(link|lien ket|duong dan)",
        r"(tai|cai|cai dat) [\w ]{0,20}(ung dung|app|phan mem) [\w ]{0,20}(moi|ban moi|phien ban moi) (tai|o|theo)",
        r"(download|install) [\w ]{0,25}(app|application|software)[\w ]{0,20}(from|via|using) (this|the|our) (link|site|website)",
        r"remote (access|support) app",
    ),
}
_SELF_IDENTIFICATION = _rx(
    r"(toi|em|chung toi|day|ben em|ben toi) (la|ben|o|tu|thuoc) [\w ]{0,10}(can bo|nhan vien|dieu tra vien|cong an|canh sat|doi truong|thieu ta|dai uy|trung ta|thuong ta|kiem sat vien|dai dien|bo phan|phong)",
    r"(goi|lien he|lien lac) tu (cong an|co quan|ngan hang|chi cuc|cuc|vien|toa)",
    r"thay mat",
    r"this is [\w ]{0,25}(from|calling|with|at) ",
    r"(i am|i'm) (an? )?(officer|agent|representative|detective|inspector|calling)",
    r"calling (you )?from",
    r"on behalf of",
)
_WARNING_SENTENCE = _rx(
    r"(khong bao gio|tuyet doi khong|khong|dung|chua bao gio|se khong|never|do not|don't|dont|will not|won't|beware of)[\w ,]{0,25}(yeu cau|chia se|cung cap|chuyen|bam|nhan vao|cai|tai|tra loi|doc|gui|ask|share|give|click|tap|install|transfer|send|reply|call|disclose|pay)",
)
_RISKY_DOMAIN_WORDS = re.compile(
    r"xac-?thuc|cap-?nhat|hoan-?thue|nhan-?qua|qua-?tang|khoa-?tk|verify|login|secure|update|claim|winner|bonus|unlock|refund|phi-?"
)
_SUSPICIOUS_URL = frozenset({"ip_host", "punycode", "shortener", "lookalike", "userinfo", "unusual_port"})
_STORE = _rx(r"app store", r"ch play", r"google play", r"appstore")


@dataclass(frozen=True)
class Brand:
    key: str
    kind: str
    names: tuple[str, ...]
    senders: tuple[str, ...]
    domains: tuple[str, ...]
    contacts_by_phone: bool


@dataclass(frozen=True)
class Message:
    """One labelled message of a course message set (see data/messages.json)."""

    id: str
    lang: str
    channel: str
    sender: str
    text: str
    label: str
    scam_type: str | None
    red_flags: tuple[str, ...]
    explain_vi: str
    explain_en: str

    @property
    def is_scam(self) -> bool:
        return self.label == "scam"

    def explain(self, lang: str) -> str:
        return self.explain_vi if lang == "vi" else self.explain_en


def red_flags(text: str, sender: str | None = None, channel: str | None = None) -> set[str]:
    """The stable flag codes `text` raises, given who sent it and how (sms, email, zalo, call)."""
    sentences = [s for s in re.split(r"(?<=[.!?\n])\s+|[;\n]", text) if s.strip()]
    kept = [s for s in sentences if not _WARNING_SENTENCE.search(normalize_for_matching(s))]
    folded = normalize_for_matching(" . ".join(kept))
    flags = {code for code, pattern in _RULES.items() if pattern.search(folded)}
    if asks_for_otp(text):
        flags.add("otp_request")
    if "remote_app_install" in flags and _STORE.search(folded) and "apk" not in folded:
        flags.discard("remote_app_install")
    claimed = _claimed_brands(folded)
    sender_kind, sender_brand = _identify_sender(sender)
    mismatch = _sender_mismatch(claimed, sender, sender_kind, sender_brand)
    if mismatch:
        flags.add("sender_mismatch")
    authority = [b for b in claimed if b.kind in {"authority", "bank", "wallet"}]
    if (
        authority
        and sender_brand is None
        and (
            _SELF_IDENTIFICATION.search(folded)
            or channel in {"call", "zalo"}
            or sender_kind in {"number", "email"}
            or mismatch
        )
    ):
        flags.add("impersonation")
    if _has_suspicious_link(text, claimed):
        flags.add("suspicious_link")
    return flags


def looks_like_scam(flags: Iterable[str]) -> bool:
    """The course's simple rule: one strong red flag is enough to stop and check."""
    return any(flag in STRONG_FLAGS for flag in flags)


def explain(flag: str, lang: str | None = None) -> str:
    """What a flag means and what to do, in plain words."""
    return t(f"safety.flag.{flag}", lang)


def load_messages(path: str | Path | None = None) -> list[Message]:
    """A message set from JSON (default: the course's own set); errors name the item and field."""
    source = Path(path) if path else None
    try:
        raw = source.read_text("utf-8") if source else _data_text("messages.json")
        items = json.loads(raw)
    except (OSError, json.JSONDecodeError) as error:
        raise MessageSetError(f"cannot read message set {path}: {error}") from None
    if isinstance(items, dict):
        items = items.get("messages", [])
    return [_message(item, index, path) for index, item in enumerate(items)]


def brands() -> tuple[Brand, ...]:
    return _brands()


def _message(item: object, index: int, path: object) -> Message:
    where = f"message set {path or 'messages.json'}, item {index}"
    if not isinstance(item, dict):
        raise MessageSetError(f"{where}: expected an object")
    required = ("id", "lang", "channel", "sender", "text", "label", "red_flags", "explain_vi", "explain_en")
    missing = [key for key in required if key not in item]
    if missing:
        raise MessageSetError(f"{where}: missing {', '.join(missing)}")
    if item["label"] not in {"scam", "legit"}:
        raise MessageSetError(
            f"{where} ({item['id']}): label must be 'scam' or 'legit', not {item['label']!r}"
        )
    if item["channel"] not in CHANNELS:
        raise MessageSetError(f"{where} ({item['id']}): channel must be one of {', '.join(CHANNELS)}")
    unknown = [flag for flag in item["red_flags"] if flag not in FLAGS]
    if unknown:
        raise MessageSetError(f"{where} ({item['id']}): unknown red flags {', '.join(unknown)}")
    return Message(
        id=str(item["id"]),
        lang=item["lang"],
        channel=item["channel"],
        sender=item["sender"],
        text=item["text"],
        label=item["label"],
        scam_type=item.get("scam_type"),
        red_flags=tuple(item["red_flags"]),
        explain_vi=item["explain_vi"],
        explain_en=item["explain_en"],
    )


def _claimed_brands(folded: str) -> list[Brand]:
    return [b for b in _brands() if any(re.search(rf"\b{re.escape(name)}\b", folded) for name in b.names)]


def _identify_sender(sender: str | None) -> tuple[str | None, Brand | None]:
    """("email" | "number" | "name", the known brand this sender officially is, if any)."""
    if not sender:
        return None, None
    value = sender.strip()
    if "@" in value:
        domain = value.rsplit("@", 1)[1].lower().strip(">")
        brand = next(
            (b for b in _brands() if any(domain == d or domain.endswith("." + d) for d in b.domains)), None
        )
        return "email", brand
    if re.fullmatch(r"[+\d][\dxX .\-()*]{5,}", value):
        return "number", None
    name = normalize_for_matching(value).replace(" ", "")
    brand = next(
        (b for b in _brands() if any(name == normalize_for_matching(s).replace(" ", "") for s in b.senders)),
        None,
    )
    return "name", brand


def _sender_mismatch(
    claimed: list[Brand], sender: str | None, kind: str | None, sender_brand: Brand | None
) -> bool:
    if not sender or sender_brand is not None:
        return False
    specific = [b for b in claimed if b.senders or b.domains]
    if kind == "number":
        return any(not b.contacts_by_phone for b in specific)
    return bool(specific)


def _has_suspicious_link(text: str, claimed: list[Brand]) -> bool:
    official = set(TRUSTED_DOMAINS) | {d for b in _brands() for d in b.domains}
    for url in find_urls(text):
        try:
            report = inspect_url(url)
        except UrlError:
            continue
        targets = [report]
        if report.expanded:
            targets.append(inspect_url(report.expanded))
        for item in targets:
            if _SUSPICIOUS_URL & set(item.warnings) or item.path.lower().endswith(".apk"):
                return True
            domain = item.registered_domain
            if domain in official or any(item.unicode_host.endswith("." + d) for d in official):
                continue
            if claimed or _RISKY_DOMAIN_WORDS.search(domain):
                return True
    return False


def _data_text(name: str) -> str:
    return resources.files("hocso.safety").joinpath(f"data/{name}").read_text("utf-8")


@cache
def _brands() -> tuple[Brand, ...]:
    entries = json.loads(_data_text("brands.json"))["brands"]
    return tuple(
        Brand(
            e["key"],
            e["kind"],
            tuple(e["names"]),
            tuple(e["senders"]),
            tuple(e["domains"]),
            e["contacts_by_phone"],
        )
        for e in entries
    )
