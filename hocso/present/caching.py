"""Browser caching of Voila's front-end files, so a phone's second page does not ask the server again.

Voila sends its lab extensions with ``Cache-Control: no-cache`` and its own scripts with no caching
header at all, so every page a learner opens revalidates dozens of scripts, one round trip each, on
the critical path to the widgets (over a busy classroom Wi-Fi and a server that is also running
kernels). The files do not change while `hocso present` runs: content-hashed or versioned ones are
cached for good, the rest for one teaching day. App pages, the classroom state and every API keep
their own headers.
"""

from __future__ import annotations

import re

import tornado.httputil
import tornado.web

ASSET_PREFIXES = ("/voila/static/", "/voila/templates/", "/voila/labextensions/")
IMMUTABLE = "public, max-age=31536000, immutable"
TEACHING_DAY = "public, max-age=43200"
# webpack names such as remoteEntry.be18471aaf567c023b03.js or 718.a7a3f80ef4813fab.js
CONTENT_HASH = re.compile(r"\.[0-9a-f]{16,}\.")


def cache_control(path: str, query: str) -> str | None:
    """The Cache-Control header for a request path, or None when the response keeps its own."""
    if not path.startswith(ASSET_PREFIXES):
        return None
    name = path.rsplit("/", 1)[-1]
    versioned = any(part.startswith("v=") for part in query.split("&"))
    return IMMUTABLE if versioned or CONTENT_HASH.search(name) else TEACHING_DAY


class AssetCaching(tornado.web.OutputTransform):
    """A tornado output transform: long caching headers on successful static-file responses."""

    def __init__(self, request: tornado.httputil.HTTPServerRequest) -> None:
        super().__init__(request)
        self._header = cache_control(request.path, request.query)

    def transform_first_chunk(
        self, status_code: int, headers: tornado.httputil.HTTPHeaders, chunk: bytes, finishing: bool
    ) -> tuple[int, tornado.httputil.HTTPHeaders, bytes]:
        if self._header and status_code in (200, 304):
            headers["Cache-Control"] = self._header
        return status_code, headers, chunk
