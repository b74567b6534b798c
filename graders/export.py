"""Export points per learner: a status per module, one column per exercise (grade cell), one per
competence, and the total.

The status column tells apart what a bare 0 would hide (in the course language):

    graded                    every automatic grade is in (a stop such as a timeout is named after it)
    failed: <reason>          the submission could not be graded or tampered with its grading; its
                              exercise cells are left empty, not 0.0, and count in no total
    missing                   nothing was collected for this module (a roster learner who sent nothing)
    awaiting manual grading   graded, with items a person still has to grade (left empty until then)
    collected, not graded     collected after the last autograde

Rows are the gradebook's learners and, with a roster, everyone on it.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry

from hocso.config import Course, course_runtime_dir, open_gradebook_database
from hocso.graders.done_marker import read_record
from hocso.i18n import t
from hocso.nbgrader_compat import use_in_process_alembic
from hocso.notebook_meta import course_exercises
from hocso.roster import Roster

use_in_process_alembic()  # nbgrader's Gradebook() must not need the `alembic` command on PATH

__all__ = ["export_scores", "module_status"]


def module_status(course: Course, gb: Gradebook, learner: str, module: str) -> tuple[str, bool]:
    """The status text of `learner`'s `module` and whether its scores stand (are exported)."""
    runtime = course_runtime_dir(course)
    record = read_record(runtime / "autograded" / learner / module)
    try:
        submission = gb.find_submission(module, learner)
    except MissingEntry:
        submission = None
    if record is None:
        if (runtime / "submitted" / learner / module).is_dir():
            return t("graders.export.status_not_graded"), False
        if submission is None:
            return t("graders.export.status_missing"), False
    elif not record.scored:
        return t("graders.export.status_failed", reason=record.reason), False
    manual = submission is not None and any(
        grade.needs_manual_grade and grade.manual_score is None
        for notebook in submission.notebooks
        for grade in notebook.grades
    )
    if manual:
        return t("graders.export.status_manual"), True
    if record is not None and record.reason:
        return t("graders.export.status_graded_with", reason=record.reason), True
    return t("graders.export.status_graded"), True


def export_scores(course: Course, target: Path, roster: Roster | None = None) -> int:
    """Write the CSV and return how many learners it has; competences come from cell metadata."""
    exercises = course_exercises(course)
    competence_of = {(e.module, e.notebook, e.grade_id): e.competence or "" for e in exercises}
    columns = [f"{e.module}/{e.notebook}/{e.grade_id}" for e in exercises]
    competences = sorted({c for c in competence_of.values() if c})
    rows: list[dict[str, object]] = []
    with Gradebook(open_gradebook_database(course)) as gb:
        modules = [m.id for m in course.modules if m.id in {a.name for a in gb.assignments}]
        learners = [s.id for s in gb.students]
        learners += [i for i in (roster.ids if roster else ()) if i not in learners]
        for learner in learners:
            row: dict[str, object] = {"learner_id": learner}
            per_competence: dict[str, float] = defaultdict(float)
            total = 0.0
            for module in modules:
                row[f"{module} status"], scored = module_status(course, gb, learner, module)
                if not scored:
                    continue
                for notebook in gb.find_submission(module, learner).notebooks:
                    for grade in notebook.grades:
                        if grade.needs_manual_grade and grade.manual_score is None:
                            continue  # waits for a person: empty, not a zero
                        key = (module, notebook.name, grade.name)
                        score = float(grade.score or 0)
                        row["/".join(key)] = score
                        total += score
                        if competence_of.get(key):
                            per_competence[competence_of[key]] += score
            for competence in competences:
                row[f"competence {competence}"] = per_competence.get(competence, 0.0)
            row["total"] = total
            rows.append(row)
    fields = [
        "learner_id",
        *(f"{m} status" for m in modules),
        *columns,
        *(f"competence {c}" for c in competences),
        "total",
    ]
    target.parent.mkdir(parents=True, exist_ok=True)
    # with a byte-order mark, as the reports' CSVs: Excel (what most instructors open it with) reads
    # a CSV without one in the system code page and garbles the Vietnamese statuses and names
    with target.open("w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, extrasaction="ignore", restval="")
        writer.writeheader()
        writer.writerows(rows)
    return len(rows)
