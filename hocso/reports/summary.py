"""The tables instructors and unit leaders ask for, built from the tidy scores and the profile.

`build_report` is the one entry point: it counts the modules given so far (or those asked for),
narrows to a unit, group and/or module, then derives every table from the same profile so the
numbers agree across CSV, XLSX, HTML and the dashboard. The rules (what is counted, the one target
rule, grades awaiting a person) are in `hocso.reports.levels`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from hocso.config import Course
from hocso.errors import HocsoError
from hocso.paths import learning_path
from hocso.placement import placement_table
from hocso.reports.levels import (
    LevelRule,
    category_codes,
    cell_codes,
    competence_gains,
    competence_profile,
    exercises_in_reach,
    pre_post_gain,
    roster_frame,
)
from hocso.reports.scores import awaiting_mask, exercise_table
from hocso.roster import Roster

__all__ = [
    "CompetenceReport",
    "ReportFilterError",
    "build_report",
    "competence_distribution",
    "exercise_difficulty",
    "given_modules",
    "learner_summary",
]


class ReportFilterError(HocsoError):
    """A --unit, --group or --module names nothing in the roster or course."""


@dataclass(frozen=True)
class CompetenceReport:
    """Every table of one report; `tables()` lists them in the order exports write them."""

    course: Course
    unit: str | None
    group: str | None
    module: str | None
    modules: tuple[str, ...]  # the modules counted: given so far, or those asked for
    profile: pd.DataFrame  # learner x competence (levels.PROFILE_COLUMNS)
    learners: pd.DataFrame  # one row per learner: overall score, modules submitted, competences below target
    by_unit: pd.DataFrame  # unit x competence distribution
    by_group: pd.DataFrame  # group x competence distribution
    below_target: pd.DataFrame  # learner x competence rows under the group's target
    exercises: pd.DataFrame  # graded cells, hardest first
    gains: pd.DataFrame  # pre/post per learner (empty without both tests)
    gains_by_competence: pd.DataFrame  # unit x competence: pre, post, gain (levels.competence_gains)
    placement: pd.DataFrame  # learner x domain from the placement test, and where to start (hocso.placement)
    not_on_roster: int  # learners with grades but no roster line (left out of every table)

    def tables(self) -> dict[str, pd.DataFrame]:
        return {
            "learners": self.learners,
            "profile": self.profile,
            "by_unit": self.by_unit,
            "by_group": self.by_group,
            "below_target": self.below_target,
            "exercises": self.exercises,
            "gains": self.gains,
            "gains_by_competence": self.gains_by_competence,
            "placement": self.placement,
        }


def build_report(
    course: Course,
    scores: pd.DataFrame,
    roster: Roster,
    *,
    unit: str | None = None,
    group: str | None = None,
    module: str | None = None,
    modules: Sequence[str] | None = None,
) -> CompetenceReport:
    """Count the modules given so far (or `modules`, or the one `module`), narrow to the chosen
    unit/group and compute every table of the report."""
    selected = _narrow_roster(roster, unit, group)
    if module is not None:
        modules = [module]
    for module_id in modules or ():
        course.module(module_id)  # raises CourseConfigError naming the known modules
    counted = tuple(modules) if modules is not None else given_modules(course, scores)
    exercises = exercise_table(course)
    exercises = exercises[exercises["module"].isin(counted)]
    ids = set(selected.ids)
    learner_ids = scores["learner_id"].astype(str)
    not_on_roster = int(learner_ids[~learner_ids.isin(set(roster.ids))].nunique())
    scores = scores[learner_ids.isin(ids)]
    rule = LevelRule(course.info.pass_mark)
    profile = competence_profile(course, scores, selected, exercises, rule)
    return CompetenceReport(
        course=course,
        unit=unit,
        group=group,
        module=module,
        modules=counted,
        profile=profile,
        learners=learner_summary(course, scores, selected, exercises, profile),
        by_unit=competence_distribution(profile, "unit"),
        by_group=competence_distribution(profile, "group"),
        below_target=profile.loc[profile["below_target"].astype(bool)]
        .drop(columns=["below_target"])
        .reset_index(drop=True),
        exercises=exercise_difficulty(scores, exercises, rule.pass_mark),
        gains=pre_post_gain(course, scores, selected, exercises),
        gains_by_competence=competence_gains(course, scores, selected, exercises),
        placement=placement_table(course, scores, selected),
        not_on_roster=not_on_roster,
    )


def competence_distribution(profile: pd.DataFrame, by: str) -> pd.DataFrame:
    """Per `by` (unit or group) x competence: learners, score quartiles, mean level and who is below target."""
    columns = [by, "competence", "learners", "mean_score", "q1_score", "median_score", "q3_score"]
    columns += ["mean_level", "below_target", "below_target_share"]
    if profile.empty:
        return pd.DataFrame(columns=columns)
    grouped = profile.groupby([by, "competence"], sort=True)
    table = grouped.agg(
        learners=("learner_id", "size"),
        mean_score=("score", "mean"),
        median_score=("score", "median"),
        mean_level=("level", "mean"),
        below_target=("below_target", "sum"),
    )
    # one vectorised pass, not a lambda per group
    quartiles = grouped["score"].quantile(pd.Index([0.25, 0.75])).unstack()
    table["q1_score"] = quartiles[0.25]
    table["q3_score"] = quartiles[0.75]
    table = table.reset_index()
    table["below_target"] = table["below_target"].astype("int64")
    table["below_target_share"] = table["below_target"] / table["learners"]
    return table[columns]


def given_modules(course: Course, scores: pd.DataFrame) -> tuple[str, ...]:
    """The course's modules with at least one submission in the gradebook, in course order."""
    submitted = set(scores["module"].astype(str).unique())
    return tuple(m.id for m in course.modules if m.id in submitted)


