"""The instructor dashboard: widget logic without a browser, then the real Voila app in headless Chromium."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from hocso.reports.dashboard import DashboardSources, InstructorDashboard
from hocso.reports.summary import build_report
from hocso.reports.synthetic import SyntheticCohort

REPO_ROOT = Path(__file__).resolve().parents[2]
APP = REPO_ROOT / "notebooks" / "apps" / "instructor_dashboard.ipynb"
# Noise that is not the dashboard's: JupyterLab extensions (nbgrader, notebook) Voila may load and that
# fail outside JupyterLab, some fetching from the internet (hocso present's allowlist is meant to skip them).
FOREIGN_CONSOLE = re.compile(r"favicon|/labextensions/|ERR_NAME_NOT_RESOLVED|module-federation")


@pytest.fixture
def dashboard(cohort: SyntheticCohort) -> InstructorDashboard:
    return InstructorDashboard(
        DashboardSources(cohort.course, cohort.gradebook_url, cohort.roster_path), "en"
    )


def test_shows_the_whole_cohort_then_narrows_with_each_filter(
    dashboard: InstructorDashboard, cohort, scores
) -> None:
    assert "Learners: 500 · units: 20" in dashboard.content.value
    assert dashboard.content.value.count("<img") >= 4
    assert [value for _, value in dashboard.unit.options][1:] == list(cohort.roster.units)
    dashboard.unit.value = "Đơn vị 07"
    dashboard.group.value = "soldiers"
    dashboard.module.value = "m05"
    expected = build_report(
        cohort.course, scores, cohort.roster, unit="Đơn vị 07", group="soldiers", module="m05"
    )
    assert dashboard.report is not None
    assert dashboard.report.profile.equals(expected.profile)
    assert f"Learners: {len(expected.learners)} · units: 1 " in dashboard.content.value


def test_refresh_rereads_and_keeps_filters(dashboard: InstructorDashboard) -> None:
    dashboard.unit.value = "Đơn vị 02"
    before = dashboard.status.value
    dashboard.refresh_button.click()
    assert dashboard.status.value != before and "(check 2)" in dashboard.status.value
    assert dashboard.unit.value == "Đơn vị 02"


def test_no_gradebook_is_a_clear_message(cohort: SyntheticCohort, tmp_path: Path) -> None:
    missing = f"sqlite:///{tmp_path / 'gradebook.db'}"
    board = InstructorDashboard(DashboardSources(cohort.course, missing, cohort.roster_path), "vi")
    assert "Chưa có sổ điểm" in board.content.value and "HOCSO_GRADEBOOK_URL" in board.content.value
    assert board.report is None and not (tmp_path / "gradebook.db").exists()
    board.refresh_button.click()  # still no gradebook: the message stays, nothing raises
    assert "(lần 2)" in board.status.value


def test_no_roster_is_a_clear_message(cohort: SyntheticCohort, tmp_path: Path) -> None:
    board = InstructorDashboard(
        DashboardSources(cohort.course, cohort.gradebook_url, tmp_path / "none.csv"), "en"
    )
    assert "No roster at" in board.content.value and "HOCSO_ROSTER" in board.content.value


def test_sources_come_from_the_environment(cohort: SyntheticCohort, monkeypatch) -> None:
    monkeypatch.setenv("HOCSO_GRADEBOOK_URL", cohort.gradebook_url)
    monkeypatch.setenv("HOCSO_ROSTER", str(cohort.roster_path))
    sources = DashboardSources.from_environment(cohort.course)
    assert (sources.gradebook_url, sources.roster_path) == (cohort.gradebook_url, cohort.roster_path)
    monkeypatch.delenv("HOCSO_GRADEBOOK_URL")
    monkeypatch.delenv("HOCSO_ROSTER")
    fallback = DashboardSources.from_environment(cohort.course)
    assert fallback.gradebook_url.endswith("courses/synthetic/gradebook.db")
    assert fallback.roster_path.name == "roster.csv"


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.timeout(240)
def test_voila_app_renders_the_synthetic_gradebook_in_chromium(
    cohort: SyntheticCohort, browser, free_port: int, tmp_path: Path
) -> None:
    apps = cohort.course.apps_dir
    apps.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(APP, apps / APP.name)
    env = {
        **os.environ,
        "HOCSO_GRADEBOOK_URL": cohort.gradebook_url,
        "HOCSO_ROSTER": str(cohort.roster_path),
        "HOCSO_LANG": "en",
    }
    log = (tmp_path / "voila.log").open("w")
    command = [
        sys.executable,
        "-m",
        "voila",
        "--no-browser",
        f"--port={free_port}",
        "--Voila.ip=127.0.0.1",
        APP.name,
    ]
    server = subprocess.Popen(
        command, cwd=apps, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    url = f"http://127.0.0.1:{free_port}/"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{free_port}/", timeout=2).close()
                break
            except OSError:
                time.sleep(0.3)
        problems: list[str] = []
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        try:
            page = context.new_page()
            page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: problems.append(str(e)))
            page.goto(url, wait_until="domcontentloaded", timeout=120_000)
            summary = page.locator(".hocso-dashboard-summary")
            summary.wait_for(timeout=120_000)
            assert "Learners: 500 · units: 20" in summary.inner_text()
            page.locator("select").first.select_option(label="Đơn vị 04")
            page.wait_for_function(
                "document.querySelector('.hocso-dashboard-summary').innerText.includes('units: 1 ')",
                timeout=60_000,
            )
            assert "Learners: 25 " in summary.inner_text()
            assert page.locator(".hocso-dashboard-summary ~ img, img[alt]").count() >= 3
            artifacts = REPO_ROOT / "test-artifacts" / "reports"
            artifacts.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(artifacts / "instructor_dashboard.png"), full_page=True)
        finally:
            context.close()
        ours = [p for p in problems if not FOREIGN_CONSOLE.search(p)]
        assert ours == [], "\n".join(ours)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        log.close()
