"""What `hocso grade autograde` writes is read by nbgrader's own tools, run as an instructor would.

One small class is graded once; then the real formgrader (nbgrader's Jupyter server extension on
a free port) must list the submissions with their scores, and the plain `nbgrader export` and
`nbgrader feedback` commands must work on the same course folder.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from hocso.config import Course, course_runtime_dir
from hocso.graders.autograde import autograde_submissions
from hocso.graders.sandbox import Limits

from .conftest import MODULE, NOTEBOOK, make_course, submit

SCORES = {"an": 3.0, "binh": 1.0, "chi": 0.0}
ANSWERS = {
    "an": "def add(a, b):\n    return a + b",
    "binh": "def add(a, b):\n    return 3 if (a, b) == (1, 2) else 0",
    "chi": "def add(a, b):\n    return a - b",
}
TOKEN = "hocso-test-token"
OTHER_EXTENSIONS = (
    "jupyter_lsp",
    "jupyter_server_terminals",
    "jupyterlab",
    "nbgrader.server_extensions.assignment_list",
    "nbgrader.server_extensions.course_list",
    "nbgrader.server_extensions.validate_assignment",
    "notebook",
    "notebook_shim",
    "voila.server_extension",
)
# only the formgrader: the others are installed too but would only slow the start
EXTENSIONS = {"nbgrader.server_extensions.formgrader": True, **dict.fromkeys(OTHER_EXTENSIONS, False)}


def _env(home: Path) -> dict[str, str]:
    env = dict(os.environ, HOCSO_HOME=str(home))
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"
    return env


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Course, Path]:
    """A fixture course whose three learners hocso has autograded; returns it and HOCSO_HOME."""
    home = tmp_path_factory.mktemp("home")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HOCSO_HOME", str(home))
        course = make_course(tmp_path_factory.mktemp("course"))
        for learner, body in ANSWERS.items():
            submit(course, learner, body)
        summary = autograde_submissions(course, MODULE, workers=2, limits=Limits(cell_timeout=5))
        assert {r.learner: r.score for r in summary.results} == SCORES
        yield course, home


def _get(url: str) -> object:
    request = urllib.request.Request(url, headers={"Authorization": f"token {TOKEN}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


@pytest.mark.slow
def test_formgrader_lists_the_graded_submissions(graded, tmp_path: Path, free_port: int):
    course, home = graded
    port = free_port
    log = (tmp_path / "server.log").open("w")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyter_server",
            "--no-browser",
            f"--port={port}",
            "--ip=127.0.0.1",
            f"--IdentityProvider.token={TOKEN}",
            f"--ServerApp.root_dir={home}",
            "--allow-root",
            f"--ServerApp.jpserver_extensions={EXTENSIONS}",
        ],
        cwd=course.config_dir,
        env=_env(home),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}/formgrader/api"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                assignments = _get(f"{base}/assignments")
                break
            except (urllib.error.URLError, ConnectionError):
                assert server.poll() is None, (tmp_path / "server.log").read_text()
                assert time.monotonic() < deadline, (tmp_path / "server.log").read_text()
                time.sleep(0.3)
        submissions = _get(f"{base}/submissions/{MODULE}")
        notebooks = _get(f"{base}/submitted_notebooks/{MODULE}/{NOTEBOOK.removesuffix('.ipynb')}")
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
    listed = {a["name"]: a for a in assignments}
    assert listed[MODULE]["num_submissions"] == len(SCORES)
    assert {s["student"]: s["score"] for s in submissions} == SCORES
    assert all(s["autograded"] and not s["needs_manual_grade"] for s in submissions)
    assert {n["student"]: n["score"] for n in notebooks} == SCORES


@pytest.mark.slow
def test_plain_nbgrader_export_and_feedback(graded, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    course, home = graded
    monkeypatch.setenv("HOCSO_HOME", str(home))
    grades = tmp_path / "grades.csv"
    commands = (["export", f"--to={grades}"], ["feedback", MODULE])
    running = [
        subprocess.Popen(  # both at once: they only read what hocso wrote
            [sys.executable, "-m", "nbgrader", *command],
            cwd=course.config_dir,
            env=_env(home),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for command in commands
    ]
    for process in running:
        output, _ = process.communicate(timeout=300)
        assert process.returncode == 0, output
    rows = list(csv.DictReader(grades.open(encoding="utf-8")))
    assert {r["student_id"]: float(r["score"]) for r in rows if r["assignment"] == MODULE} == SCORES
    for learner, score in SCORES.items():
        html = (
            course_runtime_dir(course) / "feedback" / learner / MODULE / NOTEBOOK.replace(".ipynb", ".html")
        )
        assert f'<template id="hocso-score">{score:g} / 3<' in html.read_text(encoding="utf-8"), learner
