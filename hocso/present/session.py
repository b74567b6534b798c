"""The facilitator's session: the key from the terminal, exchanged once for an HttpOnly cookie.

The key opens the facilitator page and facilitator-only apps (learners' data). A link carrying
``?key=`` is answered with the cookie and a redirect to the same address without the key, so the
key never stays in an address bar on the projector or in a screenshot; the cookie holds a value
derived from the key, never the key.
"""

from __future__ import annotations

import hashlib
import hmac
import urllib.parse

import tornado.httputil

SESSION_COOKIE = "hocso_facilitator"


def session_token(facilitator_key: str) -> str:
    """The facilitator's cookie value: derived from the key, so the key itself is never stored."""
    return hmac.new(facilitator_key.encode(), b"hocso facilitator session", hashlib.sha256).hexdigest()


def is_facilitator(request: tornado.httputil.HTTPServerRequest, facilitator_key: str) -> bool:
    """The request carries the facilitator key (``?key=``) or the session cookie it was exchanged for."""
    given = request.query_arguments.get("key", [b""])[-1]
    if given and hmac.compare_digest(given, facilitator_key.encode()):
        return True
    cookie = request.cookies.get(SESSION_COOKIE)
    expected = session_token(facilitator_key).encode()
    return cookie is not None and hmac.compare_digest(cookie.value.encode(), expected)


def without_key(uri: str) -> str:
    """The same address without its ``key=`` argument (what the address bar shows afterwards)."""
    parts = urllib.parse.urlsplit(uri)
    query = [(k, v) for k, v in urllib.parse.parse_qsl(parts.query, keep_blank_values=True) if k != "key"]
    return urllib.parse.urlunsplit(("", "", parts.path, urllib.parse.urlencode(query), ""))
