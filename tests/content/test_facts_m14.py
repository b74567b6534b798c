"""m14 (digital work): the facts it teaches, checked on the committed notebook, and its key scored in
this process (test_modules.py runs real nbgrader)."""

from __future__ import annotations

from pathlib import Path

import pytest
from widget_grading import correct_answers, grading_cells, notebook, points_for

NB = notebook("m14", "m14_digital_work.ipynb")


def text() -> str:
    return "\n".join(cell.source for cell in NB.cells)


def test_every_right_answer_earns_its_cell_points(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    correct = correct_answers("m14")
    for grade_id, cell in grading_cells(NB).items():
        assert points_for(cell, correct, tmp_path, monkeypatch) == cell.metadata.nbgrader.points, grade_id


def test_the_law_on_electronic_transactions_is_cited_by_its_real_number() -> None:
    # The issue called it 51/2023/QH15; the 2023 law is No. 20/2023/QH15 (in force 1 July 2024),
    # which replaced Law No. 51/2005/QH11.
    assert "20/2023/QH15" in text()
    assert "51/2023" not in text()
    assert "29/2018/QH14" in text() and "30/2020/NĐ-CP" in text()


def test_secrets_stay_offline_and_signing_is_never_delegated() -> None:
    correct = correct_answers("m14")
    assert correct["m14-sharing"]["s5"] == "offline"
    assert "pin" not in correct["m14-signature"] and "picture" not in correct["m14-signature"]
    assert correct["m14-finish"]["f2"] == "dont"  # no edits after signing