def exercise_difficulty(scores: pd.DataFrame, exercises: pd.DataFrame, pass_mark: float) -> pd.DataFrame:
    """Each graded cell with how many results it has, the mean score and the share that failed it,
    hardest first; `awaiting` counts the grades a person has not given yet (not results, not 0).

    A cell is failed when it earned less than `pass_mark` of its points. A cell with no result yet
    (only awaiting grades) has no fail rate and comes last.
    """
    keys = ["module", "notebook", "grade_id"]
    columns = [*keys, "competence", "max_points", "attempts", "awaiting", "mean_score", "fail_rate"]
    rows = scores.assign(awaiting=awaiting_mask(scores))[[*keys, "points", "max_points", "awaiting"]]
    awaiting = rows["awaiting"].astype(bool)
    fraction = (rows["points"] / rows["max_points"].where(rows["max_points"] > 0)).fillna(0)
    rows = rows.assign(
        fraction=fraction.where(~awaiting),
        failed=(fraction < pass_mark).astype(float).where(~awaiting),  # NaN: no result, skipped by mean
        result=~awaiting,
        awaiting=awaiting,
    )
    # per cell first (a few dozen rows, grouped on the scores' category codes), then the counted cells
    per_cell = rows.groupby(keys, observed=True, sort=False).agg(
        max_points=("max_points", "max"),
        attempts=("result", "sum"),
        awaiting=("awaiting", "sum"),
        mean_score=("fraction", "mean"),
        fail_rate=("failed", "mean"),
    )
    per_cell = per_cell.reset_index().astype({k: str for k in keys})
    per_cell = per_cell.merge(exercises[[*keys, "competence"]].astype({k: str for k in keys}), on=keys)
    per_cell = per_cell[per_cell["competence"].notna()]  # as the report always had: cells of a competence
    if per_cell.empty:
        return pd.DataFrame(columns=columns)
    table = per_cell[
        [*keys, "competence", "max_points", "attempts", "awaiting", "mean_score", "fail_rate"]
    ].sort_values(
        ["fail_rate", "mean_score", *keys],
        ascending=[False, True, True, True, True],
        na_position="last",
        ignore_index=True,
    )
    table[["attempts", "awaiting"]] = table[["attempts", "awaiting"]].astype("int64")
    return table[columns]


