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
from typing import Literal, get_args

from hocso.config.models import LanguageCode, Localized
from hocso.i18n import t
from hocso.safety.errors import MessageSetError
from hocso.safety.links import TRUSTED_DOMAINS, UrlError, find_urls, inspect_url
from hocso.safety.otp import WARNING_SENTENCE, asks_for_otp
from hocso.safety.scam_patterns import (
    DONE_NOTICE,
    RISKY_DOMAIN_WORDS,
    RULES,
    SCAM_DESCRIPTION,
    SELF_IDENTIFICATION,
    SERVICE_NOTICE,
    SPEAKER,
    STORE,
)
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
Channel = Literal["sms", "email", "zalo", "call"]
CHANNELS: tuple[Channel, ...] = get_args(Channel)
Label = Literal["scam", "legit"]
BrandKind = Literal["authority", "bank", "courier", "school", "telecom", "wallet"]


_SUSPICIOUS_URL = frozenset({"ip_host", "punycode", "shortener", "lookalike", "userinfo", "unusual_port"})


@dataclass(frozen=True)
class Brand:
    key: str
    kind: BrandKind
    names: tuple[str, ...]
    senders: tuple[str, ...]
    domains: tuple[str, ...]
    contacts_by_phone: bool


@dataclass(frozen=True)
class Message:
    """One labelled message of a course message set (see data/messages.json)."""

    id: str
    lang: LanguageCode
    channel: Channel
    sender: str
    text: str
    label: Label
    scam_type: str | None
    red_flags: tuple[str, ...]
    explanation: Localized  # why it is (not) a scam; messages.json keeps explain_vi / explain_en

    @property
    def is_scam(self) -> bool:
        return self.label == "scam"

    def explain(self, lang: LanguageCode) -> str:
        return self.explanation(lang)


def red_flags(text: str, sender: str | None = None, channel: str | None = None) -> set[str]:
    """The stable flag codes `text` raises, given who sent it and how (sms, email, zalo, call)."""
    sentences = [s for s in re.split(r"(?<=[.!?\n])\s+|[;\n]", text) if s.strip()]
    kept = [s for s in sentences if not _is_warning(normalize_for_matching(s))]
    folded = normalize_for_matching(" . ".join(kept))
    flags = {code for code, pattern in RULES.items() if pattern.search(folded)}
    if "urgency" in flags:
        pressing = [x for x in kept if not SERVICE_NOTICE.search(normalize_for_matching(x))]
        if not RULES["urgency"].search(normalize_for_matching(" . ".join(pressing))):
            flags.discard("urgency")  # "sẽ được giao trong hôm nay" informs, it does not push
    requests = " . ".join(x for x in kept if not DONE_NOTICE.search(normalize_for_matching(x)))
    if "money_request" in flags and not RULES["money_request"].search(normalize_for_matching(requests)):
        flags.discard("money_request")  # "transfer of 2,000,000 to account ... successful" reports, not asks
    if asks_for_otp(text):
        flags.add("otp_request")
    if "remote_app_install" in flags and STORE.search(folded) and "apk" not in folded:
        flags.discard("remote_app_install")
    mentioned = _claimed_brands(folded)
    claimed = [b for b in mentioned if _speaks_for(b, folded)]
    sender_kind, sender_brand = _identify_sender(sender)
    mismatch = _sender_mismatch(claimed, sender, sender_kind, sender_brand)
    if mismatch:
        flags.add("sender_mismatch")
    authority = [b for b in claimed if b.kind in {"authority", "bank", "wallet"}]
    if (
        authority
        and sender_brand is None
        and (
            SELF_IDENTIFICATION.search(folded)
            or channel in {"call", "zalo"}
            or sender_kind in {"number", "email"}
            or mismatch
        )
    ):
        flags.add("impersonation")
    if _has_suspicious_link(text, mentioned):
        flags.add("suspicious_link")
    banks = [b for b in claimed if b.kind == "bank"] + (
        [sender_brand] if sender_brand is not None and sender_brand.kind == "bank" else []
    )
    if banks and find_urls(text):
        # Circular 50/2024/TT-NHNN (art. 17.3, in force 1/1/2025): banks do not send SMS or e-mail with
        # links unless the customer asked, and fake base stations send SMS under real bank brandnames,
        # so a bank message with a link is a red flag even from the official sender or domain.
        flags.add("suspicious_link")
    return flags


def _is_warning(folded: str) -> bool:
    return bool(WARNING_SENTENCE.search(folded) or SCAM_DESCRIPTION.search(folded))


def looks_like_scam(flags: Iterable[str]) -> bool:
    """The course's simple rule: one strong red flag is enough to stop and check."""
    return any(flag in STRONG_FLAGS for flag in flags)


def verdict_text(flags: Iterable[str], lang: LanguageCode | None = None) -> str:
    """The one-line advice for a set of flags: stop and report, or still check another way."""
    return t("safety.verdict.scam" if looks_like_scam(flags) else "safety.verdict.legit", lang)


def explain(flag: str, lang: LanguageCode | None = None) -> str:
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
    if item["label"] not in get_args(Label):
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
        explanation=Localized(vi=item["explain_vi"], en=item["explain_en"]),
    )


def _speaks_for(brand: Brand, folded: str) -> bool:
    """The message speaks as `brand` (opens with it, or "tôi là / từ / from" it), not merely mentions it."""
    for name in brand.names:
        for match in re.finditer(rf"\b{re.escape(name)}\b", folded):
            before = folded[max(0, match.start() - 40) : match.start()]
            if match.start() < 40 or SPEAKER.search(before):
                return True
    return False


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
    return bool(specific) or (kind == "name" and _imitated_sender(sender) is not None)


def _imitated_sender(sender: str) -> Brand | None:
    """The brand whose official sender name `sender` copies with extras ("SenVang-CSKH", "PNBank-Secure")."""
    name = normalize_for_matching(sender).replace(" ", "").replace("-", "").replace("_", "")
    for brand in _brands():
        for official in brand.senders:
            squashed = normalize_for_matching(official).replace(" ", "")
            if len(squashed) >= 5 and squashed[:7] in name and name != squashed:
                return brand
    return None


def _has_suspicious_link(text: str, claimed: list[Brand]) -> bool:
    official = set(TRUSTED_DOMAINS) | {d for b in _brands() for d in b.domains}
    for url in find_urls(text):
        try:
            report = inspect_url(url)
        except UrlError:
            continue
        if report.is_shortener and not report.expanded:
            return True  # we cannot see where it leads: never tap it blind
        item = inspect_url(report.expanded) if report.expanded else report
        if (_SUSPICIOUS_URL - {"shortener"}) & set(item.warnings) or item.path.lower().endswith(".apk"):
            return True
        domain = item.registered_domain
        if domain in official or any(item.unicode_host.endswith("." + d) for d in official):
            continue
        if claimed or report.is_shortener or RISKY_DOMAIN_WORDS.search(domain):
            return True
    return False


def _data_text(name: str) -> str:
    return resources.files("hocso.safety").joinpath(f"data/{name}").read_text("utf-8")


@cache
def _brands() -> tuple[Brand, ...]:
    entries = json.loads(_data_text("brands.json"))["brands"]
    unknown = [e["key"] for e in entries if e["kind"] not in get_args(BrandKind)]
    if unknown:
        raise MessageSetError(f"brands.json: {', '.join(unknown)}: kind must be one of {get_args(BrandKind)}")
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
