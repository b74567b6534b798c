"""`hocso check` finds each kind of course mistake, names file and cell, and passes a clean module."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import nbformat
import pytest
from click.testing import CliRunner
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from hocso.cli import cli
from hocso.config import Localized, load_course
from hocso.course_check import check_course


def _grader(grade_id: str, *, grade: bool, solution: bool, locked: bool, points: float | None = None) -> dict:
    meta = {"grade": grade, "solution": solution, "locked": locked, "grade_id": grade_id, "schema_version": 3}
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


def clean_module_notebook() -> nbformat.NotebookNode:
    """A small module notebook that follows every convention (10 points, competences of m01): a widget
    exercise graded from its saved answer, a reflection with its rubric apart, an optional coding part."""
    return new_notebook(
        cells=[
            new_markdown_cell("# Chào mừng", metadata={"hocso": {"lang": "vi"}}),
            new_markdown_cell("# Welcome", metadata={"hocso": {"lang": "en"}}),
            new_code_cell('ChoiceBoard("m01-sort", "data/graded_files.json", FOLDERS)'),
            new_code_cell(
                'from hocso.widgets.grading import Expect, answered, grade_items\nanswered("m01-sort", 1)\n'
                "### BEGIN HIDDEN TESTS\n"
                'grade_items("m01-sort", 7, {"a": Expect("docs", vi="Đây là tài liệu.", en="A document.")})\n'
                "### END HIDDEN TESTS",
                metadata={
                    **_grader("sort_tests", grade=True, solution=False, locked=True, points=7),
                    "hocso": {"competence": "1.3"},
                },
            ),
            new_markdown_cell(
                "Viết câu trả lời ở đây.",
                metadata={
                    **_grader("reflection", grade=True, solution=True, locked=False, points=3),
                    "hocso": {"competence": "5.1"},
                },
            ),
            new_markdown_cell("Thang điểm / Rubric: 3 = ...", metadata={"hocso": {"rubric": True}}),
            new_markdown_cell("## Đi xa hơn", metadata={"hocso": {"lang": "vi", "track": "go_further"}}),
            new_markdown_cell("## Go further", metadata={"hocso": {"lang": "en", "track": "go_further"}}),
            new_code_cell(
                "def count_files(names):\n    ### BEGIN SOLUTION\n    return len(names)\n    ### END SOLUTION",
                metadata={
                    **_grader("count_files", grade=False, solution=True, locked=False),
                    "hocso": {"track": "go_further", "level": 5},
                },
            ),
        ]
    )


CLEAN_MODULE_POINTS = 10


def _write(course_root: Path, notebook: nbformat.NotebookNode, name: str = "m01_welcome.ipynb") -> Path:
    """Put `notebook` in m01 of the course copy, whose course.toml then expects the clean module's points."""
    config = course_root / "course_config" / "course.toml"
    text = config.read_text(encoding="utf-8")
    text, count = re.subn(
        r"^points = \d+$", f"points = {CLEAN_MODULE_POINTS}", text, count=1, flags=re.MULTILINE
    )
    assert count == 1, "course.toml has no module points to set"
    config.write_text(text, encoding="utf-8")
    folder = course_root / "notebooks" / "m01"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    nbformat.write(notebook, path)
    return path


def _m01_problems(course_root: Path) -> list[str]:
    problems = check_course(load_course(course_root))
    return [
        p.render(course_root) for p in problems if "notebooks/m01/" in str(p.file) or "modules[0]" in p.where
    ]


def test_clean_module_has_no_problems(course_copy: Path) -> None:
    _write(course_copy, clean_module_notebook())
    assert _m01_problems(course_copy) == []


