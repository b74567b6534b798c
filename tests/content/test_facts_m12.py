"""Issue 15 defects in m12 (safe apps and devices), each checked on the committed notebook and its
data. Each comment says what the test found on the old module."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

import hocso.widgets.grading as grading
from hocso.notebook_meta import (
    cell_track,
    hocso_meta,
    is_autograder_test,
    is_rubric,
    is_solution,
    nbgrader_meta,
)

MODULE = Path(__file__).resolve().parents[2] / "notebooks" / "m12"
NOTEBOOK = MODULE / "m12_devices.ipynb"


def cells() -> list[dict[str, Any]]:
    notebook = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    for cell in notebook["cells"]:
        cell["source"] = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
    return notebook["cells"]


def graded_path(all_cells: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [cell for cell in all_cells if cell_track(cell) != "go_further"]


def graded_keys(monkeypatch: pytest.MonkeyPatch) -> dict[str, dict[str, grading.Expect]]:
    """Every `grade_items` key of the notebook's test cells, read by running them with a recording stub."""
    keys: dict[str, dict[str, grading.Expect]] = {}

    def record(question_id: str, points: float, key: dict[str, grading.Expect], **_: Any) -> float:
        keys[question_id] = dict(key)
        return 0.0

    monkeypatch.setattr(grading, "grade_items", record)
    monkeypatch.setattr(grading, "answered", lambda *args, **kwargs: True)
    for cell in cells():
        if is_autograder_test(cell) and "grade_items" in cell["source"]:
            exec(compile(cell["source"], str(NOTEBOOK), "exec"), {})
    return keys


def items(name: str) -> list[dict[str, Any]]:
    return json.loads((MODULE / "data" / name).read_text(encoding="utf-8"))


def test_no_lesson_checks_an_installer_by_its_hash() -> None:
    # Old notebook (issue 15 #7): exercises 1-2 and the summary taught "compare the SHA-256 with the
    # official one before opening an installer", with data/downloads/sotay-2.1.apk to practise on.
    text = "\n".join(cell["source"] for cell in graded_path(cells())).lower()
    assert "sha256_of" not in text and "matches_checksum" not in text
    assert not re.search(r"trước khi mở tệp cài đặt|before opening an installer", text)
    assert not list(MODULE.rglob("*.apk")), "the module ships no installer to practise on"
    go_further = "\n".join(cell["source"] for cell in cells() if cell_track(cell) == "go_further")
    assert "không có nghĩa là an toàn" in go_further and "does not mean safe" in go_further


def test_the_graded_path_teaches_the_official_store(monkeypatch: pytest.MonkeyPatch) -> None:
    # Old notebook: no store page to judge; the only store question was a 1-point all-or-nothing quiz.
    # Now: an .apk someone sent is never installed, a fake in the store is caught by its developer,
    # permissions and accessibility request, and a "matching hash" does not make an .apk safe.
    keys = graded_keys(monkeypatch)
    store = {item["id"]: item for item in items("graded_store.json")}
    for item_id, item in store.items():
        if ".apk" in item["text"]["vi"]:
            assert keys["m12-store"][item_id].answer == "skip", item_id
        if "trợ năng" in item["text"]["vi"]:
            assert keys["m12-store"][item_id].answer == "skip", item_id
    official = [i for i, item in store.items() if item["title"]["vi"].startswith(("App Store", "CH Play"))]
    assert {keys["m12-store"][i].answer for i in official} == {
        "install",
        "skip",
    }  # the store alone is not enough
    accessibility = [p["id"] for p in items("graded_permissions.json") if "trợ năng" in p["text"]["vi"]]
    assert accessibility and all(keys["m12-permissions"][p].answer == "refuse" for p in accessibility)
    hashed = next(t for t in items("graded_trouble.json") if "SHA-256" in t["text"]["vi"])
    assert keys["m12-trouble"][hashed["id"]].answer == "no"
    assert "không chứng tỏ" in keys["m12-trouble"][hashed["id"]].vi


def test_release_has_no_fallback_cell_and_no_graded_code() -> None:
    # Old notebook (issue 15 #5): cell 25 "Chỉ dùng khi không bấm được tiện ích" was a solution cell,
    # released as `raise NotImplementedError()`, as were the three graded code exercises.
    for cell in cells():
        assert "Chỉ dùng khi không bấm được tiện ích" not in cell["source"]
        if cell["cell_type"] == "code" and is_solution(cell):
            assert cell_track(cell) == "go_further", nbgrader_meta(cell).get("grade_id")
            assert not nbgrader_meta(cell).get("grade")
        if cell_track(cell) == "go_further":
            assert not nbgrader_meta(cell).get("grade") and (hocso_meta(cell).get("level") or 0) >= 4
        if is_autograder_test(cell):
            assert "assert " not in cell["source"] and "grade_items(" in cell["source"]


def test_the_rubric_is_not_in_the_answer_cell() -> None:
    # Old notebook (issue 15 #5): the reflection answer cell held a model answer, and the rubric sat
    # in the prompt cells the learner reads.
    all_cells = cells()
    answers = [
        i
        for i, c in enumerate(all_cells)
        if c["cell_type"] == "markdown" and nbgrader_meta(c).get("solution")
    ]
    assert answers
    for index in answers:
        assert not re.search(r"thang điểm|rubric|BEGIN SOLUTION", all_cells[index]["source"], re.I)
        assert is_rubric(all_cells[index + 1]) and "Thang điểm" in all_cells[index + 1]["source"]
    for cell in all_cells:
        if "Thang điểm" in cell["source"] or "Rubric" in cell["source"]:
            assert is_rubric(cell)


def test_current_names_and_spelling() -> None:
    # Old notebook (issue 15 #6 and house style): "khoá" in three cells, "Bài 12." and "Sau bài này,
    # bạn sẽ:"; the ID card never named. Now "khóa", the m01-m06 title style, "thẻ căn cước", and a
    # fake tax message in the name of the "Cục Thuế".
    all_cells = cells()
    text = "\n".join(cell["source"] for cell in all_cells)
    data = "\n".join(
        json.dumps(items(n), ensure_ascii=False) for n in ("graded_store.json", "graded_trouble.json")
    )
    assert not re.search(r"khoá|xoá", text + data, re.I)
    assert (
        all_cells[0]["source"].startswith("# Bài 12 · ") and "**Mục tiêu.** Sau bài này, bạn có thể:" in text
    )
    assert "thẻ căn cước" in text + data and "Cục Thuế" in data
    for outdated in ("Tổng cục Thuế", "CMND", "chứng minh nhân dân", "căn cước công dân", "công an quận"):
        assert outdated not in data
