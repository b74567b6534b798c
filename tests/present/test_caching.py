"""Voila's front-end files are cached by the browser (no revalidation on a phone's next page) and
gzipped; app pages and the classroom state are never cached."""

from __future__ import annotations

import json
import re
import urllib.request

import pytest

from hocso.present.caching import IMMUTABLE, TEACHING_DAY, cache_control

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
