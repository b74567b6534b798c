"""m18 (keeping information safe, newer scams): its key scores full marks in this process, and what it
says about secrets, AI and refunds (test_modules.py runs real nbgrader)."""

from __future__ import annotations

from pathlib import Path

import pytest
from widget_grading import correct_answers, grading_cells, notebook, points_for

NB = notebook("m18", "m18_security_scams.ipynb")


def test_every_right_answer_earns_its_cell_points(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    correct = correct_answers("m18")
    for grade_id, cell in grading_cells(NB).items():
        assert points_for(cell, correct, tmp_path, monkeypatch) == cell.metadata.nbgrader.points, grade_id


def test_secrets_and_people_never_go_into_a_public_ai_and_the_bank_handles_refunds() -> None:
    correct = correct_answers("m18")
    assert [item for item, answer in correct["m18-ai"].items() if answer == "never"] == ["q1", "q2", "q4"]
    steps = correct["m18-mistake"]
    assert steps.index("stop") == 0 and steps.index("bank") < steps.index("refund")
    text = "\n".join(cell.source for cell in NB.cells)
    assert "29/2018/QH14" in text and "26/2020/NĐ-CP" in text and "csgt.vn" in text
