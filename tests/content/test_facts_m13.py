"""m13 (online public services with VNeID): the facts it teaches, checked on the committed notebook and
its data, and its key scored in this process (test_modules.py runs real nbgrader)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from widget_grading import REPO_ROOT, correct_answers, grading_cells, notebook, points_for

NB = notebook("m13", "m13_e_services.ipynb")
DATA = REPO_ROOT / "notebooks" / "m13" / "data"


def text() -> str:
    return "\n".join(cell.source for cell in NB.cells)


def test_every_right_answer_earns_its_cell_points(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    correct = correct_answers("m13")
    for grade_id, cell in grading_cells(NB).items():
        assert points_for(cell, correct, tmp_path, monkeypatch) == cell.metadata.nbgrader.points, grade_id


def test_a_request_for_a_code_or_for_money_into_a_personal_account_is_never_real() -> None:
    key = correct_answers("m13")["m13-requests"]
    for item in json.loads((DATA / "graded_requests.json").read_text(encoding="utf-8")):
        words = item["text"]["vi"]
        if "OTP" in words or "tài khoản cá nhân" in words or ".example" in words:
            assert key[item["id"]] == "fake", item["id"]


def test_level_2_is_registered_in_person_and_the_laws_are_cited() -> None:
    assert correct_answers("m13")["m13-channels"]["n3"] == "in_person"
    for source in ("26/2023/QH15", "69/2024/NĐ-CP", "59/2022/NĐ-CP", "45/2020/NĐ-CP", "dichvucong.gov.vn"):
        assert source in text(), source
