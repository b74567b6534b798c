"""Who may reach what on the present server, decided once per request on the decoded, normalised path.

Tornado matches routes on the raw path while Voila decodes and normalises the notebook path itself, so
a route guarded by its raw spelling (``/voila/render/instructor_dashboard.ipynb``) was bypassed by
``%69nstructor_…``, ``./…``, ``//…``, ``x/../…`` or a trailing ``/``. The gate below runs before any
route: it decodes the path, collapses it, and lets through only what a classroom needs:

* ``/`` and hocso's own pages under ``/hocso/`` (they check the facilitator key themselves);
* an app page ``/voila/render/<app>`` spelled exactly as the gallery links it, for the apps being
  presented (the one app in single-app mode); a facilitator-only app in any spelling only with the
  facilitator's key or session cookie;
* Voila's static, template, theme and lab-extension files, and images next to the apps;
* a kernel's websocket ``/api/kernels/<id>/channels`` (what a visitor may send there is
  ``hocso.present.limits``'s business).

Everything else (``/voila/tree``, ``/voila/api/contents``, ``/api/kernels/<id>``, ``/voila/api/shutdown``,
login pages, any other spelling) is 404. The facilitator's key is exchanged for an HttpOnly cookie and
the address without the key, so the key never stays in an address bar a class can read.
"""

from __future__ import annotations

import posixpath
import re
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import tornado.httputil
import tornado.web

from hocso.config.models import LanguageCode
from hocso.present.pages import render_refusal
from hocso.present.session import SESSION_COOKIE, is_facilitator, session_token, without_key

KERNEL_CHANNELS = re.compile(
    r"^/api/kernels/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/channels$"
)
# the kernel asks its own server for request details (Voila's preheat); only from this machine
KERNEL_QUERY = re.compile(r"^/voila/query/[0-9a-f-]{36}$")
STATIC_PREFIXES = ("/voila/static/", "/voila/templates/", "/voila/labextensions/", "/voila/api/themes/",
                   "/voila/files/")  # fmt: skip
RENDER_PREFIX = "/voila/render/"
LOOPBACK = ("127.0.0.1", "::1")
RETRY_AFTER_SECONDS = 60

Decision = Literal["allow", "facilitator", "not_found", "class_full"]


def canonical_path(raw: str) -> str:
    """The path a handler would act on: percent-decoded once (as tornado decodes route arguments),
    runs of slashes collapsed, dot segments resolved, no trailing slash."""
    decoded = urllib.parse.unquote(raw)
    collapsed = re.sub(r"/{2,}", "/", "/" + decoded)
    normal = posixpath.normpath(collapsed)
    return "/" if normal in ("", ".", "//") else normal


@dataclass(frozen=True)
class AccessPolicy:
    """The apps a visitor may open and the ones only the facilitator may (names with and without
    ``.ipynb``); `visitor_kernels_full` says whether another visitor kernel would pass the cap."""

    public_apps: frozenset[str]
    facilitator_apps: frozenset[str]
    visitor_kernels_full: Callable[[], bool] = lambda: False

    def decide(self, raw_path: str, remote_ip: str = "", facilitator: bool = False) -> Decision:
        path = canonical_path(raw_path)
        if path.startswith(RENDER_PREFIX):
            name = path[len(RENDER_PREFIX) :]
            if name in self.facilitator_apps:
                return "allow" if facilitator else "facilitator"
            if name not in self.public_apps or raw_path != path:
                return "not_found"
            return "class_full" if not facilitator and self.visitor_kernels_full() else "allow"
        if path == "/" or path == "/hocso" or path.startswith("/hocso/"):
            return "allow"
        if path.startswith(STATIC_PREFIXES) and "\x00" not in path and "\\" not in path:
            return "allow"
        if KERNEL_CHANNELS.match(path) and raw_path == path:
            return "allow"
        if KERNEL_QUERY.match(path) and remote_ip in LOOPBACK:
            return "allow"
        return "not_found"


def app_names(file_names: list[str]) -> frozenset[str]:
    """Every spelling Voila resolves to these notebooks: with and without ``.ipynb``."""
    return frozenset(name for file in file_names for name in (file, file.removesuffix(".ipynb")))


class RefusalHandler(tornado.web.RequestHandler):
    """A short page in the course language instead of what was asked for (404, 403, 503 class full)."""

    def initialize(self, status: int, reason: str, language: LanguageCode) -> None:
        self.status = status
        self.reason = reason
        self.language = language

    def prepare(self) -> None:
        self.set_status(self.status)
        self.set_header("Cache-Control", "no-store")
        if self.status == 503:
            self.set_header("Retry-After", str(RETRY_AFTER_SECONDS))
        if self.request.method == "HEAD":
            self.finish()
            return
        self.finish(render_refusal(self.reason, self.language, RETRY_AFTER_SECONDS))

    def check_xsrf_cookie(self) -> None:  # nothing is changed here; POSTs get the same refusal
        return


class KeyExchangeHandler(tornado.web.RequestHandler):
    """``?key=`` on any page: set the facilitator's session cookie and go to the address without it."""

    def initialize(self, facilitator_key: str) -> None:
        self.facilitator_key = facilitator_key

    def get(self) -> None:
        self.set_cookie(SESSION_COOKIE, session_token(self.facilitator_key), httponly=True, samesite="Strict")
        self.set_header("Cache-Control", "no-store")
        self.redirect(without_key(self.request.uri or "/"))


Gate = Callable[[tornado.httputil.HTTPServerRequest], tuple[type[tornado.web.RequestHandler], dict] | None]


def gate(policy: AccessPolicy, facilitator_key: str, language: LanguageCode) -> Gate:
    """The check run on every request: None lets the server's own routes answer, otherwise the
    handler (and its arguments) that answers instead."""

    def check(
        request: tornado.httputil.HTTPServerRequest,
    ) -> tuple[type[tornado.web.RequestHandler], dict] | None:
        path = request.path or "/"
        facilitator = is_facilitator(request, facilitator_key)
        decision = policy.decide(path, request.remote_ip or "", facilitator)
        if decision == "allow":
            has_key = "key" in request.query_arguments
            if (
                facilitator
                and has_key
                and request.method == "GET"
                and not path.startswith("/hocso/classroom")
            ):
                return KeyExchangeHandler, {"facilitator_key": facilitator_key}
            return None
        status, reason = {"facilitator": (403, "facilitator"), "class_full": (503, "class_full")}.get(
            decision, (404, "not_found")
        )
        return RefusalHandler, {"status": status, "reason": reason, "language": language}

    return check


def install_gate(app: tornado.web.Application, check: Gate) -> None:
    """Run `check` before tornado's routing for every request of `app`."""
    route = app.find_handler

    def find_handler(request: tornado.httputil.HTTPServerRequest, **kwargs: object):
        answer = check(request)
        if answer is None:
            return route(request, **kwargs)
        handler, handler_kwargs = answer
        return app.get_handler_delegate(request, handler, handler_kwargs)

    app.find_handler = find_handler  # type: ignore[method-assign]
