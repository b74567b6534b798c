"""A reproducible synthetic course, roster and nbgrader gradebook, for tests, benchmarks and demos.

Real course notebooks are still being written and real learners' grades are personal data, so the
reports are exercised against a generated cohort instead. The gradebook is a real nbgrader database:
its schema, assignments, notebooks and grade cells are created through `nbgrader.api.Gradebook`; the
bulk of learners, submissions and grades is inserted into those same tables with plain SQL, because
one ORM round trip per grade would take minutes for 10,000 learners. Tests read a sample of it back
through `Gradebook` to prove nbgrader agrees.
"""

from __future__ import annotations

import shutil
import sqlite3
import uuid
from dataclasses import dataclass
from pathlib import Path

import nbformat
import numpy as np
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from hocso.config import Course, load_course
from hocso.roster import Roster, load_roster

__all__ = ["SyntheticCohort", "build_synthetic_cohort"]

FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ")
MIDDLE = ("Văn", "Thị", "Minh", "Quang", "Thu", "Đức", "Ngọc", "Hữu")
GIVEN = ("An", "Bình", "Châu", "Dũng", "Hà", "Hương", "Khoa", "Lan", "Mai", "Nam", "Phúc", "Quyên", "Sơn")
# how well each group does on average (a fraction of the points): leaders and technical staff do better
GROUP_ABILITY = {"leaders": 0.72, "staff": 0.66, "technical": 0.8, "soldiers": 0.6, "citizens": 0.5}
CELL_POINTS = (3.0, 2.0, 3.0, 2.0)  # per module: three autograded test cells and one manual answer


@dataclass(frozen=True)
class SyntheticCohort:
    course: Course
    roster_path: Path
    gradebook_url: str

    @property
    def roster(self) -> Roster:
        return load_roster(self.roster_path, self.course)


def build_synthetic_cohort(
    target: Path,
    framework_file: Path,
    *,
    learners: int = 500,
    units: int = 20,
    modules: int = 12,
    seed: int = 0,
    submit_rate: float = 0.93,
    given: tuple[str, ...] | None = None,
    awaiting_share: float = 0.0,
) -> SyntheticCohort:
    """Write a course (with a pre-test first and a post-test last), a roster and a gradebook under `target`.

    `given`: the module ids learners have submitted so far (default: all; every module is released,
    as an instructor who generates the whole course at once). `awaiting_share`: the share of manual
    answers nobody has graded yet (needs_manual_grade, no manual score).
    """
    course = _write_course(target / "course", framework_file, modules)
    roster_path = _write_roster(target / "roster.csv", course, learners, units, seed)
    url = f"sqlite:///{(target / 'gradebook.db').resolve()}"
    plan = _Plan(seed, submit_rate, given, awaiting_share)
    _write_gradebook(course, load_roster(roster_path, course), url, plan)
    return SyntheticCohort(course, roster_path, url)


@dataclass(frozen=True)
class _Plan:
    seed: int
    submit_rate: float
    given: tuple[str, ...] | None
    awaiting_share: float


