"""What a link really points to (module m05): registered domain, look-alikes, punycode, short links.

The one question a learner must answer before tapping is "whose site is this?", and the answer is the
registered domain (the part a company buys), not whatever words appear earlier in the address.
tldextract runs strictly offline here: its bundled Public Suffix List snapshot, no fetch, no cache.
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from urllib.parse import urlsplit

import idna
import tldextract
from rapidfuzz.distance import Levenshtein

from hocso.config.models import LanguageCode
from hocso.i18n import t
from hocso.safety.errors import SafetyError

TRUSTED_DOMAINS = (
    "dichvucong.gov.vn",
    "vneid.gov.vn",
    "chinhphu.vn",
    "bocongan.gov.vn",
    "gdt.gov.vn",
    "baohiemxahoi.gov.vn",
    "tinnhiemmang.vn",
    "vietcombank.com.vn",
    "vietinbank.vn",
    "bidv.com.vn",
    "agribank.com.vn",
    "techcombank.com",
    "mbbank.com.vn",
    "vpbank.com.vn",
    "acb.com.vn",
    "tpb.vn",
    "hdbank.com.vn",
    "sacombank.com.vn",
    "vib.com.vn",
    "shb.com.vn",
    "seabank.com.vn",
    "napas.com.vn",
    "baochinhphu.vn",
    "vnpt.vn",
    "momo.vn",
    "zalopay.vn",
    "vnpost.vn",
    "viettelpost.com.vn",
    "zalo.me",
)
"""Real official domains, used only as the references a link is compared against."""

SHORTENERS = frozenset(
    {
        "bit.ly",
        "tinyurl.com",
        "goo.gl",
        "t.ly",
        "is.gd",
        "cutt.ly",
        "rb.gy",
        "shorturl.at",
        "tiny.cc",
        "ow.ly",
        "s.id",
        "t.co",
        "v.gd",
        "rebrand.ly",
        "short.example",
        "link.test",
    }
)
URL_WARNINGS = (
    "ip_host",
    "punycode",
    "shortener",
    "lookalike",
    "userinfo",
    "not_https",
    "unusual_port",
    "many_subdomains",
)
"""Stable codes of UrlReport.warnings; each has a text in the catalog (safety.url_warning.<code>)."""
RESERVED_TLDS = frozenset({"example", "test", "invalid", "localhost"})
"""RFC 2606 names: not in the Public Suffix List, but the course data uses them as if they were."""

# Characters that look like Latin letters in most fonts (Cyrillic and Greek) and digit swaps.
_HOMOGLYPHS = str.maketrans(
    {
        "а": "a",
        "е": "e",
        "о": "o",
        "р": "p",
        "с": "c",
        "у": "y",
        "х": "x",
        "і": "i",
        "ј": "j",
        "ԁ": "d",
        "ѕ": "s",
        "һ": "h",
        "ӏ": "l",
        "ν": "v",
        "ο": "o",
        "α": "a",
        "ε": "e",
        "ι": "i",
        "κ": "k",
        "τ": "t",
        "ρ": "p",
        "0": "o",
        "1": "l",
        "3": "e",
        "4": "a",
        "5": "s",
        "7": "t",
        "8": "b",
        "9": "g",
        "i": "l",
        "ı": "l",
    }
)

_EXTRACT = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, fallback_to_snapshot=True)
_URL_IN_TEXT = re.compile(
    r"(?:https?://|www\.)[^\s<>\"')]+|\b(?:[a-z0-9-]+\.)+(?:vn|com|net|org|info|xyz|top|ly|me|gd|at|co|io|example|test)(?:/[^\s<>\"')]*)?",
    re.IGNORECASE,
)


class UrlError(SafetyError):
    """A text is not a web address we can inspect."""


@dataclass(frozen=True)
class UrlReport:
    """Everything a learner should look at in one address; `warnings` are stable codes."""

    url: str
    scheme: str
    host: str
    unicode_host: str
    registered_domain: str
    subdomain: str
    public_suffix: str
    path: str
    query: str
    port: int | None
    is_ip: bool
    is_punycode: bool
    is_shortener: bool
    expanded: str | None
    lookalike_of: str | None
    warnings: list[str] = field(default_factory=list)

    def explain(self, lang: LanguageCode | None = None) -> list[str]:
        return [explain_warning(code, lang) for code in self.warnings]


def inspect_url(url: str, trusted: tuple[str, ...] = TRUSTED_DOMAINS) -> UrlReport:
    """Take `url` apart and list what should worry a careful reader."""
    text = url.strip()
    if not text:
        raise UrlError("empty address: paste a web address such as https://dichvucong.gov.vn")
    if "://" not in text:
        text = "http://" + text
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as error:
        raise UrlError(f"{url!r} is not a web address: {error}") from None
    host = (parts.hostname or "").rstrip(".")
    if not host or any(ch.isspace() for ch in host):
        raise UrlError(f"{url!r} has no host name (the part after http:// and before the first /)")
    unicode_host = _to_unicode(host)
    is_ip = _is_ip(host)
    suffix, domain, sub = _split(unicode_host, is_ip)
    registered = f"{domain}.{suffix}" if suffix else domain
    is_puny = any(label.startswith("xn--") for label in host.split(".")) or not host.isascii()
    short = registered in SHORTENERS or unicode_host in SHORTENERS
    expanded = _short_links().get(f"{unicode_host}{parts.path}".rstrip("/")) if short else None
    lookalike = None if is_ip else is_lookalike(unicode_host, trusted)
    warnings = []
    if is_ip:
        warnings.append("ip_host")
    if is_puny:
        warnings.append("punycode")
    if short:
        warnings.append("shortener")
    if lookalike:
        warnings.append("lookalike")
    if parts.username or "@" in parts.netloc:
        warnings.append("userinfo")
    if parts.scheme == "http":
        warnings.append("not_https")
    if port not in (None, 80, 443):
        warnings.append("unusual_port")
    if sub.count(".") >= 2:
        warnings.append("many_subdomains")
    return UrlReport(
        url=url,
        scheme=parts.scheme,
        host=host.lower(),
        unicode_host=unicode_host,
        registered_domain=registered,
        subdomain=sub,
        public_suffix=suffix,
        path=parts.path,
        query=parts.query,
        port=port,
        is_ip=is_ip,
        is_punycode=is_puny,
        is_shortener=short,
        expanded=expanded,
        lookalike_of=lookalike,
        warnings=warnings,
    )


def registered_domain(url: str) -> str:
    """The domain someone registered: "https://dichvucong.gov.vn.abc.example/x" -> "abc.example"."""
    return inspect_url(url).registered_domain


def is_lookalike(domain: str, trusted: tuple[str, ...] | list[str] = TRUSTED_DOMAINS) -> str | None:
    """The trusted domain that `domain` imitates, or None (also None for the trusted domain itself).

    Caught: homoglyphs (Cyrillic "а" for "a"), digit swaps (0/o, 1/l), punycode that decodes to either,
    the brand under another suffix (vietcombank.com), a label within edit distance 2 (1 for names under
    8 letters: hdbank is not mbbank) such as vietcombnak, and
    the brand inside a longer name or subdomain (vneid-capnhat.example, dichvucong.gov.vn.abc.example).
    """
    host = _to_unicode(domain.strip().lower().rstrip(".").split("/")[0].split(":")[0])
    if not host or _is_ip(host):
        return None
    suffix, label, sub = _split(host, False)
    registered = f"{label}.{suffix}" if suffix else label
    if registered in trusted or host in trusted:
        return None
    skeleton = _skeleton(label)
    for good in trusted:
        _good_suffix, good_label, _ = _split(good, False)
        if label == good_label or skeleton == _skeleton(good_label):
            return good
        if len(good_label) >= 5 and Levenshtein.distance(label, good_label) <= (
            2 if len(good_label) >= 8 else 1
        ):
            return good
    for good in trusted:
        good_label = _split(good, False)[1]
        brand = _skeleton(good_label)
        if len(good_label) >= 4 and (brand in _skeleton(label) or brand in _skeleton(sub)):
            return good
    return None


def find_urls(text: str) -> list[str]:
    """Every web address written in `text`, with or without http://."""
    return [match.group(0).rstrip(".,;:!?") for match in _URL_IN_TEXT.finditer(text)]


