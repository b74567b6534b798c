"""m17 (well-being, environment, gaps): its key scores full marks in this process, and the gap
exercise names the framework's own domains (test_modules.py runs real nbgrader)."""

from __future__ import annotations

from pathlib import Path

import pytest
from widget_grading import REPO_ROOT, correct_answers, grading_cells, notebook, points_for

from hocso.config import load_course

NB = notebook("m17", "m17_wellbeing.ipynb")


def test_every_right_answer_earns_its_cell_points(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    correct = correct_answers("m17")
    for grade_id, cell in grading_cells(NB).items():
        assert points_for(cell, correct, tmp_path, monkeypatch) == cell.metadata.nbgrader.points, grade_id


def test_the_gap_choices_are_domains_of_the_framework() -> None:
    framework = load_course(REPO_ROOT).framework
    domains = {domain.code: domain for domain in framework.domains}
    for choice in set(correct_answers("m17")["m17-gaps"].values()):
        assert choice.removeprefix("d") in domains, choice


def test_batteries_never_go_in_the_bin_and_sources_are_cited() -> None:
    assert correct_answers("m17")["m17-environment"]["e2"] == "dont"
    text = "\n".join(cell.source for cell in NB.cells)
    for source in ("72/2020/QH14", "08/2022/NĐ-CP", "111", "20-20-20", "WHO"):
        assert source in text, source
