"""m15 (AI at work): the summary exercise matches its original, the rule exercise follows its own
rule, and its key scores full marks in this process (test_modules.py runs real nbgrader)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from widget_grading import REPO_ROOT, correct_answers, grading_cells, notebook, points_for

NB = notebook("m15", "m15_ai_at_work.ipynb")
DATA = REPO_ROOT / "notebooks" / "m15" / "data"


def test_every_right_answer_earns_its_cell_points(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    correct = correct_answers("m15")
    for grade_id, cell in grading_cells(NB).items():
        assert points_for(cell, correct, tmp_path, monkeypatch) == cell.metadata.nbgrader.points, grade_id


def test_the_filter_key_is_what_the_rule_does() -> None:
    """The rule of exercise 3, run as a machine would on the messages' own words."""
    contacts = {"t2", "t5"}  # Mum and the colleague are in the contacts; the others are not
    key = correct_answers("m15")["m15-rule"]
    for item in json.loads((DATA / "graded_rule.json").read_text(encoding="utf-8")):
        words = item["text"]["vi"]
        has_link = ".example" in words and "không có link" not in words
        if has_link and item["id"] not in contacts:
            expected = "suspicious"
        elif "OTP" in words:
            expected = "inbox_flag"
        else:
            expected = "inbox"
        assert key[item["id"]] == expected, item["id"]


def test_the_summary_key_matches_the_original() -> None:
    original = next(
        c.source
        for c in NB.cells
        if c.metadata.get("hocso", {}).get("lang") == "vi" and "Bản gốc" in c.source
    )
    assert (
        "đến 11 giờ" in original
        and "không thu phí" in original
        and "ảnh" not in original.split("Bản gốc")[1].split("AI tóm tắt")[0]
    )
    key = correct_answers("m15")["m15-summary"]
    assert key == {"a1": "true", "a2": "wrong", "a3": "true", "a4": "wrong", "a5": "wrong"}
