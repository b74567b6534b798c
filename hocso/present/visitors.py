"""Who a visitor is: one id per browser, kept in a signed HttpOnly cookie set on the first app page.

Everything a present kernel does runs as the server's one OS user, so a quota counted "per user" is
one quota for the whole class (105 clicks by one visitor left everyone else "asked 100 questions
today"). What tells visitors apart is their browser: the first app page it opens gets a random
visitor id in a cookie, and every later page (a reload, another app) sends it back. The page handler
puts the id in `current_visitor` while it takes the page's kernel, so `hocso.present.capacity` can
record which visitor holds which kernel.

The cookie is signed (tornado's signed values, HMAC-SHA256 under a secret under the runtime home, so
ids survive a server restart): a visitor cannot pick another visitor's id to spend their quota.
HttpOnly (no script reads it), SameSite=Lax rather than Strict: a phone that opens the class's link
from a chat app or a QR scanner is a cross-site navigation, and a Strict cookie would not be sent
then, so the page would hand out a new id and with it a new quota.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from contextvars import ContextVar
from dataclasses import dataclass

import tornado.httputil
import tornado.web
from cryptography.hazmat.primitives import serialization

VISITOR_COOKIE = "hocso_visitor"
COOKIE_DAYS = 30
VISITOR_ID = re.compile(r"^[A-Za-z0-9_-]{22}$")
SECRET_KEY_NAME = "present-visitors"

#: the visitor whose page request is being served (set by the app page handler, read when the
#: request takes its kernel); None outside an app page request
current_visitor: ContextVar[str | None] = ContextVar("hocso_present_visitor", default=None)


def new_visitor_id() -> str:
    return secrets.token_urlsafe(16)


@dataclass(frozen=True)
class VisitorCookies:
    """Signs and reads the visitor cookie under one secret."""

    secret: bytes

    @classmethod
    def of_this_machine(cls) -> VisitorCookies:
        """A secret kept under the runtime home (made once, 0600, by `hocso.keys`), so a restarted
        server still knows its visitors and their quotas."""
        from hocso.keys import private_key

        raw = private_key(SECRET_KEY_NAME).private_bytes(
            serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
        )
        return cls(hashlib.sha256(b"hocso visitor cookies\0" + raw).digest())

    def value(self, visitor: str) -> bytes:
        return tornado.web.create_signed_value(self.secret, VISITOR_COOKIE, visitor)

    def visitor(self, request: tornado.httputil.HTTPServerRequest) -> str | None:
        """The request's visitor id, or None when it has no cookie or one that was not signed here."""
        cookie = request.cookies.get(VISITOR_COOKIE)
        if cookie is None:
            return None
        decoded = tornado.web.decode_signed_value(
            self.secret, VISITOR_COOKIE, cookie.value, max_age_days=COOKIE_DAYS + 1
        )
        visitor = decoded.decode("ascii", "replace") if decoded else ""
        return visitor if VISITOR_ID.match(visitor) else None

    def identify(self, handler: tornado.web.RequestHandler) -> str:
        """The visitor of this page request; a browser without a valid cookie gets a new id and
        its cookie (call before the first byte of the page is written)."""
        visitor = self.visitor(handler.request)
        if visitor is None:
            visitor = new_visitor_id()
            handler.set_cookie(
                VISITOR_COOKIE,
                self.value(visitor).decode("ascii"),
                expires_days=COOKIE_DAYS,
                httponly=True,
                samesite="Lax",
            )
        return visitor
