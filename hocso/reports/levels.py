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
A module not submitted evidences nothing and counts 0 of its points. Pre-test modules measure the
starting point, so they count only in the gain, never in the profile.

What is counted. A report covers the modules given so far (those with at least one submission in
the gradebook), or the ones the caller names (`--modules`, `--module`); modules not given yet are
not counted at all, neither their points nor their competences. A grade that waits for a person
(a manual answer nobody graded yet) is no result: it is left out of points and max points and
shown as `awaiting_points`, never as 0.

Targets, one rule. A competence's `target` is always the framework's: the learner group's target
for the competence's domain (framework.toml), and `gap` is the distance from it. The modules
counted can evidence at most `assessed_to`, the highest of their target levels for the group in
that competence. A learner is `below_target` when their level is under what was asked of them up
to the framework's target: `level < min(target, assessed_to)`. When `assessed_to < target`
(`target_assessed` false) the course has not yet asked for the framework's level: that is a gap in
what was given (the report says "not yet assessed up to the target"), not a learner's shortfall.
So with only m04 counted (leaders' level 4, the framework's 5), a leader with full marks is at
level 4, not below target, with a gap of 1 to the framework's target not yet assessed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from hocso.config import Course
from hocso.editions import in_reach
from hocso.reports.scores import awaiting_mask
from hocso.roster import Roster

__all__ = [
    "PROFILE_COLUMNS",
    "LevelRule",
    "category_codes",
    "cell_codes",
    "competence_gains",
    "competence_profile",
    "pre_post_gain",
    "roster_frame",
]

