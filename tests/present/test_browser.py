"""Every app, in real headless Chromium: the page loads, widgets appear, a click changes the output,
the console stays clean. Every test saves a screenshot to test-artifacts/present/ (pass or fail)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import nbformat
import pytest

from hocso.present.apps import discover_apps

from .conftest import REAL_APPS_DIR, stop_present

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.timeout(180)]

WIDGET = ".jupyter-widgets.widget-button, .jupyter-widgets button, .widget-button"
# An action button (ipywidgets `Button`), not one option of a ToggleButtons choice: choosing an option
# only restyles it; pressing an action is what makes an app answer.
ACTION_BUTTON = "button.widget-button:not(.widget-toggle-button):visible"
TEXT_BOXES = ".widget-text input[type=text]:visible, .widget-textarea textarea:visible"
SAMPLE_TEXT = "Mã OTP là gì? What is an OTP?"
FIXTURE_SOURCES = {"zz_fixture_button", "zz_fixture_quiz", "zz_fixture_outputs"}
# Chromium's own noise that says nothing about the app.
IGNORED_CONSOLE = re.compile(r"favicon|Download the React DevTools")
LOCAL = re.compile(r"^(https?|wss?)://127\.0\.0\.1[:/]|^(data|blob|about):")
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


@contextmanager
def opened(browser, url: str, viewport: dict, screenshot: Path) -> Iterator[tuple[object, list[str]]]:
    """A fresh profile on `url` with its widgets on screen; the page's screenshot is saved on the way
    out, also when the test failed (that is when it is most useful)."""
    context = browser.new_context(viewport=viewport, locale="vi-VN")
    page = context.new_page()
    problems: list[str] = []
    page.on(
        "console", lambda m: problems.append(f"console.{m.type}: {m.text}") if m.type == "error" else None
    )
    page.on("pageerror", lambda e: problems.append(f"pageerror: {e}"))
    page.on("requestfailed", lambda r: problems.append(f"request failed: {r.url}"))
    # The classroom may be offline: nothing (fonts, CDN scripts) may come from another host.
    page.on(
        "request",
        lambda r: None if LOCAL.match(r.url) else problems.append(f"request off the server: {r.url}"),
    )
    try:
        page.goto(url, wait_until="domcontentloaded", timeout=90_000)
        page.wait_for_selector(WIDGET, state="visible", timeout=90_000)
        yield page, problems
    finally:
        try:
            page.screenshot(path=str(screenshot), full_page=True, timeout=10_000)
        finally:
            context.close()


def language_headings(app_name: str) -> list[tuple[str, str]]:
    """(language, first line) of each language-tagged markdown cell of a real app."""
    path = REAL_APPS_DIR / f"{app_name}.ipynb"
    if not path.is_file():
        return []
    cells = nbformat.read(path, as_version=4).cells
    tagged = [(c.metadata.get("hocso", {}).get("lang"), c.source) for c in cells if c.cell_type == "markdown"]
    return [(lang, source.splitlines()[0].lstrip("# ").strip()) for lang, source in tagged if lang and source]


def real_problems(problems: list[str]) -> list[str]:
    return [p for p in problems if not IGNORED_CONSOLE.search(p)]


def test_app_loads_and_reacts_to_a_click(present_server, browser, artifacts_dir: Path, app_name: str) -> None:
    url = present_server.app_url(app_name)
    with opened(browser, url, DESKTOP, artifacts_dir / f"{app_name}.png") as (page, problems):
        assert page.locator(".jp-CodeMirrorEditor, .cm-editor, .jp-InputPrompt").count() == 0, "source shown"
        if app_name in FIXTURE_SOURCES:
            assert "on_click" not in page.content(), "code source reached the browser"
        assert page.evaluate("document.documentElement.lang") == "vi", "page carries the course language"
        shown = page.locator("#rendered_cells").inner_text()
        for lang, heading in language_headings(app_name):
            assert (heading in shown) == (lang == "vi"), f"{lang} heading {heading!r} in a vi class"
        # What a learner does first: type into the empty text boxes, then press the first action.
        for box in page.locator(TEXT_BOXES).all():
            if box.is_editable() and not box.input_value():
                box.fill(SAMPLE_TEXT)
        before = page.locator("#rendered_cells").inner_text()
        page.locator(ACTION_BUTTON).first.click()
        page.wait_for_function(
            "before => document.querySelector('#rendered_cells').innerText !== before",
            arg=before,
            timeout=15_000,
        )
        assert real_problems(problems) == []


def test_phone_view_is_one_readable_column(present_server, browser, artifacts_dir: Path) -> None:
    url = present_server.app_url("zz_fixture_button")
    with opened(browser, url, PHONE, artifacts_dir / "phone_zz_fixture_button.png") as (page, problems):
        font_px = page.evaluate(
            "parseFloat(getComputedStyle(document.querySelector('.widget-button')).fontSize)"
        )
        assert font_px >= 18
        cut = page.evaluate(
            "(() => { const b = document.querySelector('.widget-button'); return b.scrollWidth > b.clientWidth; })()"
        )
        assert not cut, "the button's label is cut off"
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, "page scrolls sideways on a phone"
        assert real_problems(problems) == []


def test_gallery_lists_every_app_in_both_languages(
    present_server, browser, artifacts_dir: Path, all_app_names: list[str]
) -> None:
    context = browser.new_context(viewport=DESKTOP)
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


def test_a_failing_app_shows_an_instruction_not_a_traceback(
    present_server, browser, artifacts_dir: Path
) -> None:
    url = present_server.app_url("zz_fixture_broken")
    with opened(browser, url, DESKTOP, artifacts_dir / "zz_fixture_broken.png") as (page, _):
        text = page.locator("body").inner_text()
        assert "secret-internal-detail" not in text and "Traceback" not in text
        assert "RuntimeError" not in text
        assert "Hãy báo người hướng dẫn" in page.locator(".hocso-app-error").inner_text()


def test_a_widget_the_front_end_lacks_is_named_not_silently_missing(
    present_server, browser, artifacts_dir: Path
) -> None:
    url = present_server.app_url("zz_fixture_unknown_widget")
    with opened(browser, url, DESKTOP, artifacts_dir / "zz_fixture_unknown_widget.png") as (page, problems):
        page.wait_for_selector(".hocso-app-error", timeout=15_000)
        assert "Không hiển thị được phần này" in page.locator(".hocso-app-error").inner_text()
        assert page.locator("button.widget-button").inner_text() == "Vẫn bấm được · Still works"
        assert any("not-in-hocso" in problem for problem in problems), "the console names the module"


def test_facilitator_moves_every_phone_to_the_next_question(
    present_server, browser, artifacts_dir: Path
) -> None:
    url = present_server.app_url("zz_fixture_quiz")
    with opened(browser, url, PHONE, artifacts_dir / "phone_after_next.png") as (phone, _):
        facilitator = phone.context.new_page()
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
        facilitator.screenshot(path=str(artifacts_dir / "facilitator.png"), full_page=True)
        facilitator.click("[data-action=reset]")


def test_printed_markdown_and_html_outputs_are_shown(present_server, browser, artifacts_dir: Path) -> None:
    url = present_server.app_url("zz_fixture_outputs")
    with opened(browser, url, DESKTOP, artifacts_dir / "zz_fixture_outputs.png") as (page, problems):
        cells = page.locator("#rendered_cells")
        assert "Dòng in ra · printed line" in cells.locator("pre").first.inner_text()
        assert cells.locator("strong").first.inner_text() == "Chữ đậm", "markdown is rendered, not raw"
        assert cells.locator("em.fixture-html").inner_text() == "Chữ nghiêng · italic"
        assert real_problems(problems) == []


def test_a_dropped_connection_reconnects_and_the_widgets_keep_working(
    present_server, browser, artifacts_dir: Path
) -> None:
    url = present_server.app_url("zz_fixture_button")
    with opened(browser, url, PHONE, artifacts_dir / "phone_reconnected.png") as (page, problems):
        page.evaluate("window.firstSocket = window.hocsoWidgets.kernel.socket; window.firstSocket.close()")
        page.wait_for_function(
            "window.hocsoWidgets.kernel.socket !== window.firstSocket"
            " && window.hocsoWidgets.kernel.socket.readyState === WebSocket.OPEN",
            timeout=15_000,
        )
        page.locator(".hocso-connection").wait_for(state="detached", timeout=15_000)
        page.locator(ACTION_BUTTON).first.click()
        page.wait_for_function("document.body.innerText.includes('Đã bấm')", timeout=15_000)
        assert real_problems(problems) == []


def test_a_lost_server_says_what_to_do_in_the_course_language(
    start_server, browser, artifacts_dir: Path
) -> None:
    """In an English class (the other tests run a Vietnamese one): the front end's own words follow."""
    server = start_server(["zz_fixture_button"], 1, "--language", "en")
    url = server.app_url("zz_fixture_button")
    with opened(browser, url, PHONE, artifacts_dir / "phone_lost_connection_en.png") as (page, _):
        assert page.evaluate("document.documentElement.lang") == "en"
        assert page.locator(".hocso-connection").count() == 0
        stop_present(server.process)  # the facilitator's laptop went away
        page.locator(".hocso-reconnecting").wait_for(state="visible", timeout=10_000)
        assert "reconnecting" in page.locator(".hocso-reconnecting").inner_text()
        lost = page.locator(".hocso-lost")
        lost.wait_for(state="visible", timeout=30_000)  # after every retry (about 16 s)
        assert (
            "Lost the connection" in lost.inner_text()
            and lost.locator("button").inner_text() == "Reload the page"
        )


def test_the_pages_own_connection_cannot_run_code(present_server, browser, artifacts_dir: Path) -> None:
    """A visitor holds the page's kernel connection (window.hocsoWidgets.kernel in the console): sending
    an execute_request on it runs nothing, and the page's widgets keep working."""
    marker = present_server.course / "visitor-ran-code"
    code = f"open({str(marker)!r}, 'w').write('ran')"
    url = present_server.app_url("zz_fixture_button")
    with opened(browser, url, DESKTOP, artifacts_dir / "visitor_execute.png") as (page, _):
        page.evaluate(
            "code => window.hocsoWidgets.kernel.send('execute_request', {code, silent: false})", code
        )
        page.locator(ACTION_BUTTON).first.click()  # a widget message after it: the kernel has read both
        page.wait_for_function("document.body.innerText.includes('Đã bấm')", timeout=15_000)
        assert not marker.exists(), "a visitor ran code through the page's kernel connection"
