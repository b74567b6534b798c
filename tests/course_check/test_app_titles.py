"""`hocso check` names an app without a title in each language (the gallery would show its file name)."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from hocso.config import load_course
from hocso.course_check import check_course


def _app_title_problems(course_root: Path) -> list[str]:
    return [p.render(course_root) for p in check_course(load_course(course_root)) if "title" in p.where]


def test_every_app_of_the_course_has_both_titles(course_copy: Path) -> None:
    assert _app_title_problems(course_copy) == []


@pytest.mark.parametrize(
    ("title", "missing"),
    [(None, "vi, en"), ({"vi": "Mật khẩu", "en": ""}, "en"), ({"en": "Passwords"}, "vi")],
)
def test_an_app_missing_a_title_is_flagged(course_copy: Path, title: dict | None, missing: str) -> None:
    path = course_copy / "notebooks" / "apps" / "m02_passwords.ipynb"
    notebook = nbformat.read(path, as_version=4)
    notebook.metadata["hocso"].pop("title")
    if title is not None:
        notebook.metadata["hocso"]["title"] = title
    nbformat.write(notebook, path)
    problems = _app_title_problems(course_copy)
    assert len(problems) == 1
    assert "m02_passwords.ipynb: metadata.hocso.title" in problems[0]
    assert f"no title in {missing}:" in problems[0] and "'m02_passwords'" in problems[0]


def test_language_tagged_headings_count_as_titles(course_copy: Path) -> None:
    path = course_copy / "notebooks" / "apps" / "m05_links.ipynb"
    assert "title" not in nbformat.read(path, as_version=4).metadata.get("hocso", {})
    assert not [p for p in _app_title_problems(course_copy) if "m05_links" in p]
