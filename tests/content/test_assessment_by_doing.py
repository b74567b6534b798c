"""Assessment by doing: per module and learner group, the share of autograded points that need code.

A point "needs code" when its test cell reads something a learner must write: a function or variable
that a solution code cell defines. Widget-graded cells read the saved answers file instead. Static,
on the source notebooks and each group's edition (the same rule `hocso grade release --group` uses).
"""

from __future__ import annotations

import re

import pytest
from grading import REPO_ROOT

from hocso.config import load_course
from hocso.editions import edition_cells, group_level
from hocso.notebook_meta import is_autograder_test, is_solution, nbgrader_meta, read_cells

_course = load_course(REPO_ROOT)
NON_TECHNICAL = ("citizens", "soldiers", "staff", "leaders")


def learner_written_names(cells: list[dict]) -> set[str]:
    names: set[str] = set()
    for cell in cells:
        if cell["cell_type"] == "code" and is_solution(cell):
            names |= set(re.findall(r"^\s*def\s+(\w+)", cell["source"], re.M))
            names |= set(re.findall(r"^(\w+)\s*=", cell["source"], re.M))
    return names


def code_share(cells: list[dict]) -> tuple[float, float]:
    """(points that need code, all autograded points) of these cells."""
    names = learner_written_names(cells)
    total = needs_code = 0.0
    for cell in cells:
        if not is_autograder_test(cell):
            continue
        points = float(nbgrader_meta(cell).get("points", 0) or 0)
        total += points
        if any(re.search(rf"\b{re.escape(name)}\b", cell["source"]) for name in names):
            needs_code += points
    return needs_code, total


@pytest.mark.parametrize("group", NON_TECHNICAL)
@pytest.mark.parametrize("module", _course.modules, ids=lambda m: m.id)
def test_no_point_needs_code_outside_the_technical_group(module, group: str) -> None:
    cells = [c for path in _course.notebook_paths(module) for c in read_cells(path)]
    edition = edition_cells(cells, None, group_level(module, group))
    needs_code, total = code_share(edition)
    assert total > 0, f"{module.id}: the {group} edition has no autograded points"
    assert needs_code == 0, f"{module.id} {group}: {needs_code:g} of {total:g} points need code"


def test_the_rule_sees_code_exercises() -> None:
    """The counter itself: a solution-defined function tested by a graded cell counts as code."""
    solution = {
        "cell_type": "code",
        "source": "def f(x):\n    return x",
        "metadata": {"nbgrader": {"solution": True}},
    }
    test = {
        "cell_type": "code",
        "source": "assert f(1) == 1",
        "metadata": {"nbgrader": {"grade": True, "solution": False, "points": 2}},
    }
    widget = {
        "cell_type": "code",
        "source": 'grade_items("q", 1, {})',
        "metadata": {"nbgrader": {"grade": True, "solution": False, "points": 1}},
    }
    assert code_share([solution, test, widget]) == (2, 3)
