"""A learner's whole path in real Chromium, at a phone's and a desktop's size, in a vi and an en
course: open m04 from the lab, answer with a widget, restart the kernel and see the answer still
there, submit and read the receipt; then the instructor collects from the exchange, autogrades and
writes feedback, and the grade is that submission's, widget answers included.

The phone submits one choice, the desktop (the same learner, later) resubmits the other choice of
the same item: the newest submission counts, and with a two-way choice exactly one of the two is
right, so the two grades differ without the test knowing the answer key.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest

from .conftest import Lab

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.timeout(420)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
MODULE = "m04"
# the first choice group of a hocso widget: ipywidgets' ToggleButtons inside a widget output
CHOICES = ".jp-OutputArea-output .widget-toggle-buttons"
NOTEBOOK = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook"


def module_folder(lab: Lab) -> tuple[str, str]:
    """(folder, notebook) of m04 in the learner's workspace, from the workspace's manifest."""
    manifest = json.loads((lab.workspace / ".hocso-workspace.json").read_text(encoding="utf-8"))
    folder = next(name for name, module in manifest["modules"].items() if module == MODULE)
    notebook = next(p.name for p in (lab.workspace / folder).glob("*.ipynb"))
    return folder, notebook


def answers_file(lab: Lab) -> Path:
    folder, notebook = module_folder(lab)
    return lab.workspace / folder / notebook.replace(".ipynb", ".answers.json")


def menu_command(page, command: str) -> None:
    """Run a JupyterLab command from its main menu, found by command id (labels are translated)."""
    bar = page.locator(".lm-MenuBar-content > .lm-MenuBar-item")
    for index in range(bar.count()):
        bar.nth(index).click()
        item = page.locator(f".lm-Menu .lm-Menu-item[data-command='{command}']")
        if item.count():
            item.first.click()
            return
        page.keyboard.press("Escape")
    raise AssertionError(f"no menu holds {command}")


def run_all(page) -> None:
    """Run > Run All Cells, then wait until no cell is waiting or running."""
    menu_command(page, "runmenu:run-all")
    page.wait_for_selector(CHOICES, state="visible", timeout=120_000)
    wait_idle(page)


def wait_idle(page) -> None:
    """No cell waiting or running (a prompt shows [*] until its cell is done)."""
    page.wait_for_function(
        "() => ![...document.querySelectorAll('.jp-InputArea-prompt')].some(p => p.textContent.includes('*'))",
        timeout=120_000,
    )


def file_text(path: Path) -> str | None:
    return path.read_text(encoding="utf-8") if path.is_file() else None


def saved_answers(lab: Lab, page, before: str | None, timeout: float = 30) -> dict:
    """The answers file once the kernel has rewritten it for the click (it saves on the change
    message, so the file changes after the click, not at it)."""
    deadline = time.monotonic() + timeout
    path = answers_file(lab)
    while file_text(path) == before and time.monotonic() < deadline:
        page.wait_for_timeout(200)
    assert file_text(path) not in (None, before), f"the widget did not save the answer ({path.name})"
    return json.loads(path.read_text(encoding="utf-8"))["answers"]


def choice_buttons(page):
    return page.locator(CHOICES).first.locator("button")


def restart_kernel(page) -> None:
    menu_command(page, "kernelmenu:restart")
    page.locator(".jp-Dialog .jp-mod-accept").click()
    page.wait_for_selector(".jp-Dialog", state="detached", timeout=30_000)
    page.wait_for_timeout(1500)


def submit(page) -> str:
    page.locator(".hocso-submit button, .hocso-submit").first.click()
    receipt = page.wait_for_selector(".hocso-receipt", timeout=60_000)
    text = receipt.inner_text()
    page.locator(".jp-Dialog .jp-mod-accept").click()
    return text


def play(
    lab: Lab, browser, viewport: dict, choice: int, screenshot: Path, open_from_start_page: bool
) -> dict:
    """One visit: returns the answers the learner's widget saved, as the receipt was shown."""
    context = browser.new_context(viewport=viewport, locale="vi-VN" if lab.language == "vi" else "en-US")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(f"{e}\n{e.stack}"))
    folder, notebook = module_folder(lab)
    try:
        if open_from_start_page:
            page.goto(lab.url("lab"), wait_until="domcontentloaded")
            link = page.locator(".jp-RenderedMarkdown a", has_text=folder.split(" · ")[0])
            link.first.click(timeout=90_000)
        else:
            page.goto(lab.url(f"lab/tree/{folder}/{notebook}"), wait_until="domcontentloaded")
        page.wait_for_selector(NOTEBOOK, timeout=90_000)
        page.wait_for_selector(".hocso-submit", timeout=60_000)
        run_all(page)
        buttons = choice_buttons(page)
        assert buttons.count() >= 2
        before = file_text(answers_file(lab))
        buttons.nth(choice).click()
        page.wait_for_function(
            f"() => document.querySelector({CHOICES!r}).querySelectorAll('button')[{choice}]"
            ".classList.contains('mod-active')"
        )
        saved = saved_answers(lab, page, before)
        restart_kernel(page)
        run_all(page)
        assert "mod-active" in (choice_buttons(page).nth(choice).get_attribute("class") or ""), (
            "the answer was not restored after a kernel restart"
        )
        receipt = submit(page)
        assert re.search(r"\d{2}:\d{2}:\d{2}", receipt), receipt
        assert notebook in receipt and notebook.replace(".ipynb", ".answers.json") in receipt, receipt
        assert not errors, errors
        return {"answers": saved, "options": buttons.count()}
    finally:
        page.screenshot(path=str(screenshot))
        context.close()


def grade(lab: Lab) -> tuple[float, dict]:
    """collect (exchange) + autograde + feedback; (score, the submitted answers) of the learner."""
    collected = lab.hocso("grade", "collect", MODULE)
    assert collected.returncode == 0, collected.stderr
    graded = lab.hocso("grade", "autograde", MODULE, "--workers", "1", "--json")
    assert graded.returncode == 0, graded.stderr
    results = {r["learner"]: r for r in json.loads(graded.stdout)["results"]}
    assert lab.learner in results and results[lab.learner]["ok"], graded.stdout
    feedback = lab.hocso("grade", "feedback", MODULE)
    assert feedback.returncode == 0, feedback.stderr
    runtime = lab.home / "courses" / "hocso-101"
    pages = list((runtime / "feedback" / lab.learner / MODULE).glob("*.html"))
    assert pages, "no feedback page for the learner"
    submitted = next((runtime / "submitted" / lab.learner / MODULE).glob("*.answers.json"))
    return results[lab.learner]["score"], json.loads(submitted.read_text(encoding="utf-8"))["answers"]


def test_open_answer_restart_submit_and_get_graded(lab: Lab, browser, artifacts_dir: Path) -> None:
    first = play(lab, browser, PHONE, 0, artifacts_dir / f"journey-{lab.language}-phone.png", True)
    score_first, submitted_first = grade(lab)
    assert submitted_first == first["answers"], "the grader did not get the answers the learner gave"

    second = play(lab, browser, DESKTOP, 1, artifacts_dir / f"journey-{lab.language}-desktop.png", False)
    assert second["answers"] != first["answers"]
    score_second, submitted_second = grade(lab)
    assert submitted_second == second["answers"], "the newest submission was not the one graded"
    if first["options"] == 2:  # one of the two choices is right: the grade follows the click
        assert score_first != score_second, (score_first, score_second)
