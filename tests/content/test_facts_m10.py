"""Issue 15 defects in m10 (asking AI well and safely), each checked on the committed notebook and data.

Static and fast; nbgrader itself runs in test_modules.py with tests/content/partials/m10.py.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat

from hocso.notebook_meta import hocso_meta, is_autograder_test, is_graded, is_rubric, is_solution

ROOT = Path(__file__).resolve().parents[2]
FOLDER = ROOT / "notebooks" / "m10"
NOTEBOOK = nbformat.read(FOLDER / "m10_ask_ai.ipynb", as_version=4)


def graded_path():
    return [c for c in NOTEBOOK.cells if hocso_meta(c).get("track") != "go_further"]


def every_text() -> str:
    data = "\n".join(path.read_text(encoding="utf-8") for path in sorted((FOLDER / "data").glob("*.json")))
    return "\n".join(c.source for c in NOTEBOOK.cells) + "\n" + data


def test_graded_quiz_carries_no_key() -> None:
    """#5. Old: the m10 quiz [21] marked its right options with correct=True in code the learner can
    read, and [22] "Chỉ dùng khi không bấm được tiện ích" was released as raise NotImplementedError()."""
    text = "\n".join(c.source for c in NOTEBOOK.cells)
    assert "correct=True" not in text
    assert "Chỉ dùng khi không bấm được tiện ích" not in text and "NotImplementedError" not in text
    quiz = [c for c in NOTEBOOK.cells if c.cell_type == "code" and 'Quiz("m10-safe-to-send"' in c.source]
    assert quiz and not is_graded(quiz[0])
    tests = [c for c in NOTEBOOK.cells if is_autograder_test(c) and "m10-safe-to-send" in c.source]
    assert tests and "grade_selection" in tests[0].source.split("### BEGIN HIDDEN TESTS")[1]
    for cell in graded_path():
        assert "BEGIN SOLUTION" not in cell.source
        if is_autograder_test(cell):
            assert "assert " not in cell.source


def test_reflection_rubric_is_a_separate_cell() -> None:
    """#5. Old: the rubric sat in the prompt cells and the answer cell held a model answer between
    solution markers; release swapped it for "YOUR ANSWER HERE"."""
    answers = [
        i
        for i, c in enumerate(NOTEBOOK.cells)
        if is_graded(c) and is_solution(c) and c.cell_type == "markdown"
    ]
    assert len(answers) == 1
    answer = NOTEBOOK.cells[answers[0]]
    assert answer.source == "Viết câu trả lời của bạn ở đây. / Write your answer here."
    assert is_rubric(NOTEBOOK.cells[answers[0] + 1])
    assert not any(
        "Thang điểm" in c.source or "Rubric" in c.source for c in NOTEBOOK.cells if not is_rubric(c)
    )


def test_redaction_coding_is_optional_go_further() -> None:
    """Old: redact_simple / build_prompt were 7 graded points of code. Now no graded cell uses them and
    redact_simple sits in the go-further section (level 4, track go_further, no points)."""
    for cell in NOTEBOOK.cells:
        if is_graded(cell):
            assert "redact_simple" not in cell.source and "build_prompt" not in cell.source
    further = [c for c in NOTEBOOK.cells if "redact_simple" in c.source]
    assert further and all(
        hocso_meta(c).get("track") == "go_further" and hocso_meta(c).get("level", 0) >= 4 for c in further
    )


def test_brand_names_are_not_translated() -> None:
    """Old: the English quiz text said "Golden Lotus bank" for SenVangBank (and vi "Sen Vàng")."""
    text = every_text()
    assert "Golden Lotus" not in text and "Sen Vàng" not in text
    english = [c.source for c in NOTEBOOK.cells if "SenVang" in c.source]
    assert any("SenVang Bank" in source for source in english)
    pieces = json.loads((FOLDER / "data/graded_pieces.json").read_text(encoding="utf-8"))
    assert any("SenVang Bank" in p["text"]["en"] and "SenVangBank" in p["text"]["vi"] for p in pieces)


def test_current_names() -> None:
    """#6. Old: "số CCCD" / [CCCD] throughout and Decree 13/2023 implied; now "thẻ căn cước",
    "số định danh cá nhân" and Decree 356/2025/NĐ-CP (13/2023 only as the decree it replaced)."""
    text = every_text()
    assert "CCCD" not in text
    assert "số định danh cá nhân" in text and "thẻ căn cước" in text and "356/2025/NĐ-CP" in text
    for line in text.splitlines():
        if "13/2023" in line:
            assert re.search(r"thay thế|replacing|replaces", line), line
