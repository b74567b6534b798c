"""Placement per domain from known answers, and the path it proposes (hocso.placement), on the real course."""

from __future__ import annotations

import pandas as pd
import pytest

from hocso.config import Course
from hocso.paths import learning_path, learning_paths
from hocso.placement import domain_levels, item_results, place, placement_items, placement_table
from hocso.roster import Learner, Roster


@pytest.fixture(scope="module")
def items(course: Course):
    return placement_items(course)


def test_the_placement_test_covers_every_domain_at_rising_difficulty(course: Course, items) -> None:
    assert 15 <= len(items) <= 25
    domains = {item.domain for item in items}
    assert domains == {domain.code for domain in course.framework.domains}
    for domain in domains:
        assert len({item.difficulty for item in items if item.domain == domain}) >= 2  # easy and harder
    post = placement_items(course, "post_test")
    assert [(i.competence, i.difficulty) for i in post] == [(i.competence, i.difficulty) for i in items]
    assert not {i.grade_id for i in post} & {i.grade_id for i in items}  # a parallel form, other items


def test_a_domain_is_placed_up_to_the_first_wrong_item(items) -> None:
    # domain 4 (safety) has items at difficulty 2, 4 and 5: m00-q09, m00-q10, m00-q11
    safety = {i.grade_id: i.difficulty for i in items if i.domain == "4"}
    assert safety == {"m00-q09": 2, "m00-q10": 4, "m00-q11": 5}
    assert domain_levels(items, {"m00-q09": True, "m00-q10": True, "m00-q11": True})["4"] == 5
    assert domain_levels(items, {"m00-q09": True, "m00-q10": True})["4"] == 4
    assert domain_levels(items, {"m00-q09": True, "m00-q11": True})["4"] == 2  # a lucky hard one counts not
    assert domain_levels(items, {"m00-q10": True, "m00-q11": True})["4"] == 0  # the easiest was wrong
    assert set(domain_levels(items, {}).values()) == {0}


def test_path_marks_modules_of_domains_at_target_faster(course: Course, items) -> None:
    # A soldier (targets 0:3 1:3 2:4 3:2 4:4 5:3 6:3) right on every item but domain 4's (safety) hard ones.
    right = {item.grade_id: True for item in items}
    right["m00-q10"] = False
    placement = place(course, "soldiers", right, items=items)
    levels = {d.domain: d.level for d in placement.domains}
    assert levels == {"0": 4, "1": 4, "2": 4, "3": 4, "4": 2, "5": 4, "6": 4}
    advice = {placed.step.module: placed.advice for placed in placement.steps}
    path = learning_path(course, "soldiers")
    assert list(advice) == list(path.modules)
    for step in path.steps:
        touches_safety = any(code.startswith("4.") for code in step.competences)
        assert advice[step.module] == ("start_here" if touches_safety else "faster"), step.module
    assert placement.start is not None and placement.start.step.module == "m02"  # m01 assesses 5.1, 1.3
    everything = place(course, "soldiers", {item.grade_id: True for item in items}, items=items)
    assert everything.start is None and {p.advice for p in everything.steps} == {"faster"}


def test_paths_leave_out_the_tests(course: Course) -> None:
    tests = {m.id for m in course.modules if m.kind != "module"}
    assert tests == {"m00", "m99"}
    for path in learning_paths(course).values():
        assert not tests & set(path.modules)


def test_placement_table_reads_the_gradebook_scores(course: Course, items) -> None:
    roster = Roster(
        [
            Learner("hv01", "Nguyễn Văn An", "citizens", "Xã A"),
            Learner("hv02", "Trần Thị Bình", "citizens", "Xã A"),
            Learner("hv03", "Lê Văn Cường", "citizens", "Xã B"),  # has not taken the test
        ]
    )
    rows = []
    for learner, right_ids in (("hv01", {"m00-q01", "m00-q02"}), ("hv02", {"m00-q02"})):
        for item in items:
            got = item.grade_id in right_ids
            rows.append((learner, "m00", "m00_placement", item.grade_id, 1.0 if got else 0.0, 1.0))
    scores = pd.DataFrame(
        rows, columns=["learner_id", "module", "notebook", "grade_id", "points", "max_points"]
    )
    assert item_results(scores, "hv01", items)["m00-q01"] is True
    table = placement_table(course, scores, roster)
    assert set(table["learner_id"]) == {"hv01", "hv02"}
    devices = table[table["domain"] == "0"].set_index("learner_id")
    assert devices.loc["hv01", "level"] == 4 and bool(devices.loc["hv01", "at_target"])  # citizens' target 2
    assert devices.loc["hv02", "level"] == 0 and not bool(devices.loc["hv02", "at_target"])
    assert devices.loc["hv01", "start"] == "m01"  # m01 assesses 5.1 and 1.3: still below target
