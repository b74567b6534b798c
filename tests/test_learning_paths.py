"""Issue 16, learning paths: each group's ordered modules and editions, from the target levels.

Points and competences are recounted here from course.toml, framework.toml and the notebooks' JSON
(graded cells at or below the group's target level in the module), not through hocso.editions.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pandas as pd
import pytest

from hocso.config import load_course
from hocso.paths import learning_path, learning_paths, path_progress
from hocso.reports.levels import competence_profile
from hocso.reports.summary import learner_summary
from hocso.roster import Learner, Roster

REPO_ROOT = Path(__file__).resolve().parents[1]
COURSE = load_course(REPO_ROOT)
RAW = tomllib.loads((REPO_ROOT / "course_config" / "course.toml").read_text(encoding="utf-8"))
FRAMEWORK = tomllib.loads((REPO_ROOT / "course_config" / "framework.toml").read_text(encoding="utf-8"))
GROUPS = [group["id"] for group in FRAMEWORK["groups"]]
STEPS = [m for m in RAW["modules"] if m.get("kind", "module") == "module"]  # placement tests are no step


def graded_cells(module: dict) -> list[dict]:
    cells = []
    for name in module["notebooks"]:
        notebook = json.loads((REPO_ROOT / "notebooks" / module["id"] / name).read_text(encoding="utf-8"))
        cells += [c for c in notebook["cells"] if c.get("metadata", {}).get("nbgrader", {}).get("grade")]
    return cells


def in_edition(cell: dict, target: int) -> bool:
    level = cell["metadata"].get("hocso", {}).get("level")
    return level is None or level <= target


@pytest.mark.parametrize("group", GROUPS)
def test_each_group_path_is_the_modules_at_its_target_levels_and_assesses_the_whole_framework(
    group: str,
) -> None:
    path = learning_path(COURSE, group)
    assert path.modules == tuple(module["id"] for module in STEPS)  # course order, none left out
    for step, module in zip(path.steps, STEPS, strict=True):
        target = module["target_levels"][group]
        kept = [cell for cell in graded_cells(module) if in_edition(cell, target)]
        assert step.level == target
        assert step.points == sum(cell["metadata"]["nbgrader"]["points"] for cell in kept), step.module
        assert set(step.competences) == {cell["metadata"]["hocso"]["competence"] for cell in kept}
    every = [c["code"] for domain in FRAMEWORK["domains"] for c in domain["competences"]]
    assert path.competences(COURSE) == tuple(every), (
        f"{group} misses {set(every) - set(path.competences(COURSE))}"
    )


def test_target_levels_decide_the_edition() -> None:
    """m14's level-3 exercise (finishing and signing a document) is on the staff's path, not the citizens'."""
    paths = learning_paths(COURSE)
    citizens = next(step for step in paths["citizens"].steps if step.module == "m14")
    staff = next(step for step in paths["staff"].steps if step.module == "m14")
    assert (citizens.level, staff.level) == (1, 4)
    assert staff.points - citizens.points == 3
    assert paths["citizens"].points < paths["soldiers"].points < paths["staff"].points


def test_progress_says_what_is_done_and_what_is_next() -> None:
    path = learning_path(COURSE, "soldiers")
    progress = path_progress(path, ["m02", "m01", "not-a-module"])
    assert progress.done == ("m01", "m02") and progress.next is not None and progress.next.module == "m03"
    assert path_progress(path, path.modules).finished


def test_an_unknown_group_is_named_with_the_known_ones() -> None:
    with pytest.raises(ValueError, match=r"unknown learner group 'generals'.*leaders, staff"):
        learning_path(COURSE, "generals")


def test_the_report_shows_each_learner_where_they_are_on_their_path() -> None:
    """The learners table of `hocso report` says how much of the group's path is done and what is next."""
    exercises = pd.DataFrame(
        [
            {"module": module, "notebook": "nb", "grade_id": "g", "competence": "5.1", "max_points": 1.0}
            | {"manual": False, "kind": "module", "level": 1}
            for module in ("m01", "m02")
        ]
    )
    roster = Roster([Learner("c1", "Lan", "citizens", "u1"), Learner("s1", "Minh", "soldiers", "u1")])
    scores = pd.DataFrame(
        [
            {"learner_id": "c1", "module": module, "notebook": "nb", "grade_id": "g", "points": 1.0}
            | {"max_points": 1.0, "competence": "5.1", "awaiting": False}
            for module in ("m01", "m02")
        ]
    )
    profile = competence_profile(COURSE, scores, roster, exercises)
    table = learner_summary(COURSE, scores, roster, exercises, profile).set_index("learner_id")
    steps = len(learning_path(COURSE, "citizens").steps)
    assert table.loc["c1", "path_done"] == f"2/{steps}" and table.loc["c1", "next_module"] == "m03"
    assert table.loc["s1", "path_done"] == f"0/{steps}" and table.loc["s1", "next_module"] == "m01"