def _cell(notebook, grade_id: str):
    return next(c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def _duplicate_id(nb) -> None:
    _cell(nb, "reflection").metadata.nbgrader.grade_id = "sort_tests"


def _points_on_ungraded(nb) -> None:
    _cell(nb, "count_files").metadata.nbgrader.points = 2


def _no_solution_markers(nb) -> None:
    _cell(nb, "count_files").source = "def count_files(names):\n    return len(names)"


def _unbalanced_hidden(nb) -> None:
    _cell(nb, "sort_tests").source = '### BEGIN HIDDEN TESTS\ngrade_items("m01-sort", 7, {})'


def _unlocked_tests(nb) -> None:
    _cell(nb, "sort_tests").metadata.nbgrader.locked = False


def _unknown_competence(nb) -> None:
    _cell(nb, "sort_tests").metadata.hocso.competence = "9.9"


def _competence_of_other_module(nb) -> None:
    _cell(nb, "sort_tests").metadata.hocso.competence = "6.3"


def _missing_en_twin(nb) -> None:
    del nb.cells[1]


def _untagged_text(nb) -> None:
    nb.cells.insert(2, new_markdown_cell("Some text"))


def _committed_outputs(nb) -> None:
    nb.cells[2].outputs = [new_output("stream", name="stdout", text="hi\n")]
    nb.cells[2].execution_count = 4


def _competence_never_graded(nb) -> None:
    _cell(nb, "reflection").metadata.hocso.competence = "1.3"  # m01 also lists 5.1


def _wrong_points_total(nb) -> None:
    _cell(nb, "reflection").metadata.nbgrader.points = 5


def _code_on_the_graded_path(nb) -> None:
    del _cell(nb, "count_files").metadata.hocso["track"]


def _grades_written_code(nb) -> None:
    _code_on_the_graded_path(nb)
    _cell(nb, "sort_tests").source += "\nassert count_files([]) == 0"


def _no_grader(nb) -> None:
    _cell(nb, "sort_tests").source = "### BEGIN HIDDEN TESTS\nprint('ok')\n### END HIDDEN TESTS"


def _one_language_feedback(nb) -> None:
    cell = _cell(nb, "sort_tests")
    cell.source = cell.source.replace(', en="A document."', "")


def _rubric_in_answer(nb) -> None:
    _cell(nb, "reflection").source += "\n\nThang điểm: 3 = đủ ba bước"


def _key_in_visible_code(nb) -> None:
    nb.cells[2].source = 'Quiz("m01-sort", "?", [QuizChoice("a", "A", correct=True)])'


def _visible_assert(nb) -> None:
    cell = _cell(nb, "sort_tests")
    cell.source = cell.source.replace('answered("m01-sort", 1)', 'assert load_answer("m01-sort")')


def _other_spelling(nb) -> None:
    nb.cells[0].source = "# Chào mừng: xoá tệp thừa"


CASES: list[tuple[str, Callable, list[str]]] = [
    ("duplicate grade id", _duplicate_id, ["grade id 'sort_tests'", "used by 2 cells"]),
    (
        "points on ungraded",
        _points_on_ungraded,
        ["cell 8 (grade id 'count_files')", "has points but is not graded"],
    ),
    ("no solution markers", _no_solution_markers, ["cell 8 (grade id 'count_files')", "no solution markers"]),
    (
        "unbalanced hidden",
        _unbalanced_hidden,
        ["cell 3 (grade id 'sort_tests')", "unbalanced hidden-test markers"],
    ),
    (
        "unlocked tests",
        _unlocked_tests,
        ["cell 3 (grade id 'sort_tests')", "not locked", "locked = true"],
    ),
    ("unknown competence", _unknown_competence, ["competence '9.9' is not in the framework"]),
    (
        "other module's competence",
        _competence_of_other_module,
        ["competence '6.3' is not one of this module's"],
    ),
    ("missing translation", _missing_en_twin, ["cell 0", "vi text has no en twin"]),
    ("untagged text", _untagged_text, ["cell 2", "learner text has no language tag"]),
    ("committed outputs", _committed_outputs, ["cell 2", "committed outputs"]),
    (
        "competence never graded",
        _competence_never_graded,
        ["modules[0].competences (module m01)", "lists 5.1 but no graded cell", "fix: tag a graded cell"],
    ),
    ("points total", _wrong_points_total, ["modules[0].points (module m01)", "says 10 but", "add up to 12"]),
    (
        "code exercise on the graded path",
        _code_on_the_graded_path,
        ["cell 8 (grade id 'count_files')", "a code exercise on the graded path", 'track = "go_further"'],
    ),
    (
        "grades written code",
        _grades_written_code,
        ["cell 3 (grade id 'sort_tests')", "grades code the learner writes (count_files)"],
    ),
    ("no grader", _no_grader, ["cell 3 (grade id 'sort_tests')", "does not score a saved answer"]),
    (
        "feedback in one language",
        _one_language_feedback,
        ["cell 3 (grade id 'sort_tests'), line 1", "a graded item has no en explanation"],
    ),
    (
        "rubric in the answer cell",
        _rubric_in_answer,
        [
            "cell 4 (grade id 'reflection')",
            "rubric is inside the answer cell",
            "metadata.hocso.rubric = true",
        ],
    ),
    ("key in visible code", _key_in_visible_code, ["cell 2", "learners can read the answer key"]),
    ("visible assert", _visible_assert, ["cell 3 (grade id 'sort_tests')", "bare AssertionError"]),
    ("other spelling", _other_spelling, ["cell 0", "writes 'xoá'", "the course writes 'xóa'"]),
]


@pytest.mark.parametrize(("name", "mutate", "fragments"), CASES, ids=[c[0] for c in CASES])
def test_each_problem_is_found_with_its_location(course_copy: Path, name, mutate, fragments) -> None:
    notebook = clean_module_notebook()
    mutate(notebook)
    _write(course_copy, notebook)
    found = "\n".join(_m01_problems(course_copy))
    for fragment in fragments:
        assert fragment in found, f"{name}: {fragment!r} not in:\n{found}"
    assert "fix:" in found


def test_unreadable_and_old_notebooks(course_copy: Path) -> None:
    path = _write(course_copy, clean_module_notebook())
    path.write_text("{ not json", encoding="utf-8")
    assert any("not a readable notebook" in line for line in _m01_problems(course_copy))
    path.write_text(
        json.dumps({"nbformat": 3, "nbformat_minor": 0, "worksheets": [], "metadata": {}}), encoding="utf-8"
    )
    assert any("nbformat version 3 is not 4" in line for line in _m01_problems(course_copy))
    raw = json.loads(nbformat.writes(clean_module_notebook()))
    raw["cells"][0]["cell_type"] = "picture"
    path.write_text(json.dumps(raw), encoding="utf-8")
    assert any("invalid nbformat" in line for line in _m01_problems(course_copy))


def test_missing_folder_and_notebook(course_copy: Path) -> None:
    found = "\n".join(p.render(course_copy) for p in check_course(load_course(course_copy)))
    # the committed course may already have m01; a copy without it must say what to create
    target = course_copy / "notebooks" / "m02"
    if target.exists():
        import shutil

        shutil.rmtree(target)
    found = "\n".join(p.render(course_copy) for p in check_course(load_course(course_copy)))
    assert "notebooks/m02: module m02 has no folder" in found
    assert "create notebooks/m02/ with m02_passwords.ipynb" in found
    _write(course_copy, clean_module_notebook(), name="other.ipynb")
    (course_copy / "notebooks" / "m01" / "m01_welcome.ipynb").unlink(missing_ok=True)
    found = "\n".join(_m01_problems(course_copy))
    assert "m01_welcome.ipynb: notebook of module m01 is missing" in found


def test_cli_exit_codes_and_json(course_copy: Path) -> None:
    runner = CliRunner()
    notebook = clean_module_notebook()
    _unlocked_tests(notebook)
    _write(course_copy, notebook)
    result = runner.invoke(cli, ["check", "--course", str(course_copy)])
    assert result.exit_code == 1
    assert "notebooks/m01/m01_welcome.ipynb: cell 3 (grade id 'sort_tests')" in result.output
    result = runner.invoke(cli, ["check", "--course", str(course_copy), "--json"])
    records = json.loads(result.stdout)
    assert {"file", "where", "message", "fix"} <= set(records[0])
    assert any(r["file"] == "notebooks/m01/m01_welcome.ipynb" for r in records)


def test_the_committed_course_passes() -> None:
    """The course as committed: every rule, every module and app (the rules above, on the real thing)."""
    root = Path(__file__).resolve().parents[2]
    problems = [p.render(root) for p in check_course(load_course(root))]
    assert problems == [], "\n".join(problems[:40])


def test_catalog_spelling_and_terms_are_checked(course_copy: Path) -> None:
    from hocso.course_check import catalog_spelling

    entries = {
        "widgets.x": Localized(vi="Khoá tài khoản", en="Lock the account"),
        "widgets.y": Localized(vi="Bật xác thực hai bước", en="Turn on two-step verification"),
    }
    found = list(catalog_spelling(load_course(course_copy).glossary, entries))
    assert [(p.where, p.message) for p in found] == [
        ("widgets.x", "writes 'Khoá'"),
        ("widgets.y", "writes 'xác thực hai bước'"),
    ]
    assert "đăng nhập hai bước" in found[1].fix


@pytest.mark.slow
def test_run_finds_what_an_untouched_edition_shows(course_copy: Path) -> None:
    """`hocso check --run`: a lesson cell that raises and one that writes to stderr are found in both
    editions it runs; a cleared code exercise (now a comment and `pass`, not raise NotImplementedError)
    and the graded cells' visible parts run clean."""
    from hocso.course_check.edition_run import run_editions

    notebook = clean_module_notebook()
    notebook.cells[2] = new_code_cell("import sys\nprint('cảnh báo', file=sys.stderr)")
    notebook.cells.insert(3, new_code_cell("1 / 0"))
    _write(course_copy, notebook)
    found = [(p.where, p.message) for p in run_editions(load_course(course_copy), ["m01"])]
    # the vi edition keeps the vi title (cell 0); the en one its en title: the code cells are 1 and 2
    assert found == [
        (
            f"cell 1 of the {edition}",
            "a learner who runs the module untouched sees writes to stderr: cảnh báo",
        )
        if number == 1
        else (
            f"cell 2 of the {edition}",
            "a learner who runs the module untouched sees ZeroDivisionError: division by zero",
        )
        for edition in ("vi edition", "en edition for citizens")
        for number in (1, 2)
    ]