def learner_summary(
    course: Course, scores: pd.DataFrame, roster: Roster, exercises: pd.DataFrame, profile: pd.DataFrame
) -> pd.DataFrame:
    """One row per learner: points over the counted modules of their group's edition (grades awaiting
    a person left out of points and max points, shown as `awaiting_points`), modules submitted,
    competences below target."""
    counted = exercises_in_reach(course, exercises[exercises["kind"] != "pre_test"])
    keys = ["module", "notebook", "grade_id"]
    learners = roster_frame(roster)
    # which grades count, by codes: the learner's row, its group, and whether that group's edition holds the cell
    cells = counted[keys].astype(str).drop_duplicates(ignore_index=True)
    groups = list(dict.fromkeys([*course.framework.group_ids, *learners["group"].astype(str)]))
    in_reach = np.zeros((len(cells), len(groups)), dtype=bool)
    in_reach[cell_codes(counted, cells), category_codes(counted["group"], groups)] = True
    learner = category_codes(scores["learner_id"], learners["learner_id"].astype(str))
    cell = cell_codes(scores, cells)
    group_of = category_codes(learners["group"], groups)
    mask = (learner >= 0) & (cell >= 0)
    mask[mask] = in_reach[cell[mask], group_of[learner[mask]]]
    awaiting = awaiting_mask(scores).to_numpy()[mask]
    mine = learner[mask]
    points = np.where(awaiting, 0.0, scores["points"].to_numpy("float64")[mask])
    waiting = np.where(awaiting, scores["max_points"].to_numpy("float64")[mask], 0.0)
    module_ids = list(dict.fromkeys(cells["module"]))
    submitted = np.zeros((len(learners), len(module_ids)), dtype=bool)
    submitted[mine, category_codes(scores["module"], module_ids)[mask]] = True
    has_rows = np.bincount(mine, minlength=len(learners)) > 0
    per_learner = pd.DataFrame(
        {
            "points": np.bincount(mine, weights=points, minlength=len(learners)),
            "awaiting_points": np.bincount(mine, weights=waiting, minlength=len(learners)),
            "modules_submitted": submitted.sum(axis=1),
        },
        index=learners["learner_id"].to_numpy(),
    )[has_rows]
    table = learners.merge(per_learner, left_on="learner_id", right_index=True, how="left")
    table[["points", "awaiting_points"]] = table[["points", "awaiting_points"]].fillna(0.0)
    table["modules_submitted"] = table["modules_submitted"].fillna(0).astype("int64")
    possible = table["group"].map(counted.groupby("group")["max_points"].sum()).fillna(0.0)
    table["max_points"] = possible - table["awaiting_points"]
    table["score"] = (table["points"] / table["max_points"]).where(table["max_points"] > 0, 0.0)
    below = (
        profile.groupby("learner_id")["below_target"].sum() if not profile.empty else pd.Series(dtype="int64")
    )
    table["competences_below_target"] = table["learner_id"].map(below).fillna(0).astype("int64")
    table["path_done"], table["next_module"] = _path_columns(course, scores, table)
    columns = ["learner_id", "name", "group", "unit", "points", "max_points", "awaiting_points", "score"]
    extra = ["modules_submitted", "competences_below_target", "path_done", "next_module"]
    return table[[*columns, *extra]].reset_index(drop=True)


def _path_columns(course: Course, scores: pd.DataFrame, table: pd.DataFrame) -> tuple[list[str], list[str]]:
    """Each learner's place on their group's path (hocso.paths): "done/steps" and the next module id
    ("" when the path is finished or the group has none).

    Who handed in what is one learner x module matrix filled from the scores' codes, so 100,000
    learners' millions of grades cost no Python loop per grade or learner."""
    module_ids = [module.id for module in course.modules]
    learner = category_codes(scores["learner_id"], table["learner_id"].astype(str))
    module = category_codes(scores["module"], module_ids)
    known = (learner >= 0) & (module >= 0)
    handed_in = np.zeros((len(table), len(module_ids)), dtype=bool)
    handed_in[learner[known], module[known]] = True
    done = np.full(len(table), "", dtype=object)
    upcoming = np.full(len(table), "", dtype=object)
    groups = table["group"].astype(str).to_numpy()
    for group in course.framework.group_ids:
        path = learning_path(course, group)
        rows = np.flatnonzero(groups == group)
        if not len(rows):
            continue
        steps = [module_ids.index(step.module) for step in path.steps]
        handed = handed_in[np.ix_(rows, np.asarray(steps, dtype=np.intp))]
        done[rows] = [f"{count}/{len(steps)}" for count in handed.sum(axis=1).tolist()]
        names = np.array([*path.modules, ""], dtype=object)
        still_to_do = ~handed
        first = np.where(still_to_do.any(axis=1), still_to_do.argmax(axis=1) if steps else 0, len(steps))
        upcoming[rows] = names[first]
    return done.tolist(), upcoming.tolist()


def _narrow_roster(roster: Roster, unit: str | None, group: str | None) -> Roster:
    selected = roster
    if unit is not None:
        if unit not in roster.units:
            raise ReportFilterError(
                f"no learner on the roster is in unit {unit!r}; units: {', '.join(roster.units)}"
            )
        selected = selected.in_unit(unit)
    if group is not None:
        if group not in roster.groups:
            known = ", ".join(roster.groups)
            raise ReportFilterError(
                f"no learner on the roster is in group {group!r}; groups on the roster: {known}"
            )
        selected = selected.in_group(group)
    return selected
