"""Reports measure each learner on their group's edition: an exercise above the group's target level
is not in a citizen's edition, so it is not in the citizen's points to earn (hocso.editions' rule)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from hocso.config import load_course
from hocso.reports.levels import competence_profile, exercises_in_reach
from hocso.reports.summary import learner_summary
from hocso.roster import Learner, Roster

REPO = Path(__file__).resolve().parents[2]


def test_a_citizen_is_measured_on_the_citizens_edition() -> None:
    course = load_course(REPO)
    m04 = course.module("m04")
    deep = m04.target_levels["citizens"] + 1
    assert deep <= m04.target_levels["technical"], (
        "the test needs a level technical reaches and citizens do not"
    )
    exercises = pd.DataFrame(
        [
            {
                "module": "m04",
                "notebook": "nb",
                "grade_id": "core",
                "competence": "4.2",
                "max_points": 4.0,
                "manual": False,
                "kind": "module",
                "level": 1,
            },
            {
                "module": "m04",
                "notebook": "nb",
                "grade_id": "deep",
                "competence": "4.2",
                "max_points": 2.0,
                "manual": False,
                "kind": "module",
                "level": deep,
            },
            {
                "module": "m04",
                "notebook": "nb",
                "grade_id": "any",
                "competence": "1.2",
                "max_points": 1.0,
                "manual": True,
                "kind": "module",
                "level": None,
            },
        ]
    )
    reach = exercises_in_reach(course, exercises)
    assert set(reach[reach["group"] == "citizens"]["grade_id"]) == {"core", "any"}
    assert set(reach[reach["group"] == "technical"]["grade_id"]) == {"core", "deep", "any"}

    roster = Roster([Learner("c1", "Lan", "citizens", "u1"), Learner("t1", "Minh", "technical", "u1")])
    scores = pd.DataFrame(
        [
            {
                "learner_id": learner,
                "module": "m04",
                "notebook": "nb",
                "grade_id": gid,
                "points": pts,
                "max_points": top,
                "competence": comp,
                "awaiting": False,
            }
            for learner in ("c1", "t1")
            for gid, pts, top, comp in (("core", 4.0, 4.0, "4.2"), ("any", 1.0, 1.0, "1.2"))
        ]
    )
    profile = competence_profile(course, scores, roster, exercises)
    table = learner_summary(course, scores, roster, exercises, profile).set_index("learner_id")
    assert table.loc["c1", "max_points"] == 5 and table.loc["c1", "score"] == 1.0
    assert table.loc["t1", "max_points"] == 7 and round(table.loc["t1", "score"], 3) == round(5 / 7, 3)
    safety = profile[profile["competence"] == "4.2"].set_index("learner_id")
    assert safety.loc["c1", "max_points"] == 4 and safety.loc["t1", "max_points"] == 6
