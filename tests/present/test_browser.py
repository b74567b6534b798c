"""Every app, in real headless Chromium: the page loads, widgets appear, a click changes the output,
the console stays clean. Screenshots go to test-artifacts/present/."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from hocso.present.apps import discover_apps

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.timeout(180)]

WIDGET = ".jupyter-widgets.widget-button, .jupyter-widgets button, .widget-button"
# Chromium's own noise that says nothing about the app.
FIXTURE_SOURCES = {"zz_fixture_button", "zz_fixture_quiz"}
IGNORED_CONSOLE = re.compile(r"favicon|Download the React DevTools")


def open_app(browser, url: str, viewport: dict) -> tuple[object, object, list[str]]:
    context = browser.new_context(viewport=viewport, locale="vi-VN")
    page = context.new_page()
    problems: list[str] = []
    page.on(
        "console", lambda m: problems.append(f"console.{m.type}: {m.text}") if m.type == "error" else None
    )
    page.on("pageerror", lambda e: problems.append(f"pageerror: {e}"))
    page.on("requestfailed", lambda r: problems.append(f"request failed: {r.url}"))
    page.goto(url, wait_until="domcontentloaded", timeout=90_000)
    page.wait_for_selector(WIDGET, state="visible", timeout=90_000)
    return context, page, problems


def test_app_loads_and_reacts_to_a_click(present_server, browser, artifacts_dir: Path, app_name: str) -> None:
    app = app_name
    context, page, problems = open_app(browser, present_server.app_url(app), {"width": 1280, "height": 800})
    try:
        assert page.locator(".jp-CodeMirrorEditor, .cm-editor, .jp-InputPrompt").count() == 0, "source shown"
        if app in FIXTURE_SOURCES:
            assert "on_click" not in page.content(), "code source reached the browser"
        rendered = page.locator("#rendered_cells")
        before = rendered.inner_text()
        page.locator(WIDGET).first.click()
        page.wait_for_function(
            "before => document.querySelector('#rendered_cells').innerText !== before",
            arg=before,
            timeout=15_000,
        )
        page.screenshot(path=str(artifacts_dir / f"{app}.png"), full_page=True)
        real = [p for p in problems if not IGNORED_CONSOLE.search(p)]
        assert real == [], real
    finally:
        context.close()


def test_phone_view_is_one_readable_column(present_server, browser, artifacts_dir: Path) -> None:
    context, page, problems = open_app(
        browser, present_server.app_url("zz_fixture_button"), {"width": 390, "height": 844}
    )
    try:
        font_px = page.evaluate(
            "parseFloat(getComputedStyle(document.querySelector('.widget-button')).fontSize)"
        )
        assert font_px >= 18
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, "page scrolls sideways on a phone"
        page.screenshot(path=str(artifacts_dir / "phone_zz_fixture_button.png"), full_page=True)
        assert [p for p in problems if not IGNORED_CONSOLE.search(p)] == []
    finally:
        context.close()


def test_gallery_lists_every_app_in_both_languages(
    present_server, browser, artifacts_dir: Path, all_app_names: list[str]
) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    try:
        page.goto(present_server.url)
        links = page.locator("a[data-app]")
        names = sorted(links.evaluate_all("links => links.map(a => a.dataset.app)"))
        apps = {app.name: app for app in discover_apps(present_server.course / "notebooks" / "apps")}
        learners = {name for name in all_app_names if not apps[name].facilitator_only}
        assert learners <= set(names), "every learner app is in the gallery"
        assert not {name for name, app in apps.items() if app.facilitator_only} & set(names), (
            "private apps hidden"
        )
        fixture = page.locator("a[data-app=zz_fixture_button]")
        assert "Nút bấm thử" in fixture.inner_text() and "Test button" in fixture.inner_text()
        assert page.locator(".qr svg").count() == 1
        page.screenshot(path=str(artifacts_dir / "gallery.png"), full_page=True)
        fixture.click()
        page.wait_for_selector(WIDGET, state="visible", timeout=90_000)
    finally:
        context.close()


def test_a_failing_app_shows_an_instruction_not_a_traceback(present_server, browser) -> None:
    context, page, _ = open_app(
        browser, present_server.app_url("zz_fixture_broken"), {"width": 1280, "height": 800}
    )
    try:
        text = page.locator("body").inner_text()
        assert "secret-internal-detail" not in text and "Traceback" not in text
        assert "RuntimeError" not in text
    finally:
        context.close()


def test_facilitator_moves_every_phone_to_the_next_question(present_server, browser) -> None:
    context, phone, _ = open_app(
        browser, present_server.app_url("zz_fixture_quiz"), {"width": 390, "height": 844}
    )
    facilitator = context.new_page()
    try:
        assert "Ai được biết mã OTP" in phone.locator("#rendered_cells").inner_text()
        assert "Chỉ bạn" not in phone.locator("#rendered_cells").inner_text()
        facilitator.goto(present_server.facilitator_url)
        facilitator.click("[data-action=reveal]")
        phone.wait_for_function("document.body.innerText.includes('Chỉ bạn')", timeout=15_000)
        facilitator.click("[data-action=next]")
        phone.wait_for_function("document.body.innerText.includes('Link lạ có nên bấm')", timeout=15_000)
        assert "Không · No" not in phone.locator("#rendered_cells").inner_text(), (
            "next question hides answers"
        )
        facilitator.click("[data-action=reset]")
    finally:
        context.close()
