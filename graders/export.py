"""Export points per learner: one column per exercise (grade cell) and one per competence."""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

from nbgrader.api import Gradebook

from hocso.config import Course, gradebook_url
from hocso.nbgrader_compat import use_in_process_alembic
from hocso.notebook_meta import course_exercises

use_in_process_alembic()  # nbgrader's Gradebook() must not need the `alembic` command on PATH


def export_scores(course: Course, target: Path) -> int:
    """Write the CSV and return how many learners it has; competences come from cell metadata."""
    exercises = course_exercises(course)
    competence_of = {(e.module, e.notebook, e.grade_id): e.competence or "" for e in exercises}
    columns = [f"{e.module}/{e.notebook}/{e.grade_id}" for e in exercises]
    competences = sorted({c for c in competence_of.values() if c})
    rows: list[dict[str, object]] = []
    with Gradebook(gradebook_url(course)) as gb:
        for student in gb.students:
            row: dict[str, object] = {"learner_id": student.id}
            per_competence: dict[str, float] = defaultdict(float)
            total = 0.0
            for submission in student.submissions:
                for notebook in submission.notebooks:
                    for grade in notebook.grades:
                        key = (submission.assignment.name, notebook.name, grade.name)
                        score = float(grade.score or 0)
                        row["/".join(key)] = score
                        total += score
                        if competence_of.get(key):
                            per_competence[competence_of[key]] += score
            for competence in competences:
                row[f"competence {competence}"] = per_competence.get(competence, 0.0)
            row["total"] = total
            rows.append(row)
    fields = ["learner_id", *columns, *(f"competence {c}" for c in competences), "total"]
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, extrasaction="ignore", restval="")
        writer.writeheader()
        writer.writerows(rows)
    return len(rows)
