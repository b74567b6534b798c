"""A certificate's facts, signed with the course's key, as one code that fits a QR code and a line of text.

The code carries what a person checking a printed certificate compares with the paper (name, unit,
group, modules, the level reached per domain, the date) and nothing more: no learner id, e-mail or
score detail. It is `HS1.<facts>.<signature>` in base32 (QR alphanumeric mode: upper-case letters,
digits and the dot), where the signature is Ed25519 (the `cryptography` package) over the facts'
exact bytes, so changing any field, a single letter of the name included, makes it fail. The
private key is made on first use under the runtime home (never in the repository), readable only
by its owner; the public key can be handed to whoever verifies on another machine.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from hocso import keys
from hocso.config import Course
from hocso.errors import HocsoError

PREFIX = "HS1"


Invalidity = Literal["not_a_code", "bad_signature"]  # catalog keys certificate.verify.<why>


class CertificateInvalid(HocsoError):
    """A code that is not a certificate of this course's key, with why (the caller words it for people)."""

    def __init__(self, why: Invalidity) -> None:
        super().__init__(why)
        self.why: Invalidity = why


@dataclass(frozen=True)
class CertificateFacts:
    """What a certificate states; `levels` maps a framework domain code to the level reached (1-8)."""

    course: str
    name: str
    unit: str
    group: str
    issued: str  # ISO date, e.g. 2026-12-02
    modules: tuple[str, ...]
    levels: dict[str, int] = field(default_factory=dict)

    def payload(self) -> bytes:
        """The exact bytes that are signed: compact JSON with sorted keys, so one fact gives one text."""
        compact = {
            "c": self.course,
            "n": self.name,
            "u": self.unit,
            "g": self.group,
            "d": self.issued,
            "m": list(self.modules),
            "l": dict(sorted(self.levels.items())),
        }
        return json.dumps(compact, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()

    @classmethod
    def from_payload(cls, data: bytes) -> CertificateFacts:
        raw = json.loads(data.decode())
        return cls(
            course=str(raw["c"]),
            name=str(raw["n"]),
            unit=str(raw["u"]),
            group=str(raw["g"]),
            issued=str(raw["d"]),
            modules=tuple(str(m) for m in raw["m"]),
            levels={str(k): int(v) for k, v in raw["l"].items()},
        )


def key_name(course: Course) -> str:
    return f"{course.id}-certificates"


def key_path(course: Course) -> Path:
    """Where the course's signing key lives: the runtime home, outside any repository."""
    return keys.key_path(key_name(course))


def signing_key(course: Course) -> Ed25519PrivateKey:
    """The course's private key, made on first use (folder 0700, file 0600)."""
    return keys.private_key(key_name(course))


def public_key_pem(course: Course) -> str:
    """The public half, to hand to whoever verifies certificates on another machine."""
    return keys.public_pem(signing_key(course))


def load_public_key(pem: str | bytes) -> Ed25519PublicKey:
    return keys.load_public_key(pem)


def sign(facts: CertificateFacts, key: Ed25519PrivateKey) -> str:
    """The certificate's code: HS1.<facts>.<signature>, base32 without padding."""
    payload = facts.payload()
    return ".".join((PREFIX, _b32(payload), _b32(key.sign(payload))))


def verify(code: str, public_key: Ed25519PublicKey) -> CertificateFacts:
    """The facts a code states when the course's key signed exactly them; CertificateInvalid otherwise."""
    parts = "".join(code.split()).upper().split(".")
    if len(parts) != 3 or parts[0] != PREFIX:
        raise CertificateInvalid("not_a_code")
    try:
        payload, signature = _unb32(parts[1]), _unb32(parts[2])
    except (binascii.Error, ValueError) as error:
        raise CertificateInvalid("not_a_code") from error
    try:
        public_key.verify(signature, payload)
    except InvalidSignature as error:
        raise CertificateInvalid("bad_signature") from error
    try:
        return CertificateFacts.from_payload(payload)
    except (ValueError, KeyError, TypeError, AttributeError) as error:  # signed, yet not our shape
        raise CertificateInvalid("not_a_code") from error


def short_reference(code: str) -> str:
    """A short, readable reference for registers (not a proof: the whole code is): XXXX-XXXX-XX."""
    digest = base64.b32encode(hashlib.sha256(code.encode()).digest()).decode()
    return f"{digest[:4]}-{digest[4:8]}-{digest[8:10]}"


def _b32(data: bytes) -> str:
    return base64.b32encode(data).decode().rstrip("=")


def _unb32(text: str) -> bytes:
    return base64.b32decode(text + "=" * (-len(text) % 8))
