"""From points to framework levels: the per-learner competence profile and the pre/post gain.

The score-to-level rule. Every module states, per learner group, the framework level its exercises
are written for (`module.target_levels`, e.g. m04 aims at level 4 for staff and 2 for citizens). A
learner's result on the exercises of one module that assess one competence is read as evidence of
that level:

    score fraction >= pass_mark          -> the module's target level for the learner's group
    pass_mark / 2 <= fraction < pass_mark -> one level below it ("working towards")
    fraction < pass_mark / 2              -> 0: no level evidenced by this module

(`pass_mark` is the course's, 0.6 by default.) A competence's level is the highest level any module
evidences for it, because the framework's levels are cumulative: showing level 4 shows level 3 too.
Its target is the learner group's target for the competence's domain (framework.toml). A module not
submitted evidences nothing and counts 0 of its points. Pre-test modules measure the starting point,
so they count only in the gain, never in the profile.

Consequence worth knowing: when a module's target level for a group is below the group's domain
target, a perfect score still leaves the learner below target; that is the honest reading (the course
does not assess that level) and shows up in the report as a gap in the course, not in the learner.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from hocso.config import Course
from hocso.editions import in_reach
from hocso.roster import Roster

__all__ = ["PROFILE_COLUMNS", "LevelRule", "competence_profile", "pre_post_gain", "roster_frame"]

PROFILE_COLUMNS: tuple[str, ...] = (
    "learner_id",
    "name",
    "group",
    "unit",
    "competence",
    "points",
    "max_points",
    "score",
    "level",
    "target",
    "gap",
    "below_target",
)


@dataclass(frozen=True)
class LevelRule:
    """The score-to-level rule above, with the course's pass mark."""

    pass_mark: float = 0.6

    def level(self, fraction: float, module_target: int) -> int:
        """The level one module's exercises evidence for one competence."""
        return int(self.levels(np.array([fraction]), np.array([module_target]))[0])

    def levels(self, fractions: np.ndarray, module_targets: np.ndarray) -> np.ndarray:
        return np.select(
            [fractions >= self.pass_mark, fractions >= self.pass_mark / 2],
            [module_targets, np.maximum(module_targets - 1, 0)],
            default=0,
        ).astype("int64")


def roster_frame(roster: Roster) -> pd.DataFrame:
    return pd.DataFrame(
        [(r.learner_id, r.name, r.group, r.unit) for r in roster],
        columns=["learner_id", "name", "group", "unit"],
    )


def competence_profile(
    course: Course,
    scores: pd.DataFrame,
    roster: Roster,
    exercises: pd.DataFrame,
    rule: LevelRule | None = None,
) -> pd.DataFrame:
    """One row per rostered learner x competence the course assesses: PROFILE_COLUMNS.

    `exercises` is `scores.exercise_table(course)`, possibly narrowed (to one module, say).
    """
    rule = rule or LevelRule(course.info.pass_mark)
    graded = exercises[(exercises["kind"] != "pre_test") & exercises["competence"].notna()]
    # each learner is measured on the exercises of their group's edition (hocso.editions)
    reach = exercises_in_reach(course, graded)
    parts = reach.groupby(["group", "module", "competence"], as_index=False)["max_points"].sum()
    learners = roster_frame(roster)
    if parts.empty or learners.empty:
        return pd.DataFrame(columns=list(PROFILE_COLUMNS))

    earned = _points_per_part(scores, graded)
    grid = learners.merge(parts, on="group")
    grid = grid.merge(earned, on=["learner_id", "module", "competence"], how="left")
    grid["points"] = grid["points"].fillna(0.0)
    module_target = _lookup(grid, ["module", "group"], _module_targets(course))
    fraction = np.divide(
        grid["points"], grid["max_points"], out=np.zeros(len(grid)), where=grid["max_points"] > 0
    )
    grid["level"] = rule.levels(fraction, module_target)

    profile = grid.groupby(["learner_id", "competence"], as_index=False, sort=False).agg(
        points=("points", "sum"), max_points=("max_points", "sum"), level=("level", "max")
    )
    profile = learners.merge(profile, on="learner_id")
    profile["score"] = profile["points"] / profile["max_points"]
    profile["target"] = _lookup(
        profile.assign(domain=profile["competence"].str.split(".").str[0]),
        ["group", "domain"],
        _group_targets(course),
    )
    profile["gap"] = (profile["target"] - profile["level"]).clip(lower=0)
    profile["below_target"] = profile["level"] < profile["target"]
    return profile[list(PROFILE_COLUMNS)].sort_values(["learner_id", "competence"], ignore_index=True)


