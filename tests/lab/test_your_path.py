"""Issue 16: "your path" in the learner's lab: the group's modules in order, done and next, in their
language, from what the learner really submitted (nbgrader's exchange cache) and answered."""

from __future__ import annotations

from pathlib import Path

from hocso.config import Course
from hocso.lab.manifest import MANIFEST
from hocso.lab.workspace import Learner, Workspace, folder_name, write_start_page
from hocso.lab.your_path import submitted_modules, your_path
from hocso.paths import learning_path
from hocso.widgets.answers import save_answer


def _workspace(tmp_path: Path, course: Course, language: str, group: str | None) -> Workspace:
    space = Workspace(course, Learner("hv01", language, group), tmp_path / "home")  # type: ignore[arg-type]
    for module in course.modules:  # every module released and fetched, folders named as the lab does
        folder = folder_name(module, language)  # type: ignore[arg-type]
        (space.root / folder).mkdir(parents=True)
        space.modules[folder] = module.id
    (space.root / MANIFEST).write_text("{}", encoding="utf-8")
    # submitted: the placement test and m01, as nbgrader's submit leaves them in the learner's cache
    for module_id in ("m00", "m01"):
        (space.cache_dir / course.id / f"hv01+{module_id}+2026-12-01 08:00:00.000000 UTC").mkdir(parents=True)
    # feedback came back for m03 (submitted out of order); m05 has answers saved but is not submitted
    (space.root / space_folder(space, "m03") / "feedback" / "2026-12-01").mkdir(parents=True)
    (space.root / space_folder(space, "m03") / "feedback" / "2026-12-01" / "m03.html").write_text(
        "<p>7 / 10</p>"
    )
    save_answer(
        "m05-links", {"l1": "safe"}, space.root / space_folder(space, "m05") / "m05_links.answers.json"
    )
    return space


def space_folder(space: Workspace, module_id: str) -> str:
    return next(folder for folder, known in space.modules.items() if known == module_id)


def test_path_states_come_from_submissions_and_answers(tmp_path: Path, course: Course) -> None:
    space = _workspace(tmp_path, course, "vi", "soldiers")
    handed_in = submitted_modules(space.cache_dir, course.id, space.modules, space.root)
    assert handed_in == {"m00", "m01", "m03"}
    entries = your_path(course, "soldiers", "vi", space.modules, space.root, handed_in)
    modules = [entry.module for entry in entries]
    assert modules == ["m00", *learning_path(course, "soldiers").modules, "m99"]
    states = {entry.module: entry.state for entry in entries}
    assert states["m00"] == states["m01"] == states["m03"] == "done"
    assert states["m02"] == "next"  # the first of the path not submitted
    assert states["m05"] == "started" and states["m04"] == "later" and states["m99"] == "later"
    assert [e.state for e in entries].count("next") == 1


def test_start_page_shows_your_path_in_the_learners_language(tmp_path: Path, course: Course) -> None:
    space = _workspace(tmp_path, course, "vi", "soldiers")
    page = (space.root / write_start_page(space)).read_text(encoding="utf-8")
    assert "## Lộ trình của bạn" in page and "đã xong 3/20" in page
    lines = [line for line in page.splitlines() if line[:1].isdigit()]
    assert lines[0].startswith("1. ✅ [Bài 00 · Bài kiểm tra đầu khóa (xếp lớp)](B%C3%A0i%2000")
    assert "/m00_placement.ipynb) — đã nộp" in lines[0]
    assert lines[2].startswith("3. ➡️ **[Bài 02 · ") and lines[2].endswith("— làm tiếp bài này**")
    assert lines[-1].startswith("20. ⬜ [Bài 99 · Bài kiểm tra cuối khóa](")
    assert "Your path" not in page and "submitted" not in page  # a vi learner reads vi only
    english = (_workspace(tmp_path / "en", course, "en", "soldiers").root).parent
    page_en = (english / "workspace" / write_start_page(_reopen(english, course))).read_text(encoding="utf-8")
    assert "## Your path" in page_en and "do this one next" in page_en


def _reopen(home: Path, course: Course) -> Workspace:
    space = Workspace(course, Learner("hv01", "en", "soldiers"), home)
    space.modules.update({folder_name(m, "en"): m.id for m in course.modules})
    return space


def test_no_group_no_path(tmp_path: Path, course: Course) -> None:
    space = _workspace(tmp_path, course, "en", None)
    page = (space.root / write_start_page(space)).read_text(encoding="utf-8")
    assert "Your path" not in page and f"{space_folder(space, 'm01')}" in page
