"""m16 (social media): the sources it cites and its key, scored in this process (test_modules.py runs
real nbgrader)."""

from __future__ import annotations

from pathlib import Path

import pytest
from widget_grading import correct_answers, grading_cells, notebook, points_for

NB = notebook("m16", "m16_social_media.ipynb")


def test_every_right_answer_earns_its_cell_points(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    correct = correct_answers("m16")
    for grade_id, cell in grading_cells(NB).items():
        assert points_for(cell, correct, tmp_path, monkeypatch) == cell.metadata.nbgrader.points, grade_id


def test_sources_are_cited_and_no_fine_amount_is_stated() -> None:
    text = "\n".join(cell.source for cell in NB.cells)
    for source in ("874/QĐ-BTTTT", "15/2020/NĐ-CP", "14/2022/NĐ-CP", "29/2018/QH14"):
        assert source in text, source
    # Amounts change; the module says to check the rule in force instead of quoting one.
    assert "triệu đồng" not in text and "million" not in text
    assert "tra mức phạt" in text and "check the" in text


def test_nobody_gets_a_code_and_recovery_stays_in_the_app() -> None:
    key = correct_answers("m16")["m16-account"]
    assert key["a3"] == "dont" and key["a5"] == "dont" and key["a6"] == "do"
