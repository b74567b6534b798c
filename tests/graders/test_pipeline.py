"""The whole `hocso grade` pipeline through its CLI, and parity with stock nbgrader."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest
from click.testing import CliRunner
from nbgrader.api import Gradebook

from hocso.cli import cli
from hocso.config import course_runtime_dir, gradebook_url

from .conftest import MODULE, NOTEBOOK

CORRECT = "def add(a, b):\n    return a + b"


def _learner_notebook(course, body: str) -> str:
    nb = nbformat.read(course_runtime_dir(course) / "release" / MODULE / NOTEBOOK, as_version=4)
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "add":
            cell.source = body
    return nbformat.writes(nb)


def test_collect_autograde_feedback_export(grading_course, tmp_path: Path):
    lms = tmp_path / "lms.zip"
    with zipfile.ZipFile(lms, "w") as archive:
        archive.writestr(f"an_{NOTEBOOK}", _learner_notebook(grading_course, CORRECT))
        archive.writestr(
            f"binh/{NOTEBOOK}", _learner_notebook(grading_course, "def add(a, b):\n    return 0")
        )
        archive.writestr(f"an-{NOTEBOOK}", _learner_notebook(grading_course, CORRECT))
        archive.writestr(f"zed_{NOTEBOOK}", "{ not json")
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "learner_id,name,group,unit\nan,An,citizens,u1\nbinh,Binh,citizens,u1\n", encoding="utf-8"
    )
    course = ["--course", str(grading_course.root)]
    runner = CliRunner()
    collected = runner.invoke(
        cli, ["grade", "collect", MODULE, "--from", str(lms), "--roster", str(roster), *course]
    )
    assert collected.exit_code == 0, collected.output
    assert "zed_gx_sum.ipynb" in collected.output  # a learner not on the roster
    assert f"an-{NOTEBOOK}" in collected.output and f"an_{NOTEBOOK}" in collected.output  # the duplicate
    graded = runner.invoke(cli, ["grade", "autograde", MODULE, "--json", "--workers", "1", *course])
    assert graded.exit_code == 0, graded.output
    results = {r["learner"]: r for r in json.loads(graded.output)["results"]}
    assert results["an"]["score"] == 3 and results["binh"]["score"] == 0
    assert runner.invoke(cli, ["grade", "feedback", MODULE, *course]).exit_code == 0
    pages = list((course_runtime_dir(grading_course) / "feedback" / "an" / MODULE).glob("*.html"))
    assert pages
    page = pages[0].read_text(encoding="utf-8")  # learners see the results, not the (test) code
    assert '<template id="hocso-score">3 / 3<' in page and "def add" not in page and "assert add" not in page
    out = tmp_path / "grades.csv"
    exported = runner.invoke(cli, ["grade", "export", "--output", str(out), *course])
    assert exported.exit_code == 0, exported.output
    rows = {row["learner_id"]: row for row in csv.DictReader(out.open(encoding="utf-8-sig"))}
    assert float(rows["an"]["total"]) == 3
    assert float(rows["an"]["competence 5.1"]) == 2
    with Gradebook(gradebook_url(grading_course)) as gb:
        assert gb.find_submission(MODULE, "an").score == 3


def test_language_edition_keeps_only_its_markdown(grading_course):
    runner = CliRunner()
    done = runner.invoke(
        cli, ["grade", "release", MODULE, "--language", "en", "--course", str(grading_course.root)]
    )
    assert done.exit_code == 0, done.output
    nb = nbformat.read(course_runtime_dir(grading_course) / "release" / MODULE / NOTEBOOK, as_version=4)
    texts = [c.source for c in nb.cells if c.cell_type == "markdown"]
    assert texts == ["Write `add`."]


def _autograde_command(module: str, course) -> subprocess.CompletedProcess:
    """`hocso grade autograde MODULE` as an instructor types it, in its own process."""
    command = [sys.executable, "-m", "hocso", "grade", "autograde", module, "--course", str(course.root)]
    return subprocess.run(command, capture_output=True, text=True, env=dict(os.environ))


def test_unreleased_module_is_one_clear_line(grading_course):
    done = _autograde_command("m01", grading_course)
    assert done.returncode != 0
    assert "Traceback" not in done.stderr and "hocso grade" in done.stderr


def test_unknown_module_is_one_clear_line_before_any_progress_bar(grading_course):
    done = _autograde_command("nope", grading_course)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [done.stderr.strip()], done.stderr  # one line
    assert "unknown module 'nope'" in done.stderr and MODULE in done.stderr


@pytest.mark.slow
def test_same_scores_and_errors_as_stock_nbgrader_on_30_submissions(repo_root: Path):
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    done = subprocess.run(
        [sys.executable, str(repo_root / "bench" / "autograde.py"), "-n", "30", "--once"],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "identical=true" in done.stdout.splitlines()[-1], done.stdout
