"""`hocso lab` really starts a Jupyter server on loopback that serves the course, then stops cleanly."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def _get(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=5) as response:
        return json.loads(response.read())


def test_lab_serves_the_course_and_shuts_down(course_copy: Path, free_port: int, tmp_path: Path) -> None:
    (course_copy / "notebooks" / "m01").mkdir(exist_ok=True)
    (course_copy / "notebooks" / "m01" / "m01_welcome.ipynb").write_text(
        json.dumps({"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5})
    )
    log = (tmp_path / "lab.log").open("w+")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "hocso",
            "lab",
            "--no-browser",
            "--port",
            str(free_port),
            "--course",
            str(course_copy),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**__import__("os").environ, "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime")},
    )
    try:
        url = None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and url is None:
            time.sleep(0.3)
            found = re.search(r"(http://127\.0\.0\.1:\d+)/lab\?token=(\S+)", Path(log.name).read_text())
            if found:
                try:
                    status = _get(f"{found[1]}/api/status?token={found[2]}")
                    url, token = found[1], found[2]
                except OSError:
                    continue
            assert process.poll() is None, Path(log.name).read_text()
        assert url == f"http://127.0.0.1:{free_port}", Path(log.name).read_text()
        assert "started" in status
        listing = _get(f"{url}/api/contents/m01?token={token}")
        assert "m01_welcome.ipynb" in {item["name"] for item in listing["content"]}
        with pytest.raises(urllib.error.HTTPError) as denied:
            _get(f"{url}/api/contents/m01")  # no token, no access
        assert denied.value.code == 403
    finally:
        process.send_signal(signal.SIGTERM)
        code = process.wait(timeout=30)
        log.close()
    assert code == 0, Path(log.name).read_text()[-2000:]