def expand_short_link(url: str) -> str | None:
    """Where a short link leads, from the course's offline table (we never open the link)."""
    try:
        return inspect_url(url).expanded
    except UrlError:
        return None


def explain_warning(code: str, lang: LanguageCode | None = None) -> str:
    return t(f"safety.url_warning.{code}", lang)


@cache
def _short_links() -> dict[str, str]:
    text = resources.files("hocso.safety").joinpath("data/short_links.json").read_text("utf-8")
    return {key.rstrip("/"): value for key, value in json.loads(text).items()}


def _split(host: str, is_ip: bool) -> tuple[str, str, str]:
    """(public suffix, registrable label, subdomain) of a host, reserved TLDs included."""
    if is_ip:
        return "", host, ""
    parts = _EXTRACT(host)
    if parts.suffix:
        return parts.suffix, parts.domain, parts.subdomain
    labels = host.split(".")
    if len(labels) >= 2 and labels[-1] in RESERVED_TLDS:
        return labels[-1], labels[-2], ".".join(labels[:-2])
    return "", parts.domain or host, parts.subdomain


def _skeleton(label: str) -> str:
    return label.lower().translate(_HOMOGLYPHS).replace("rn", "m").replace("vv", "w").replace("-", "")


def _to_unicode(host: str) -> str:
    labels = []
    for label in host.lower().split("."):
        if label.startswith("xn--"):
            try:
                label = idna.decode(label)
            except idna.IDNAError:
                with contextlib.suppress(UnicodeError):
                    label = label[4:].encode("ascii").decode("punycode")
        labels.append(label)
    return ".".join(labels)


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True
