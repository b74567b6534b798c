"""`hocso grade formgrader` as an instructor runs it: one command, loopback, a token, names shown.

The command is started as a real process on the fixture course with a roster of Vietnamese names;
the address it prints is the only thing the test knows, and nbgrader's formgrader must answer
there with every learner's name and group, and refuse a request without the token.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from .conftest import make_course

ROSTER = {
    "an": ("Nguyễn Văn An", "staff", "Phòng Nội vụ"),
    "binh": ("Trần Thị Bình", "citizens", "Phường Hòa Bình"),
    "chau": ("Lê Minh Châu", "leaders", "Phòng Nội vụ"),
}
URL = re.compile(r"http://127\.0\.0\.1:(\d+)/formgrader\?token=(\S+)")


def _read_url(server: subprocess.Popen, log: Path) -> tuple[int, str]:
    assert server.stdout is not None
    for line in server.stdout:
        if match := URL.search(line):
            return int(match[1]), match[2]
    raise AssertionError(f"no formgrader address printed:\n{log.read_text(encoding='utf-8')}")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object) -> None:
        return None  # a redirect to the login page is an answer to check, not to follow


def _students(port: int, token: str | None) -> list[dict[str, object]]:
    headers = {"Authorization": f"token {token}"} if token else {}
    request = urllib.request.Request(f"http://127.0.0.1:{port}/formgrader/api/students", headers=headers)
    with urllib.request.build_opener(_NoRedirect).open(request, timeout=10) as response:
        return json.loads(response.read())


@pytest.mark.slow
def test_one_command_opens_formgrader_with_the_roster_names(
    course_copy: Path, isolated_data_home: Path, tmp_path: Path, gradebook_db_url: str | None
) -> None:
    """On a SQLite gradebook, then on a PostgreSQL one (the server reads it through nbgrader_config.py)."""
    course = make_course(course_copy, gradebook_db_url)
    roster = tmp_path / "roster.csv"
    lines = ["learner_id,name,group,unit", *(f"{i},{n},{g},{u}" for i, (n, g, u) in ROSTER.items())]
    roster.write_text("\n".join(lines) + "\n", encoding="utf-8")
    log = tmp_path / "server.log"
    env = dict(os.environ, HOCSO_HOME=str(isolated_data_home))
    command = [sys.executable, "-m", "hocso", "grade", "formgrader", "--no-browser", "--roster", str(roster)]
    with log.open("w", encoding="utf-8") as errors:
        server = subprocess.Popen(
            [*command, "--course", str(course.root)],
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
            env=env,
            start_new_session=True,
        )
        try:
            port, token = _read_url(server, log)
            # a guard against hanging, not a speed check: on a loaded box the server takes over a minute
            deadline = time.monotonic() + 300
            while True:
                try:
                    students = _students(port, token)
                    break
                except (urllib.error.URLError, ConnectionError):
                    assert server.poll() is None, log.read_text(encoding="utf-8")
                    assert time.monotonic() < deadline, log.read_text(encoding="utf-8")
                    time.sleep(0.3)
            with pytest.raises(urllib.error.HTTPError) as refused:
                _students(port, None)
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
    # without the token: refused, or sent to the login page; never the list
    assert refused.value.code == 403 or "/login" in refused.value.headers.get("Location", "")
    groups = {group.id: group.name("vi") for group in course.framework.groups}
    shown = {s["id"]: (s["last_name"], s["first_name"]) for s in students}
    assert shown == {i: (name, f"{groups[g]} · {u}") for i, (name, g, u) in ROSTER.items()}
