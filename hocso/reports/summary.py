"""The tables instructors and unit leaders ask for, built from the tidy scores and the profile.

`build_report` is the one entry point: it narrows to a unit, group and/or module, then derives every
table from the same profile so the numbers agree across CSV, XLSX, HTML and the dashboard.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from hocso.config import Course
from hocso.errors import HocsoError
from hocso.paths import learning_path, path_progress
from hocso.reports.levels import (
    LevelRule,
    competence_profile,
    exercises_in_reach,
    pre_post_gain,
    roster_frame,
)
from hocso.reports.scores import exercise_table
from hocso.roster import Roster

__all__ = [
    "CompetenceReport",
    "ReportFilterError",
    "build_report",
    "competence_distribution",
    "exercise_difficulty",
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
    profile: pd.DataFrame  # learner x competence (levels.PROFILE_COLUMNS)
    learners: pd.DataFrame  # one row per learner: overall score, modules submitted, competences below target
    by_unit: pd.DataFrame  # unit x competence distribution
    by_group: pd.DataFrame  # group x competence distribution
    below_target: pd.DataFrame  # learner x competence rows under the group's target
    exercises: pd.DataFrame  # graded cells, hardest first
    gains: pd.DataFrame  # pre/post per learner (empty without both tests)
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
        }


def build_report(
    course: Course,
    scores: pd.DataFrame,
    roster: Roster,
    *,
    unit: str | None = None,
    group: str | None = None,
    module: str | None = None,
) -> CompetenceReport:
    """Narrow to the chosen unit/group/module and compute every table of the report."""
    selected = _narrow_roster(roster, unit, group)
    exercises = exercise_table(course)
    if module is not None:
        course.module(module)  # raises CourseConfigError naming the known modules
        exercises = exercises[exercises["module"] == module]
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
        profile=profile,
        learners=learner_summary(course, scores, selected, exercises, profile),
        by_unit=competence_distribution(profile, "unit"),
        by_group=competence_distribution(profile, "group"),
        below_target=profile[profile["below_target"]].drop(columns=["below_target"]).reset_index(drop=True),
        exercises=exercise_difficulty(scores, exercises, rule.pass_mark),
        gains=pre_post_gain(course, scores, selected, exercises),
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
    quartiles = (
        grouped["score"].quantile([0.25, 0.75]).unstack()
    )  # one vectorised pass, not a lambda per group
    table["q1_score"] = quartiles[0.25]
    table["q3_score"] = quartiles[0.75]
    table = table.reset_index()
    table["below_target"] = table["below_target"].astype("int64")
    table["below_target_share"] = table["below_target"] / table["learners"]
    return table[columns]


def exercise_difficulty(scores: pd.DataFrame, exercises: pd.DataFrame, pass_mark: float) -> pd.DataFrame:
    """Each graded cell with how many submitted it, the mean score and the share that failed it, hardest first.

    A cell is failed when it earned less than `pass_mark` of its points.
    """
    keys = ["module", "notebook", "grade_id"]
    columns = [*keys, "competence", "max_points", "attempts", "mean_score", "fail_rate"]
    rows = scores[[*keys, "points", "max_points"]].astype({k: str for k in keys})
    rows = rows.merge(exercises[[*keys, "competence"]], on=keys)
    if rows.empty:
        return pd.DataFrame(columns=columns)
    fraction = rows["points"] / rows["max_points"].where(rows["max_points"] > 0)
    rows = rows.assign(fraction=fraction.fillna(0), failed=fraction.fillna(0) < pass_mark)
    table = (
        rows.groupby([*keys, "competence"], as_index=False)
        .agg(
            max_points=("max_points", "max"),
            attempts=("points", "size"),
            mean_score=("fraction", "mean"),
            fail_rate=("failed", "mean"),
        )
        .sort_values(
            ["fail_rate", "mean_score", *keys], ascending=[False, True, True, True, True], ignore_index=True
        )
    )
    return table[columns]


def learner_summary(
    course: Course, scores: pd.DataFrame, roster: Roster, exercises: pd.DataFrame, profile: pd.DataFrame
) -> pd.DataFrame:
    """One row per learner: points over the counted modules of their group's edition, modules
    submitted, competences below target."""
    counted = exercises_in_reach(course, exercises[exercises["kind"] != "pre_test"])
    keys = ["module", "notebook", "grade_id"]
    learners = roster_frame(roster)
    rows = scores[["learner_id", *keys, "points"]].astype({"learner_id": str, **{k: str for k in keys}})
    rows = rows.merge(learners[["learner_id", "group"]], on="learner_id")
    rows = rows.merge(counted[[*keys, "group"]], on=[*keys, "group"])
    per_learner = rows.groupby("learner_id").agg(
        points=("points", "sum"), modules_submitted=("module", "nunique")
    )
    table = learners.merge(per_learner, left_on="learner_id", right_index=True, how="left")
    table["points"] = table["points"].fillna(0.0)
    table["modules_submitted"] = table["modules_submitted"].fillna(0).astype("int64")
    table["max_points"] = table["group"].map(counted.groupby("group")["max_points"].sum()).fillna(0.0)
    table["score"] = (table["points"] / table["max_points"]).where(table["max_points"] > 0, 0.0)
    below = (
        profile.groupby("learner_id")["below_target"].sum() if not profile.empty else pd.Series(dtype="int64")
    )
    table["competences_below_target"] = table["learner_id"].map(below).fillna(0).astype("int64")
    table["path_done"], table["next_module"] = _path_columns(course, scores, table)
    columns = ["learner_id", "name", "group", "unit", "points", "max_points", "score", "modules_submitted"]
    return table[[*columns, "competences_below_target", "path_done", "next_module"]].reset_index(drop=True)


def _path_columns(course: Course, scores: pd.DataFrame, table: pd.DataFrame) -> tuple[list[str], list[str]]:
    """Each learner's place on their group's path (hocso.paths): "done/steps" and the next module id
    ("" when the path is finished or the group has none)."""
    paths = {group: learning_path(course, group) for group in course.framework.group_ids}
    handed_in: dict[str, set[str]] = {}
    for learner, module in zip(scores["learner_id"].astype(str), scores["module"].astype(str), strict=True):
        handed_in.setdefault(learner, set()).add(module)
    done, upcoming = [], []
    for learner, group in zip(table["learner_id"], table["group"], strict=True):
        path = paths.get(str(group))
        progress = path_progress(path, handed_in.get(str(learner), set())) if path is not None else None
        done.append(f"{len(progress.done)}/{len(path.steps)}" if progress is not None and path else "")
        upcoming.append(progress.next.module if progress is not None and progress.next else "")
    return done, upcoming


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
