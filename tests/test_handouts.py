"""Take-home handouts: one per module in each language, facts from the module, one A4 page, clear errors."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from hocso.chromium import print_pdf
from hocso.cli import cli
from hocso.config import LANGUAGES, Course, Module
from hocso.course_check.handout_rules import handouts
from hocso.handouts import HandoutError, handout_html, handout_path, load_handout, write_handouts
from hocso.i18n import catalog

GOOD_TEXT = """
title = "T"
rules = ["a", "b", "c"]
red_flags = ["d", "e", "f"]
what_to_do = ["g"]
remember = "h"
"""


def _modules(course: Course) -> list[Module]:
    return [m for m in course.modules if m.kind == "module"]


def _notebook_text(course: Course, module: Module) -> str:
    text = []
    for path in course.notebook_paths(module):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        text += ["".join(cell["source"]) for cell in cells]
    return "\n".join(text)


def test_every_module_has_a_handout_in_every_language(course: Course) -> None:
    for module in _modules(course):
        handout = load_handout(handout_path(course.notebooks_dir, module.id))
        assert handout.languages() == LANGUAGES, module.id
    assert handouts(course) == []


def test_every_hotline_and_portal_is_one_the_module_teaches(course: Course) -> None:
    """No invented numbers: each contact (113, 156 / 5656, a .gov.vn portal) appears in the module itself."""
    for module in _modules(course):
        taught = _notebook_text(course, module)
        for contact in load_handout(handout_path(course.notebooks_dir, module.id)).contacts:
            for value in contact.value.split(" / "):
                assert value in taught, f"{module.id}: {value} is not in the module's notebook"


def test_vi_page_has_no_english_chrome_and_no_network_resource(course: Course) -> None:
    english = [texts.en for key, texts in catalog().items() if key.startswith("handout.page.")]
    for module in _modules(course):
        handout = load_handout(handout_path(course.notebooks_dir, module.id))
        page = handout_html(course, module, handout, "vi")
        assert '<html lang="vi">' in page
        for text in english:
            assert text.split("{")[0].strip() not in page, (module.id, text)
        assert handout.en is not None and handout.en.title not in page
        assert not re.search(r"https?://|<link|<script|<img|@import|url\(", page), module.id


@pytest.mark.slow
def test_every_page_prints_on_one_a4_sheet(
    course: Course, tmp_path: Path, chromium_executable: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One Chromium print of all pages, each forced onto a new sheet: a page that spills adds a sheet."""
    monkeypatch.setenv("HOCSO_CHROMIUM", chromium_executable)
    pages = [
        handout_html(course, module, load_handout(handout_path(course.notebooks_dir, module.id)), language)
        for module in _modules(course)
        for language in LANGUAGES
    ]
    head = pages[0].split("<body>")[0]
    sheets = [page.split("<body>")[1].split("</body>")[0] for page in pages]
    booklet = tmp_path / "all.html"
    breaks = "<style>.sheet { break-after: page; }</style>"
    booklet.write_text(f"{head}{breaks}<body>{''.join(sheets)}</body></html>", encoding="utf-8")
    pdf = print_pdf(booklet, tmp_path / "all.pdf", "vi").read_bytes()
    assert pdf.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf)) == len(pages)


def test_cli_writes_the_pages_in_the_course_language(course: Course, tmp_path: Path) -> None:
    out = tmp_path / "handouts"
    result = CliRunner().invoke(
        cli, ["handout", "m04", "m06", "--course", str(course.root), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["m04-vi.html", "m06-vi.html"]
    assert "156" in (out / "m04-vi.html").read_text(encoding="utf-8")


def test_a_vi_only_course_makes_no_english_page(course: Course, tmp_path: Path) -> None:
    vi_only = course.model_copy(update={"info": course.info.model_copy(update={"languages": ("vi",)})})
    with pytest.raises(HandoutError, match="en"):
        write_handouts(vi_only, [course.module("m04")], "en", tmp_path)
    assert not tmp_path.joinpath("m04-en.html").exists()


def test_check_flags_a_missing_handout_a_missing_language_and_spelling(
    course: Course, tmp_path: Path
) -> None:
    for module in ("m01", "m02"):
        (tmp_path / "notebooks" / module).mkdir(parents=True)
    text = GOOD_TEXT.replace('remember = "h"', 'remember = "Gọi ngân hàng khoá tài khoản"')
    (tmp_path / "notebooks" / "m02" / "handout.toml").write_text("[vi]" + text, encoding="utf-8")
    problems = handouts(course.model_copy(update={"root": tmp_path}))
    rendered = [p.render(tmp_path) for p in problems]
    assert any(
        line.startswith("notebooks/m01/handout.toml: module m01 has no take-home handout")
        for line in rendered
    )
    assert any(
        line.startswith("notebooks/m02/handout.toml: [en]: the handout has no text in en")
        for line in rendered
    )
    assert any(line.startswith("notebooks/m02/handout.toml: vi.remember: writes 'khoá'") for line in rendered)
    assert not any("m03" in line for line in rendered)  # no folder: the module rules report that


def test_bad_handout_names_the_file_and_the_field(tmp_path: Path) -> None:
    path = tmp_path / "handout.toml"
    bad = GOOD_TEXT.replace('rules = ["a", "b", "c"]', 'rules = ["a"]').replace("red_flags", "red_flag")
    path.write_text("[vi]" + bad + "[en]" + GOOD_TEXT, encoding="utf-8")
    with pytest.raises(HandoutError) as caught:
        load_handout(path)
    message = str(caught.value)
    assert f"{path}: vi.rules" in message and "at least 3" in message
    assert f"{path}: vi.red_flag: unknown key" in message
    assert "Traceback" not in message

    path.write_text("[vi\ntitle = 1", encoding="utf-8")
    with pytest.raises(HandoutError, match=re.escape(f"{path}: not valid TOML")):
        load_handout(path)