PROFILE_COLUMNS: tuple[str, ...] = (
    "learner_id",
    "name",
    "group",
    "unit",
    "competence",
    "points",
    "max_points",
    "awaiting_points",
    "score",
    "level",
    "target",
    "assessed_to",
    "target_assessed",
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


def category_codes(values: pd.Series, categories: Iterable[str]) -> np.ndarray:
    """Each value's position in `categories` (-1 when absent), from a categorical's codes when it is one
    (`load_scores` and the centre's scores are), so millions of rows are not compared as strings."""
    if isinstance(values.dtype, pd.CategoricalDtype) and values.cat.categories.inferred_type == "string":
        return np.asarray(pd.Categorical(values, categories=list(categories)).codes, dtype="int64")
    return np.asarray(pd.Categorical(values.astype(str), categories=list(categories)).codes, dtype="int64")


def cell_codes(frame: pd.DataFrame, cells: pd.DataFrame) -> np.ndarray:
    """Each row's position in `cells` (unique module, notebook, grade_id rows; -1 when absent), from
    category codes, so a table of millions of grades is matched to a few dozen cells without strings."""
    keys = ["module", "notebook", "grade_id"]
    row_key = np.zeros(len(frame), dtype="int64")
    cell_key = np.zeros(len(cells), dtype="int64")
    found = np.ones(len(frame), dtype=bool)
    size = 1
    for key in keys:
        values = list(dict.fromkeys(cells[key].astype(str)))
        codes = category_codes(frame[key], values)
        found &= codes >= 0
        row_key = row_key * len(values) + codes
        cell_key = cell_key * len(values) + category_codes(cells[key], values)
        size *= len(values)
    lookup = np.full(size, -1, dtype="int64")
    lookup[cell_key] = np.arange(len(cells))
    positions = np.full(len(frame), -1, dtype="int64")
    positions[found] = lookup[row_key[found]]
    return positions


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
    """One row per rostered learner x competence the counted modules assess: PROFILE_COLUMNS.

    `exercises` is `scores.exercise_table(course)` narrowed to the modules counted.
    """
    rule = rule or LevelRule(course.info.pass_mark)
    graded = exercises[(exercises["kind"] != "pre_test") & exercises["competence"].notna()]
    # each learner is measured on the exercises of their group's edition (hocso.editions)
    reach = exercises_in_reach(course, graded)
    parts = reach.groupby(["group", "module", "competence"], as_index=False)["max_points"].sum()
    learners = roster_frame(roster)
    if parts.empty or learners.empty:
        return pd.DataFrame(columns=list(PROFILE_COLUMNS))

    keys = ["learner_id", "module", "competence"]
    grid = learners.merge(parts, on="group")
    grid = grid.merge(_points_per_part(scores, graded), on=keys, how="left")
    grid[["points", "awaiting_points"]] = grid[["points", "awaiting_points"]].fillna(0.0)
    grid["max_points"] = grid["max_points"] - grid["awaiting_points"]  # what a person still grades
    module_target = _lookup(grid, ["module", "group"], _module_targets(course))
    has_result = grid["max_points"].to_numpy() > 0
    fraction = np.divide(grid["points"], grid["max_points"], out=np.zeros(len(grid)), where=has_result)
    grid["level"] = rule.levels(fraction, module_target)
    grid["assessed_to"] = np.where(has_result, module_target, 0)

    profile = grid.groupby(["learner_id", "competence"], as_index=False, sort=False).agg(
        points=("points", "sum"),
        max_points=("max_points", "sum"),
        awaiting_points=("awaiting_points", "sum"),
        level=("level", "max"),
        assessed_to=("assessed_to", "max"),
    )
    profile = learners.merge(profile, on="learner_id")
    profile["score"] = (profile["points"] / profile["max_points"]).where(profile["max_points"] > 0)
    profile["target"] = _lookup(
        profile.assign(domain=profile["competence"].str.split(".").str[0]),
        ["group", "domain"],
        _group_targets(course),
    )
    profile["target_assessed"] = profile["assessed_to"] >= profile["target"]
    profile["gap"] = (profile["target"] - profile["level"]).clip(lower=0)
    profile["below_target"] = profile["level"] < np.minimum(profile["target"], profile["assessed_to"])
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


GAIN_COLUMNS = ("unit", "competence", "learners", "pre", "post", "gain")


def competence_gains(
    course: Course, scores: pd.DataFrame, roster: Roster, exercises: pd.DataFrame
) -> pd.DataFrame:
    """Per unit x competence the pre- and post-test both assess: learners who took both tests, their
    mean pre and post score fractions on that competence's items, and the mean gain (post - pre).

    The two forms are parallel (hocso.placement), so a competence's items weigh the same in each.
    Empty when the course lacks either test or nobody took both.
    """
    tests = exercises[exercises["kind"].isin(["pre_test", "post_test"]) & exercises["competence"].notna()]
    if tests.empty or set(tests["kind"]) != {"pre_test", "post_test"}:
        return pd.DataFrame(columns=list(GAIN_COLUMNS))
    keys = ["module", "grade_id"]
    kinds = tests.assign(module=tests["module"].astype(str), grade_id=tests["grade_id"].astype(str))
    kinds = kinds[[*keys, "kind", "competence", "max_points"]]
    taken = scores[scores["module"].astype(str).isin(set(kinds["module"]))]
    taken = taken.assign(
        module=taken["module"].astype(str),
        grade_id=taken["grade_id"].astype(str),
        learner_id=taken["learner_id"].astype(str),
    )
    taken = taken[["learner_id", *keys, "points"]].merge(kinds, on=keys)
    sums = taken.groupby(["learner_id", "competence", "kind"], observed=True)["points"].sum().unstack("kind")
    sums = sums.reindex(columns=["pre_test", "post_test"])
    both = set(taken.loc[taken["kind"] == "pre_test", "learner_id"]) & set(
        taken.loc[taken["kind"] == "post_test", "learner_id"]
    )
    maxima = kinds.groupby(["competence", "kind"])["max_points"].sum().unstack("kind")
    sums = sums[sums.index.get_level_values("learner_id").isin(both)].fillna(0.0)
    if sums.empty:
        return pd.DataFrame(columns=list(GAIN_COLUMNS))
    competences = sums.index.get_level_values("competence")
    per_learner = pd.DataFrame(
        {
            "pre": sums["pre_test"].to_numpy() / maxima["pre_test"].reindex(competences).to_numpy(),
            "post": sums["post_test"].to_numpy() / maxima["post_test"].reindex(competences).to_numpy(),
        },
        index=sums.index,
    ).reset_index()
    per_learner["gain"] = per_learner["post"] - per_learner["pre"]
    per_learner = roster_frame(roster).merge(per_learner, on="learner_id")
    table = per_learner.groupby(["unit", "competence"], as_index=False).agg(
        learners=("learner_id", "size"), pre=("pre", "mean"), post=("post", "mean"), gain=("gain", "mean")
    )
    order = {code: index for index, code in enumerate(course.framework.competences)}
    table = table.sort_values(
        ["unit", "competence"], key=lambda c: c.map(order) if c.name == "competence" else c
    )
    return table[list(GAIN_COLUMNS)].reset_index(drop=True)


def exercises_in_reach(course: Course, exercises: pd.DataFrame) -> pd.DataFrame:
    """`exercises` once per learner group, keeping the cells that group's edition holds (a `group` column)."""
    targets = _module_targets(course)
    frames = []
    for group in course.framework.group_ids:
        keep = [
            in_reach(None if pd.isna(level) else int(level), int(targets.get((module, group), 8)))
            for module, level in zip(exercises["module"], exercises["level"], strict=True)
        ]
        frames.append(exercises[np.array(keep, dtype=bool)].assign(group=group))  # [] would pick columns
    return pd.concat(frames, ignore_index=True) if frames else exercises.assign(group=pd.Series(dtype=str))


def _points_per_part(scores: pd.DataFrame, graded: pd.DataFrame) -> pd.DataFrame:
    """Per learner x module x competence: points earned, and max points of grades awaiting a person."""
    keys = ["module", "notebook", "grade_id"]
    known = graded[keys].astype(str)
    subset = scores.assign(awaiting=awaiting_mask(scores))[
        [*keys, "learner_id", "points", "max_points", "awaiting", "competence"]
    ].astype({"module": str, "notebook": str, "grade_id": str, "learner_id": str, "competence": "object"})
    subset = subset.merge(known, on=keys)  # only cells the (narrowed) course counts
    awaiting = subset["awaiting"].astype(bool)
    subset = subset.assign(
        points=subset["points"].where(~awaiting, 0.0),
        awaiting_points=subset["max_points"].where(awaiting, 0.0),
    )
    return subset.groupby(["learner_id", "module", "competence"], as_index=False)[
        ["points", "awaiting_points"]
    ].sum()


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
