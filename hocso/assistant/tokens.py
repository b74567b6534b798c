"""Learner tokens: who is asking, decided by the server, never by the learner's kernel.

A token is `hocso1.<learner>.<signature>`, the signature an HMAC-SHA256 of the learner id under a
secret only the server holds (the lab's server process makes a fresh one each start; `hocso
assistant serve` derives it from the class key). The kernel gets its own token in its environment;
changing HOCSO_LEARNER or passing `learner=` changes nothing, because the server reads the learner
from a token it can verify. Standard-library `hmac`: nothing else is needed for one signed field.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

PREFIX = "hocso1"


class LearnerTokens:
    """Mint and verify learner tokens under one secret."""

    def __init__(self, secret: bytes | None = None) -> None:
        self._secret = secret or secrets.token_bytes(32)

    @classmethod
    def from_class_key(cls, class_key: str) -> LearnerTokens:
        return cls(hashlib.sha256(b"hocso learner tokens\0" + class_key.encode()).digest())

    def _sign(self, learner: str) -> str:
        return hmac.new(self._secret, learner.encode(), hashlib.sha256).hexdigest()[:32]

    def mint(self, learner: str) -> str:
        name = base64.urlsafe_b64encode(learner.encode()).decode().rstrip("=")
        return f"{PREFIX}.{name}.{self._sign(learner)}"

    def learner(self, token: str) -> str | None:
        """The learner a token was minted for, or None for anything forged, altered or malformed."""
        parts = token.split(".")
        if len(parts) != 3 or parts[0] != PREFIX or len(token) > 512:
            return None
        try:
            learner = base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)).decode()
        except (ValueError, UnicodeDecodeError):
            return None
        return learner if learner and hmac.compare_digest(parts[2], self._sign(learner)) else None


def bearer(authorization: str | None) -> str | None:
    """The token of an `Authorization: Bearer <token>` header (what the openai client sends)."""
    if not authorization:
        return None
    scheme, _, value = authorization.partition(" ")
    return value.strip() or None if scheme.lower() in ("bearer", "token") else None
