"""Front-end files on a slow classroom network: compressed once, then cached by the browser.

Voila sends its template and lab-extension files with ``Cache-Control: no-cache`` or no caching
header at all, so every page a learner opens would revalidate them, one round trip each, on the
critical path to the widgets (over a busy classroom Wi-Fi and a server that is also running kernels).
The files do not change while `hocso present` runs: content-hashed or versioned ones (hocso's front
end is linked with ``?v=<hash>``) are cached for good, the rest for one teaching day. App pages, the
classroom state and every API keep their own headers.

Every response is gzipped; a front-end file (hocso-widgets.js: 0.86 MB, 0.27 MB gzipped) is
compressed once, at the highest level, and kept, so thirty phones opening their first page at once
cost the facilitator's laptop one compression, not thirty.
"""

from __future__ import annotations

import re

import tornado.httputil
import tornado.web

MAX_KEPT_BYTES = 64 * 2**20  # all front-end files are ~2 MB compressed; far more means something odd
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


_compressed: dict[tuple[str, str], bytes] = {}


class CompressedResponses(tornado.web.GZipContentEncoding):
    """tornado's gzip transform, except that front-end files are compressed once (level 9) and kept,
    keyed by path and ETag (or Last-Modified), and later GET requests get the kept bytes."""

    def __init__(self, request: tornado.httputil.HTTPServerRequest) -> None:
        super().__init__(request)
        asset = request.method == "GET" and request.path.startswith(ASSET_PREFIXES)
        self._asset_path = request.path if asset else ""
        self._key: tuple[str, str] | None = None
        self._parts: list[bytes] = []
        self._replaying = False
        if asset:
            self.GZIP_LEVEL = 9

    def transform_first_chunk(
        self, status_code: int, headers: tornado.httputil.HTTPHeaders, chunk: bytes, finishing: bool
    ) -> tuple[int, tornado.httputil.HTTPHeaders, bytes]:
        if self._asset_path and self._gzipping and status_code == 200:
            key = (self._asset_path, headers.get("Etag") or headers.get("Last-Modified", ""))
            kept = _compressed.get(key)
            if kept is not None:
                headers["Vary"] = "Accept-Encoding"
                headers["Content-Encoding"] = "gzip"
                headers["Content-Length"] = str(len(kept))
                self._replaying = True
                return status_code, headers, kept
            self._key = key
        # tornado compresses the first chunk through self.transform_chunk, which keeps it
        return super().transform_first_chunk(status_code, headers, chunk, finishing)

    def transform_chunk(self, chunk: bytes, finishing: bool) -> bytes:
        if self._replaying:
            return b""  # the handler still writes the file; the kept bytes went out already
        chunk = super().transform_chunk(chunk, finishing)
        self._keep(chunk, finishing)
        return chunk

    def _keep(self, chunk: bytes, finishing: bool) -> None:
        if self._key is None or not self._gzipping:
            return
        self._parts.append(chunk)
        if finishing:
            body = b"".join(self._parts)
            if sum(map(len, _compressed.values())) + len(body) <= MAX_KEPT_BYTES:
                _compressed[self._key] = body
            self._key = None
