"""Voila's front-end files are cached by the browser (no revalidation on a phone's next page) and
gzipped once; app pages and the classroom state are never cached."""

from __future__ import annotations

import gzip
import json
import re
import urllib.request

import pytest
from tornado.httputil import HTTPHeaders, HTTPServerRequest, RequestStartLine

from hocso.present.caching import IMMUTABLE, TEACHING_DAY, CompressedResponses, cache_control

pytestmark = [pytest.mark.slow, pytest.mark.timeout(180)]


@pytest.mark.parametrize(
    ("path", "query", "expected"),
    [
        ("/voila/static/voila.js", "", TEACHING_DAY),
        ("/voila/static/5764.voila.js", "", TEACHING_DAY),
        ("/voila/templates/hocso/static/index.css", "v=ee8de0", IMMUTABLE),
        ("/voila/labextensions/@x/y/static/remoteEntry.be18471aaf567c023b03.js", "", IMMUTABLE),
        ("/voila/labextensions/@x/y/static/718.a7a3f80ef4813fab.js", "v=a7a3f80e", IMMUTABLE),
        ("/voila/render/m04_phishing.ipynb", "", None),
        ("/api/kernels/abc", "", None),
        ("/hocso/classroom", "after=3", None),
        ("/", "", None),
    ],
)
def test_cache_control_by_path(path: str, query: str, expected: str | None) -> None:
    assert cache_control(path, query) == expected


def send(path: str, etag: str, chunks: list[bytes], method: str = "GET") -> tuple[HTTPHeaders, bytes]:
    """One response through the transform, as tornado's StaticFileHandler writes it (in chunks)."""
    start = RequestStartLine(method, path, "HTTP/1.1")
    request = HTTPServerRequest(
        start_line=start, headers=HTTPHeaders({"Accept-Encoding": "gzip", "Host": "127.0.0.1"})
    )
    transform = CompressedResponses(request)
    headers = HTTPHeaders({"Content-Type": "text/javascript", "Etag": etag})
    _, headers, body = transform.transform_first_chunk(200, headers, chunks[0], len(chunks) == 1)
    for index, chunk in enumerate(chunks[1:], start=2):
        body += transform.transform_chunk(chunk, index == len(chunks))
    return headers, body


def test_a_front_end_file_is_compressed_once_per_version() -> None:
    script = b"var widgets = 1;\n" * 5000
    headers, body = send("/voila/static/test-once.js", '"v1"', [script[:40000], script[40000:]])
    assert headers["Content-Encoding"] == "gzip" and gzip.decompress(body) == script
    # Same path and ETag: the kept bytes go out, whatever the handler writes after them.
    headers, again = send("/voila/static/test-once.js", '"v1"', [b"x" * 40000, b"y" * 50000])
    assert again == body and headers["Content-Length"] == str(len(body))
    # A new version of the file is compressed afresh; app pages are gzipped but never kept.
    _, newer = send("/voila/static/test-once.js", '"v2"', [b"// v2\n" * 2000])
    assert gzip.decompress(newer) == b"// v2\n" * 2000
    send("/voila/render/app.ipynb", '"p"', [b"<p>one</p>" * 500])
    _, other = send("/voila/render/app.ipynb", '"p"', [b"<p>two</p>" * 500])
    assert gzip.decompress(other) == b"<p>two</p>" * 500


def headers_of(url: str) -> dict[str, str]:
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(request, timeout=60) as response:
        response.read()
        return {name.lower(): value for name, value in response.headers.items()}


def test_the_server_sends_those_headers(present_server) -> None:
    page_url = present_server.app_url("zz_fixture_button")
    with urllib.request.urlopen(page_url, timeout=120) as response:
        page = response.read().decode()
        assert "max-age" not in (response.headers.get("Cache-Control") or "")
    config = json.loads(re.search(r'id="jupyter-config-data"[^>]*>(.*?)</script>', page, re.S).group(1))
    manager = next(e for e in config["federated_extensions"] if e["name"].endswith("widgets-manager8"))
    remote_entry = f"{present_server.url}voila/labextensions/{manager['name']}/{manager['load']}"
    assert headers_of(remote_entry)["cache-control"] == IMMUTABLE
    script = headers_of(f"{present_server.url}voila/static/voila.js")
    assert script["cache-control"] == TEACHING_DAY
    assert script["content-encoding"] == "gzip"
    assert "max-age" not in headers_of(f"{present_server.url}hocso/classroom")["cache-control"]
