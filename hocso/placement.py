"""Placement: a learner's level per framework domain from the placement test, and the path it proposes.

The placement test (the course.toml module of `kind = "pre_test"`) has one-choice items, each an
autograder test cell with its competence and `metadata.hocso.difficulty`, the framework level it is
written at (`hocso.notebook_meta`). A learner is placed in a domain at the highest difficulty up to
which they answered **every** item of that domain right (a Guttman-style rule: one slip on an easy
item is not outweighed by a lucky hard one); 0 when the easiest item was wrong. So the test places
no higher than its hardest item in the domain, and says so rather than guessing.

The proposed path is the group's path (`hocso.paths`) with each module marked: "faster" when every
domain it assesses is placed at or above the group's target (the learner may go through it quickly),
"start_here" when one is below. The first "start_here" module is where to start.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import pandas as pd

from hocso.config.models import Course
from hocso.notebook_meta import course_exercises
from hocso.paths import LearningPath, PathStep, learning_path
from hocso.roster import Roster

__all__ = [
    "DomainPlacement",
    "PlacedStep",
    "Placement",
    "PlacementItem",
    "StepAdvice",
    "domain_levels",
    "item_results",
    "place",
    "placement_items",
    "placement_table",
]

StepAdvice = Literal["faster", "start_here"]
TestKind = Literal["pre_test", "post_test"]


@dataclass(frozen=True)
class PlacementItem:
    module: str
    grade_id: str
    competence: str
    difficulty: int

    @property
    def domain(self) -> str:
        return self.competence.split(".")[0]


@dataclass(frozen=True)
class DomainPlacement:
    domain: str
    level: int  # 0: below the domain's easiest item
    target: int  # the group's target in framework.toml
    ceiling: int  # the hardest item of the domain: the test cannot place higher

    @property
    def at_target(self) -> bool:
        return self.level >= self.target


@dataclass(frozen=True)
class PlacedStep:
    step: PathStep
    advice: StepAdvice
    below: tuple[str, ...]  # the step's domains placed below the group's target


@dataclass(frozen=True)
class Placement:
    group: str
    domains: tuple[DomainPlacement, ...]
    steps: tuple[PlacedStep, ...]

    @property
    def start(self) -> PlacedStep | None:
        """The first module to study with care; None when every domain is at target."""
        return next((placed for placed in self.steps if placed.advice == "start_here"), None)


def placement_items(course: Course, kind: TestKind = "pre_test") -> tuple[PlacementItem, ...]:
    """The items of the course's test of `kind` (empty when it has none), in notebook order."""
    modules = {module.id for module in course.modules if module.kind == kind}
    return tuple(
        PlacementItem(e.module, e.grade_id, e.competence, e.difficulty)
        for e in course_exercises(course)
        if e.module in modules and e.competence and e.difficulty is not None and not e.manual
    )


def domain_levels(items: Sequence[PlacementItem], right: Mapping[str, bool]) -> dict[str, int]:
    """Per domain the items cover: the highest difficulty with every item up to it right (0 if none).

    `right` maps grade ids to whether the learner answered right; a missing id counts as wrong."""
    levels: dict[str, int] = {}
    for domain in dict.fromkeys(item.domain for item in items):
        level = 0
        for difficulty in sorted({item.difficulty for item in items if item.domain == domain}):
            tier = [item for item in items if item.domain == domain and item.difficulty == difficulty]
            if not all(right.get(item.grade_id, False) for item in tier):
                break
            level = difficulty
        levels[domain] = level
    return levels


def place(
    course: Course,
    group: str,
    right: Mapping[str, bool],
    *,
    items: Sequence[PlacementItem] | None = None,
    path: LearningPath | None = None,
) -> Placement:
    """Place a learner of `group` from their placement items' results and propose their path."""
    items = placement_items(course) if items is None else items
    path = learning_path(course, group) if path is None else path
    targets = course.framework.group(group).targets
    levels = domain_levels(items, right)
    domains = tuple(
        DomainPlacement(
            domain,
            level,
            int(targets.get(domain, 0)),
            max(item.difficulty for item in items if item.domain == domain),
        )
        for domain, level in levels.items()
    )
    placed = {d.domain: d for d in domains}
    steps = []
    for step in path.steps:
        step_domains = dict.fromkeys(code.split(".")[0] for code in step.competences)
        below = tuple(d for d in step_domains if d not in placed or not placed[d].at_target)
        steps.append(PlacedStep(step, "start_here" if below else "faster", below))
    return Placement(group=group, domains=domains, steps=tuple(steps))


def item_results(scores: pd.DataFrame, learner_id: str, items: Sequence[PlacementItem]) -> dict[str, bool]:
    """One learner's items from the gradebook's scores (`hocso.reports.scores`): right = full points."""
    ids = {item.grade_id for item in items}
    modules = {item.module for item in items}
    mine = scores[
        (scores["learner_id"].astype(str) == str(learner_id))
        & scores["module"].astype(str).isin(modules)
        & scores["grade_id"].astype(str).isin(ids)
    ]
    full = (mine["max_points"] > 0) & (mine["points"] >= mine["max_points"])
    return {str(grade_id): bool(right) for grade_id, right in zip(mine["grade_id"], full, strict=True)}


PLACEMENT_COLUMNS = ("learner_id", "name", "group", "unit", "domain", "level", "target", "at_target", "start")


def placement_table(course: Course, scores: pd.DataFrame, roster: Roster) -> pd.DataFrame:
    """One row per learner who took the placement test x domain: level, target, and where to start."""
    items = placement_items(course)
    if not items or scores.empty:
        return pd.DataFrame(columns=list(PLACEMENT_COLUMNS))
    modules = {item.module for item in items}
    took = set(scores.loc[scores["module"].astype(str).isin(modules), "learner_id"].astype(str))
    every = course_exercises(course)
    paths = {group: learning_path(course, group, every) for group in course.framework.group_ids}
    rows = []
    for learner in roster:
        if str(learner.learner_id) not in took:
            continue
        placement = place(
            course,
            learner.group,
            item_results(scores, learner.learner_id, items),
            items=items,
            path=paths[learner.group],
        )
        start = placement.start.step.module if placement.start else ""
        for domain in placement.domains:
            who = (learner.learner_id, learner.name, learner.group, learner.unit)
            rows.append((*who, domain.domain, domain.level, domain.target, domain.at_target, start))
    return pd.DataFrame(rows, columns=list(PLACEMENT_COLUMNS))