def _write_course(root: Path, framework_file: Path, modules: int) -> Course:
    (root / "course_config").mkdir(parents=True, exist_ok=True)
    shutil.copyfile(framework_file, root / "course_config" / "framework.toml")
    from hocso.config.loader import _read_toml  # one parser for TOML; only to list the framework

    framework = _read_toml(root / "course_config" / "framework.toml", [])
    assert framework is not None
    codes = [c["code"] for d in framework["domains"] for c in d["competences"]]
    lines = [
        "[course]",
        'id = "synthetic"',
        'title = { vi = "Khóa học mẫu", en = "Synthetic course" }',
        'languages = ["vi", "en"]',
        'default_language = "vi"',
        "pass_mark = 0.6",
    ]
    for index in range(modules):
        module_id = f"m{index:02d}"
        kind = "pre_test" if index == 0 else "post_test" if index == modules - 1 and modules > 2 else "module"
        if kind == "module":
            competences = [codes[(2 * index) % len(codes)], codes[(2 * index + 1) % len(codes)]]
        else:  # the tests sample across the framework, as a placement test would
            competences = [codes[i] for i in range(0, len(codes), 5)][:2]
        domain = competences[0].split(".")[0]  # aim each module at the group's target for its main domain
        levels = ", ".join(f"{g['id']} = {g['targets'][domain]}" for g in framework["groups"])
        lines += [
            "",
            "[[modules]]",
            f'id = "{module_id}"',
            f'title = {{ vi = "Bài {index}", en = "Module {index}" }}',
            f'notebooks = ["{module_id}.ipynb"]',
            f"competences = {competences!r}".replace("'", '"'),
            f"target_levels = {{ {levels} }}",
            f"points = {sum(CELL_POINTS)}",
            f'kind = "{kind}"',
        ]
        _write_notebook(root / "notebooks" / module_id / f"{module_id}.ipynb", competences)
    (root / "course_config" / "course.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return load_course(root)


def _write_notebook(path: Path, competences: list[str]) -> None:
    cells = []
    for i, points in enumerate(CELL_POINTS):
        meta = {"grade": True, "grade_id": f"ex{i + 1}", "points": points, "locked": True}
        competence = competences[i % len(competences)]
        if i == len(CELL_POINTS) - 1:
            cell = new_markdown_cell(
                "Trả lời / Answer", metadata={"nbgrader": {**meta, "solution": True, "locked": False}}
            )
        else:
            cell = new_code_cell(f"assert True  # test {i + 1}", metadata={"nbgrader": meta})
        cell.metadata["hocso"] = {"competence": competence}
        cells.append(cell)
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(new_notebook(cells=cells), path)


def _write_roster(path: Path, course: Course, learners: int, units: int, seed: int) -> Path:
    rng = np.random.default_rng(seed)
    groups = course.framework.group_ids
    lines = ["learner_id,name,group,unit"]
    for n in range(learners):
        name = f"{FAMILY[rng.integers(len(FAMILY))]} {MIDDLE[rng.integers(len(MIDDLE))]} {GIVEN[rng.integers(len(GIVEN))]}"
        lines.append(
            f"hv{n:05d},{name},{groups[n % len(groups)]},Đơn vị {1 + (n // len(groups)) % units:02d}"
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _write_gradebook(course: Course, roster: Roster, url: str, plan: _Plan) -> None:
    from nbgrader.api import Gradebook

    from hocso.nbgrader_compat import use_in_process_alembic

    cells: list[tuple[str, str, str, float]] = []  # (module, notebook, grade_id, max_points)
    use_in_process_alembic()  # no `alembic` command needed on PATH
    with Gradebook(url, course_id=course.id) as gradebook:
        for module in course.modules:
            gradebook.update_or_create_assignment(module.id)
            for path in course.notebook_paths(module):
                gradebook.update_or_create_notebook(path.stem, module.id)
                notebook = nbformat.read(path, as_version=4)
                for cell in notebook.cells:
                    meta = cell.metadata.get("nbgrader", {})
                    if meta.get("grade"):
                        gradebook.update_or_create_grade_cell(
                            meta["grade_id"],
                            path.stem,
                            module.id,
                            max_score=meta["points"],
                            cell_type=cell.cell_type,
                        )
                        cells.append((module.id, path.stem, meta["grade_id"], float(meta["points"])))
    _insert_cohort(Path(url.removeprefix("sqlite:///")), course, roster, cells, plan)


def _insert_cohort(
    database: Path,
    course: Course,
    roster: Roster,
    cells: list[tuple[str, str, str, float]],
    plan: _Plan,
) -> None:
    rng = np.random.default_rng(plan.seed + 1)
    connection = sqlite3.connect(database)
    ids = {name: aid for aid, name in connection.execute("SELECT id, name FROM assignment")}
    notebooks = {
        (ids_name, name): nid
        for nid, name, ids_name in connection.execute(
            "SELECT n.id, n.name, a.name FROM notebook n JOIN assignment a ON n.assignment_id = a.id"
        )
    }
    cell_ids = {
        (module, notebook, name): cid
        for cid, name, notebook, module in connection.execute(
            "SELECT c.id, c.name, n.name, a.name FROM base_cell c JOIN notebook n ON c.notebook_id = n.id "
            "JOIN assignment a ON n.assignment_id = a.id WHERE c.type = 'GradeCell'"
        )
    }
    kinds = {module.id: module.kind for module in course.modules}
    students, submissions, submitted_notebooks, grades = [], [], [], []
    for learner in roster:
        students.append((learner.learner_id, *learner.name.split(" ", 1)[::-1][:2][::-1]))
        ability = float(np.clip(rng.normal(GROUP_ABILITY.get(learner.group, 0.6), 0.15), 0.02, 1.0))
        for module in course.modules:
            if rng.random() > plan.submit_rate or (plan.given is not None and module.id not in plan.given):
                continue
            submission = uuid.uuid4().hex
            submissions.append((submission, ids[module.id], learner.learner_id))
            base = ability * (0.6 if kinds[module.id] == "pre_test" else 1.0)
            open_notebooks: dict[str, str] = {}
            for module_id, notebook, grade_id, max_points in cells:
                if module_id != module.id:
                    continue
                if notebook not in open_notebooks:
                    open_notebooks[notebook] = uuid.uuid4().hex
                    submitted_notebooks.append(
                        (open_notebooks[notebook], submission, notebooks[(module.id, notebook)])
                    )
                score = float(np.round(np.clip(rng.normal(base, 0.2), 0, 1) * max_points * 2) / 2)
                manual = grade_id == "ex4"
                waiting = manual and plan.awaiting_share > 0 and rng.random() < plan.awaiting_share
                grades.append(
                    (
                        uuid.uuid4().hex,
                        open_notebooks[notebook],
                        cell_ids[(module.id, notebook, grade_id)],
                        None if manual else score,
                        None if waiting else score if manual else None,
                        waiting or (manual and rng.random() < 0.5),
                    )
                )
    with connection:
        connection.executemany("INSERT INTO student (id, first_name, last_name) VALUES (?, ?, ?)", students)
        connection.executemany(
            "INSERT INTO submitted_assignment (id, assignment_id, student_id) VALUES (?, ?, ?)", submissions
        )
        connection.executemany(
            "INSERT INTO submitted_notebook (id, assignment_id, notebook_id, flagged, late_submission_penalty) "
            "VALUES (?, ?, ?, 0, NULL)",
            submitted_notebooks,
        )
        connection.executemany(
            "INSERT INTO grade (id, notebook_id, cell_id, auto_score, manual_score, needs_manual_grade) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            grades,
        )
    connection.close()
