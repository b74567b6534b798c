"""Issue 15 defects in m01 (welcome: the lab, notebooks, files), each checked on the committed notebook.

Fast and static: reads the source notebook, its Voila app and tests/content/partials/m01.py; nbgrader
itself runs in test_modules.py. Each test says what it found in the old notebook, where it failed.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import nbformat

from hocso.config import load_course
from hocso.editions import edition_cells, group_level
from hocso.notebook_meta import (
    hocso_meta,
    is_autograder_test,
    is_graded,
    is_rubric,
    is_solution,
    nbgrader_meta,
)

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK_PATH = ROOT / "notebooks" / "m01" / "m01_welcome.ipynb"
NOTEBOOK = nbformat.read(NOTEBOOK_PATH, as_version=4)
APP = nbformat.read(ROOT / "notebooks" / "apps" / "m01_welcome.ipynb", as_version=4)
MODULE = next(m for m in load_course(ROOT).modules if m.id == "m01")
PLACEHOLDER = "Viết câu trả lời của bạn ở đây. / Write your answer here."


def _partials():
    spec = importlib.util.spec_from_file_location("m01_partials", ROOT / "tests/content/partials/m01.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def graded_path() -> list:
    return [c for c in NOTEBOOK.cells if hocso_meta(c).get("track") != "go_further"]


def test_the_progress_panel_shows_no_typed_numbers() -> None:
    """Issue 15 #10 (and 14): the old notebook and app showed `ProgressPanel({"1.3": 0.5, "5.1": 0.3})`,
    numbers typed into the notebook ("Chưa đạt (30%)" after the whole module was done)."""
    calls = [
        cell.source
        for cell in [*NOTEBOOK.cells, *APP.cells]
        if cell.cell_type == "code" and "ProgressPanel(" in cell.source
    ]
    assert calls, "m01 shows the learner's progress"
    for source in calls:
        arguments = re.findall(r"ProgressPanel\(([^)]*)\)", source)
        assert arguments and all(not re.search(r"\d", a) for a in arguments), source


def test_reflection_rubric_is_its_own_cell_and_no_skip_or_raise_cells() -> None:
    """Issue 15 #5: the old answer cell [46] held the rubric, which release replaced; exercise cells
    held `raise NotImplementedError()` and the text told learners to delete it."""
    cells = NOTEBOOK.cells
    answers = [
        i for i, c in enumerate(cells) if c.cell_type == "markdown" and is_graded(c) and is_solution(c)
    ]
    assert answers, "m01 keeps its facilitator-graded reflection"
    for index in answers:
        assert cells[index].source.strip() == PLACEHOLDER
        assert "rubric" not in cells[index].source.lower() and "thang điểm" not in cells[index].source.lower()
        following = cells[index + 1 : index + 3]
        assert [hocso_meta(c).get("lang") for c in following] == ["vi", "en"]
        assert all(is_rubric(c) and not nbgrader_meta(c) for c in following)
        assert "2 =" in following[0].source and "0 =" in following[1].source
    every_text = "\n".join(c.source for c in cells)
    assert "NotImplementedError" not in every_text
    assert "Chỉ dùng khi không bấm được" not in every_text
    for cell in graded_path():
        assert "### BEGIN SOLUTION" not in cell.source
        assert "correct=True" not in cell.source or not is_graded(cell)


def test_graded_path_is_practice_not_programming() -> None:
    """Issue 15 deliverable 1: the old graded path was file_type/organise/find_files written in Python
    (7 of 9 points). Now every autograded cell scores a widget's saved answer, with vi and en reasons,
    and CORRECT in the partials names every graded question."""
    tests = [c for c in NOTEBOOK.cells if is_autograder_test(c)]
    assert tests
    graded_ids = set()
    for cell in tests:
        source = cell.source
        assert re.search(r"grade_(items|selection|order)\(", source), nbgrader_meta(cell)["grade_id"]
        graded_ids |= set(re.findall(r'grade_(?:items|selection|order)\(\s*"([^"]+)"', source))
        assert source.count("vi=") >= 1 and source.count("vi=") == source.count("en=")
    assert not any(is_solution(c) and c.cell_type == "code" for c in graded_path())
    assert graded_ids == set(_partials().CORRECT)


def test_citizens_core_is_level_one_and_assesses_both_competences() -> None:
    """m01's citizens target is level 1: their edition must hold most of the points and both 1.3 and 5.1.
    (Old: no cell had a level, so the groups' editions were all the same coding path.)"""
    level = group_level(MODULE, "citizens")
    assert level == 1
    edition = edition_cells([dict(c) for c in NOTEBOOK.cells], None, level)
    tested = [c for c in edition if is_autograder_test(c)]
    every = [c for c in NOTEBOOK.cells if is_autograder_test(c)]
    points = sum(nbgrader_meta(c)["points"] for c in tested)
    assert points * 2 > sum(nbgrader_meta(c)["points"] for c in every)
    assert {hocso_meta(c)["competence"] for c in tested} == {"1.3", "5.1"}
    assert all(hocso_meta(c).get("level") == 1 for c in tested)


def test_current_names_for_the_id_card_and_its_number() -> None:
    """Issue 15 #6: the old assistant cell [38] said "số CCCD"; since 1/7/2024 the card is the "thẻ
    căn cước" and its 12 digits the "số định danh cá nhân"."""
    every_text = "\n".join(c.source for c in [*NOTEBOOK.cells, *APP.cells])
    assert not re.search(r"CCCD|chứng minh nhân dân|căn cước công dân", every_text, re.I)
    vi = "\n".join(c.source for c in NOTEBOOK.cells if hocso_meta(c).get("lang") == "vi")
    assert "số định danh cá nhân" in vi and "thẻ căn cước" in vi


def test_references_are_cited() -> None:
    """Issue 15 deliverable 4: the module cites what it teaches (old: no references cell)."""
    refs = [c.source for c in NOTEBOOK.cells if c.source.startswith(("## Nguồn tham khảo", "## References"))]
    assert len(refs) == 2
    for text in refs:
        assert "02/2025/TT-BGDĐT" in text and "757/QĐ-BKHCN" in text and "CH Play" in text
