"""A second, deliberately naive reading of the gradebook and the level rule, written without hocso.reports.

The tests compare hocso's tables against this: raw tables joined in pandas (not hocso's SQL),
competences read from the notebook JSON by hand, and the level rule as plain if-statements.
"""

from __future__ import annotations

import json
import sqlite3

import pandas as pd

from hocso.config import Course


def raw_scores(course: Course, gradebook_url: str) -> pd.DataFrame:
    with sqlite3.connect(gradebook_url.removeprefix("sqlite:///")) as db:
        t = {
            name: pd.read_sql_query(f"SELECT * FROM {name}", db)
            for name in (
                "grade",
                "submitted_notebook",
                "submitted_assignment",
                "assignment",
                "notebook",
                "base_cell",
                "grade_cells",
            )
        }
    g = t["grade"].rename(columns={"id": "grade_pk"})
    manual, auto = g["manual_score"].astype(float), g["auto_score"].astype(float)
    g["points"] = manual.where(manual.notna(), auto).fillna(0) + g["extra_credit"].astype(float).fillna(0)
    g["awaiting"] = g["needs_manual_grade"].astype(bool) & manual.isna()
    sn = t["submitted_notebook"].rename(
        columns={"id": "sn_id", "assignment_id": "sa_id", "notebook_id": "nb_id"}
    )
    sa = t["submitted_assignment"].rename(columns={"id": "sa_id", "assignment_id": "a_id"})
    a = t["assignment"][["id", "name"]].rename(columns={"id": "a_id", "name": "module"})
    nb = t["notebook"][["id", "name"]].rename(columns={"id": "nb_id", "name": "notebook"})
    cell = t["base_cell"][["id", "name"]].rename(columns={"id": "cell_id", "name": "grade_id"})
    gc = t["grade_cells"][["id", "max_score"]].rename(columns={"id": "cell_id", "max_score": "max_points"})
    rows = (
        g.merge(sn, left_on="notebook_id", right_on="sn_id")
        .merge(sa, on="sa_id")
        .merge(a, on="a_id")
        .merge(nb, on="nb_id")
        .merge(cell, on="cell_id")
        .merge(gc, on="cell_id")
    )
    rows = rows.rename(columns={"student_id": "learner_id"})
    competences = {}
    for module in course.modules:
        for path in course.notebook_paths(module):
            for c in json.loads(path.read_text(encoding="utf-8"))["cells"]:
                meta = c["metadata"]
                if meta.get("nbgrader", {}).get("grade"):
                    competences[(module.id, path.stem, meta["nbgrader"]["grade_id"])] = meta["hocso"][
                        "competence"
                    ]
    rows["competence"] = [
        competences[k] for k in zip(rows["module"], rows["notebook"], rows["grade_id"], strict=True)
    ]
    return rows[
        ["learner_id", "module", "notebook", "grade_id", "points", "max_points", "competence", "awaiting"]
    ]


def level_for(fraction: float, module_target: int, pass_mark: float) -> int:
    if fraction >= pass_mark:
        return module_target
    if fraction >= pass_mark / 2:
        return module_target - 1
    return 0


def expected_profile(
    course: Course, raw: pd.DataFrame, roster: pd.DataFrame, modules: set[str] | None = None
) -> pd.DataFrame:
    """learner x competence over `modules` (default: every module someone submitted), loops, not
    vectorised: points, max_points and awaiting_points (grades waiting for a person are no result),
    score, level, target (the framework's), assessed_to (the highest module target with a result),
    target_assessed, below_target = level < min(target, assessed_to)."""
    kinds = {m.id: m.kind for m in course.modules}
    module_targets = {m.id: m.target_levels for m in course.modules}
    counted = set(raw["module"]) if modules is None else modules
    cells = {}  # (module, competence) -> max points, from the notebooks
    for module in course.modules:
        if module.kind == "pre_test" or module.id not in counted:
            continue
        for path in course.notebook_paths(module):
            for c in json.loads(path.read_text(encoding="utf-8"))["cells"]:
                nbg = c["metadata"].get("nbgrader", {})
                if nbg.get("grade"):
                    key = (module.id, c["metadata"]["hocso"]["competence"])
                    cells[key] = cells.get(key, 0.0) + float(nbg["points"])
    earned: dict[tuple[str, str, str], float] = {}
    waiting: dict[tuple[str, str, str], float] = {}
    for row in raw.itertuples():
        if kinds[row.module] == "pre_test":
            continue
        key = (row.learner_id, row.module, row.competence)
        if row.awaiting:
            waiting[key] = waiting.get(key, 0.0) + row.max_points
        else:
            earned[key] = earned.get(key, 0.0) + row.points
    records = []
    for learner in roster.itertuples():
        by_competence: dict[str, list[float]] = {}
        for (module, competence), possible in cells.items():
            key = (learner.learner_id, module, competence)
            points, pending = earned.get(key, 0.0), waiting.get(key, 0.0)
            max_points = possible - pending
            module_target = module_targets[module][learner.group]
            level = level_for(points / max_points, module_target, course.info.pass_mark) if max_points else 0
            entry = by_competence.setdefault(competence, [0.0, 0.0, 0.0, 0, 0])
            entry[0] += points
            entry[1] += max_points
            entry[2] += pending
            entry[3] = max(entry[3], level)
            if max_points:
                entry[4] = max(entry[4], module_target)
        for competence, (points, max_points, pending, level, assessed_to) in by_competence.items():
            target = course.framework.group(learner.group).targets[competence.split(".")[0]]
            records.append(
                (
                    learner.learner_id,
                    learner.group,
                    learner.unit,
                    competence,
                    points,
                    max_points,
                    pending,
                    points / max_points if max_points else float("nan"),
                    level,
                    target,
                    assessed_to,
                    assessed_to >= target,
                    level < min(target, assessed_to),
                )
            )
    columns = [
        "learner_id",
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
        "below_target",
    ]
    return pd.DataFrame(records, columns=columns).sort_values(["learner_id", "competence"], ignore_index=True)
