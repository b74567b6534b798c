"""`ProgressPanel()` shows what the learner really did (saved answers, returned grades), never
numbers typed into a notebook; `[lab] cull_idle_minutes` is validated where course.toml is read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hocso.config import load_course
from hocso.config.errors import CourseConfigError
from hocso.i18n import t
from hocso.lab.manifest import MANIFEST
from hocso.widgets import ProgressPanel
from hocso.widgets.answers import save_answer

from .conftest import REPO_ROOT

COURSE = load_course(REPO_ROOT)


def workspace(tmp_path: Path) -> Path:
    root = tmp_path / "workspace"
    for folder in ("Bài 04 · Lừa đảo", "Bài 05 · Đường link"):
        (root / folder).mkdir(parents=True)
    modules = {"Bài 04 · Lừa đảo": "m04", "Bài 05 · Đường link": "m05"}
    (root / MANIFEST).write_text(json.dumps({"modules": modules}), encoding="utf-8")
    return root


def test_nothing_done_says_so(tmp_path: Path) -> None:
    panel = ProgressPanel(workspace=workspace(tmp_path), course=COURSE, language="vi")
    assert panel.value == {} and t("lab.progress.nothing", "vi") in panel.rows.value


def test_saved_answers_and_returned_grades(tmp_path: Path) -> None:
    root = workspace(tmp_path)
    answers = root / "Bài 04 · Lừa đảo" / "m04_phishing.answers.json"
    save_answer("m04-inbox", {"g1": "scam"}, answers, language="vi")
    save_answer("m04-chat", ["a", "b"], answers, language="vi")
    panel = ProgressPanel(workspace=root, course=COURSE, language="vi")
    assert panel.value == {}  # answered, not graded yet: no bar claims a level
    assert t("lab.progress.answered", "vi", answered=2, module="Bài 04 · Lừa đảo") in panel.details.value

    feedback = root / "Bài 04 · Lừa đảo" / "feedback" / "2026-12-01 10:00:00.000000 UTC"
    feedback.mkdir(parents=True)
    (feedback / "m04_phishing.html").write_text("<h1>m04_phishing (Score: 9.0 / 12.0)</h1>", encoding="utf-8")
    graded = ProgressPanel(workspace=root, course=COURSE, language="en")
    assert graded.value == {code: 0.75 for code in COURSE.module("m04").competences}
    assert "9/12" in graded.details.value and t("lab.progress.feedback", "en") in graded.details.value


def test_the_kernel_folder_finds_the_workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = workspace(tmp_path)
    save_answer("m05-links", "x", root / "Bài 05 · Đường link" / "m05_links.answers.json")
    monkeypatch.chdir(root / "Bài 05 · Đường link")  # a notebook's kernel runs in its folder
    assert "Bài 05" in ProgressPanel(language="vi").details.value


def test_explicit_fractions_still_draw_bars() -> None:
    panel = ProgressPanel({"4.2": 0.9}, course=COURSE, language="vi")
    assert panel.status("4.2") == "done"


@pytest.mark.parametrize("value", ["-1", "100000", '"soon"'])
def test_lab_cull_minutes_are_validated(course_copy: Path, value: str) -> None:
    toml = course_copy / "course_config" / "course.toml"
    text = toml.read_text(encoding="utf-8")
    toml.write_text(
        "\n".join(
            f"cull_idle_minutes = {value}" if line.startswith("cull_idle_minutes") and after_lab else line
            for after_lab, line in _after_lab(text.splitlines())
        ),
        encoding="utf-8",
    )
    with pytest.raises(CourseConfigError, match="cull_idle_minutes"):
        load_course(course_copy)


def _after_lab(lines: list[str]) -> list[tuple[bool, str]]:
    seen, out = False, []
    for line in lines:
        if line.startswith("["):
            seen = line.startswith("[lab]")
        out.append((seen, line))
    return out


def test_lab_has_a_default(course_copy: Path) -> None:
    toml = course_copy / "course_config" / "course.toml"
    lines = [(after, line) for after, line in _after_lab(toml.read_text(encoding="utf-8").splitlines())]
    toml.write_text("\n".join(line for after, line in lines if not after), encoding="utf-8")
    assert load_course(course_copy).lab.cull_idle_minutes == 20
