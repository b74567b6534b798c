"""What a learner's browser receives in the learner lab: no answer key, and an interface in the
course language without instructor tools.

The answer key is every solution line, hidden-test line and rubric text of the source notebooks
(the lines that appear nowhere else in the source); each module is opened in the lab and both the
notebook JSON the contents API serves and the rendered page are searched for them. On the old
`hocso lab`, which served the sources, every module fails.
"""

from __future__ import annotations

import json
import re
import urllib.error
from pathlib import Path

import nbformat
import pytest

from hocso.config import load_course
from hocso.notebook_meta import is_rubric

from .conftest import REPO_ROOT, Lab

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.timeout(600)]

COURSE = load_course(REPO_ROOT)
REGIONS = (("BEGIN SOLUTION", "END SOLUTION"), ("BEGIN HIDDEN TESTS", "END HIDDEN TESTS"))
MIN_LENGTH = 12  # shorter lines ("pass", "return True") are not a key by themselves
# Words of JupyterLab's English interface that a Vietnamese menu must not show.
ENGLISH = re.compile(
    r"\b(File|Edit|View|Run|Tabs|Settings|Help|Cell|Cells|Notebook|Save|Open|Close|Copy|Cut|Paste|"
    r"Delete|Move|Select|Clear|Restart|Show|New|Export|Revert|Duplicate|Appearance|Workspaces|Reference)\b"
)
# A Vietnamese label may keep a loanword ("Lưu Notebook"); an untranslated one has no Vietnamese letter.
VIETNAMESE = re.compile(
    r"[àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]", re.IGNORECASE
)
INSTRUCTOR = ("Formgrader", "Create Assignment", "Assignment List", "Course List", "nbgrader", "Nbgrader")


def secret_lines(notebook: Path) -> set[str]:
    """Lines of the source that only a grader may see and that occur nowhere else in it (compared
    as whole lines, and as words: a page shows words, so `grade_order(` is no secret when the
    visible `from hocso.widgets.grading import grade_order` shows the same word)."""
    nb = nbformat.read(notebook, as_version=4)
    secret: list[str] = []
    public: set[str] = set()
    for cell in nb.cells:
        lines = cell.source.splitlines()
        if is_rubric(cell):
            secret += lines
            continue
        inside = False
        for line in lines:
            if any(begin in line for begin, _ in REGIONS):
                inside = True
            elif any(end in line for _, end in REGIONS):
                inside = False
            elif inside:
                secret.append(line)
            else:
                public.add(line.strip())
    public_words = plain(" \n ".join(public))
    return {
        s.strip()
        for s in secret
        if len(s.strip()) >= MIN_LENGTH and s.strip() not in public and plain(s) not in public_words
    }


def plain(text: str) -> str:
    """Letters and digits only, lower case: rendered markdown drops its markup, code keeps its words."""
    return re.sub(r"\W+", " ", text).strip().lower()


def module_notebooks(lab: Lab) -> list[tuple[str, str, Path]]:
    """(module id, served path, source notebook) of every notebook in the learner's workspace."""
    manifest = json.loads((lab.workspace / ".hocso-workspace.json").read_text(encoding="utf-8"))
    found = []
    for folder, module_id in sorted(manifest["modules"].items()):
        module = COURSE.module(module_id)
        for name, source in zip(module.notebooks, COURSE.notebook_paths(module), strict=True):
            found.append((module_id, f"{folder}/{name}", source))
    return found


def test_the_key_finder_finds_the_key_in_the_sources() -> None:
    """The search is real: every module's source holds a key it finds (this is what the old lab served)."""
    for module in COURSE.modules:
        for source in COURSE.notebook_paths(module):
            secrets = secret_lines(source)
            assert secrets, f"{source.name}: no solution, hidden-test or rubric line found"
            text = json.dumps(nbformat.read(source, as_version=4), ensure_ascii=False)
            assert all(json.dumps(s, ensure_ascii=False)[1:-1] in text for s in secrets)


def test_no_answer_key_reaches_the_browser(lab: Lab, browser, artifacts_dir: Path) -> None:
    """Every notebook as the contents API serves it, in each language; the page Chromium renders for
    every other notebook, alternating between the two languages' labs, so each notebook is also
    rendered once (the page shows what that JSON holds, and no cell runs when a notebook opens;
    opening all of them twice took four minutes of the suite)."""
    notebooks = module_notebooks(lab)
    assert {m for m, _, _ in notebooks} == {m.id for m in COURSE.modules}, "a module is missing"
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    leaks: list[str] = []
    rendered_here = 0 if lab.language == "vi" else 1
    try:
        for index, (module_id, path, source) in enumerate(notebooks):
            secrets = secret_lines(source)
            served = json.dumps(lab.api(f"api/contents/{path}")["content"], ensure_ascii=False)
            leaks += [
                f"{module_id} JSON: {s}" for s in secrets if json.dumps(s, ensure_ascii=False)[1:-1] in served
            ]
            if index % 2 != rendered_here:
                continue
            page.goto(lab.url(f"lab/tree/{path}"), wait_until="domcontentloaded")
            page.wait_for_selector(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell", timeout=90_000)
            page.wait_for_timeout(1000)
            rendered = plain(page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook").inner_text())
            leaks += [f"{module_id} page: {s}" for s in secrets if plain(s) and plain(s) in rendered]
    finally:
        page.screenshot(path=str(artifacts_dir / f"no-key-{lab.language}.png"))
        context.close()
    assert not leaks, "\n".join(leaks[:40])


def test_interface_speaks_the_course_language_without_instructor_tools(
    lab: Lab, browser, artifacts_dir: Path
) -> None:
    _, path, _ = module_notebooks(lab)[0]
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    try:
        page.goto(lab.url(f"lab/tree/{path}"), wait_until="domcontentloaded")
        page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=90_000)
        page.wait_for_selector(".hocso-submit", timeout=60_000)
        labels: list[str] = []
        bar = page.locator(".lm-MenuBar-content > .lm-MenuBar-item")
        for index in range(bar.count()):
            labels.append(bar.nth(index).inner_text())
            bar.nth(index).click()
            labels += page.locator(".lm-Menu:visible .lm-Menu-itemLabel").all_inner_texts()
            page.keyboard.press("Escape")
        body = page.locator("body").inner_text()
        sidebar = " ".join(
            page.locator(".jp-SideBar [title], .jp-SideBar [data-id]").evaluate_all(
                "nodes => nodes.map(n => (n.getAttribute('title') || '') + ' ' + (n.getAttribute('data-id') || ''))"
            )
        )
        submit_label = page.locator(".hocso-submit").first.inner_text()
    finally:
        page.screenshot(path=str(artifacts_dir / f"interface-{lab.language}.png"))
        context.close()
    assert len(labels) > 40, labels  # the menus were really opened
    for tool in INSTRUCTOR:
        assert tool not in body and tool not in sidebar and tool not in " ".join(labels), tool
    with pytest.raises(urllib.error.HTTPError) as formgrader:  # nbgrader's server side is off too
        lab.api("formgrader")
    assert formgrader.value.code == 404
    if lab.language == "vi":
        english = [label for label in labels if ENGLISH.search(label) and not VIETNAMESE.search(label)]
        assert not english, english
        assert submit_label == "Nộp bài"
    else:
        assert submit_label == "Submit" and any(ENGLISH.search(label) for label in labels)