def pre_post_gain(
    course: Course, scores: pd.DataFrame, roster: Roster, exercises: pd.DataFrame
) -> pd.DataFrame:
    """Per learner who took both: pre and post score fractions, gain = post - pre, and normalised gain.

    Normalised gain (Hake) is gain / (1 - pre): the share of what there was left to learn that was
    learnt, so a strong starter is not punished for a small raw gain. Empty when the course lacks
    a pre-test or a post-test module.
    """
    columns = ["learner_id", "name", "group", "unit", "pre", "post", "gain", "normalized_gain"]
    kinds = exercises.groupby("kind")["max_points"].sum()
    if not {"pre_test", "post_test"} <= set(kinds.index):
        return pd.DataFrame(columns=columns)
    modules = {m.id: m.kind for m in course.modules if m.kind in ("pre_test", "post_test")}
    taken = scores[scores["module"].isin(list(modules))]
    per_kind = (
        taken.assign(kind=taken["module"].astype(str).map(modules))
        .groupby(["learner_id", "kind"], observed=True)["points"]
        .sum()
        .unstack("kind")
        .reindex(columns=["pre_test", "post_test"])  # early in a course nobody has taken the post-test yet
        .dropna()
    )
    if per_kind.empty:
        return pd.DataFrame(columns=columns)
    gains = pd.DataFrame(
        {
            "pre": per_kind["pre_test"] / kinds["pre_test"],
            "post": per_kind["post_test"] / kinds["post_test"],
        }
    )
    gains["gain"] = gains["post"] - gains["pre"]
    headroom = 1 - gains["pre"]
    gains["normalized_gain"] = (gains["gain"] / headroom).where(headroom > 0)
    gains.index = gains.index.astype(str)
    table = roster_frame(roster).merge(gains, left_on="learner_id", right_index=True)
    return table[columns].sort_values("learner_id", ignore_index=True)


def exercises_in_reach(course: Course, exercises: pd.DataFrame) -> pd.DataFrame:
    """`exercises` once per learner group, keeping the cells that group's edition holds (a `group` column)."""
    targets = _module_targets(course)
    frames = []
    for group in course.framework.group_ids:
        keep = [
            in_reach(None if pd.isna(level) else int(level), int(targets.get((module, group), 8)))
            for module, level in zip(exercises["module"], exercises["level"], strict=True)
        ]
        frames.append(exercises[keep].assign(group=group))
    return pd.concat(frames, ignore_index=True) if frames else exercises.assign(group=pd.Series(dtype=str))


def _points_per_part(scores: pd.DataFrame, graded: pd.DataFrame) -> pd.DataFrame:
    keys = ["module", "notebook", "grade_id"]
    known = graded[keys].astype(str)
    subset = scores[[*keys, "learner_id", "points", "competence"]].astype(
        {"module": str, "notebook": str, "grade_id": str, "learner_id": str, "competence": "object"}
    )
    subset = subset.merge(known, on=keys)  # only cells the (narrowed) course counts
    return subset.groupby(["learner_id", "module", "competence"], as_index=False)["points"].sum()


def _module_targets(course: Course) -> pd.Series:
    return pd.Series(
        {(m.id, group): level for m in course.modules for group, level in m.target_levels.items()},
        dtype="int64",
    )


def _group_targets(course: Course) -> pd.Series:
    return pd.Series(
        {(g.id, domain): level for g in course.framework.groups for domain, level in g.targets.items()},
        dtype="int64",
    )


def _lookup(frame: pd.DataFrame, keys: list[str], table: pd.Series) -> np.ndarray:
    index = pd.MultiIndex.from_frame(frame[keys].astype(str))
    return table.reindex(index).fillna(0).astype("int64").to_numpy()
