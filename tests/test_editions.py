"""Learner editions: one language, one group's level, rubric cells never released, code stubs that
do not raise; and `hocso grade release --group` writes that edition."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell

from hocso.config import load_course
from hocso.editions import CODE_STUB, edition_cells, edition_exercises, group_level

REPO = Path(__file__).resolve().parents[1]


def cell(kind: str, source: str, **hocso: object) -> dict:
    made = new_markdown_cell(source) if kind == "markdown" else new_code_cell(source)
    if hocso:
        made.metadata["hocso"] = dict(hocso)
    return made


CELLS = [
    cell("markdown", "Xin chào", lang="vi"),
    cell("markdown", "Hello", lang="en"),
    cell("code", "show_widget()"),
    cell("markdown", "Bài sâu hơn", lang="vi", level=4),
    cell("markdown", "Deeper exercise", lang="en", level=4),
    cell("code", "deeper_widget()", level=4),
    cell("code", CODE_STUB, track="go_further", level=5),
]


def sources(cells: list[dict]) -> list[str]:
    return [c["source"] for c in cells]


def test_an_edition_keeps_one_language_and_the_levels_in_reach() -> None:
    import copy

    assert sources(edition_cells(copy.deepcopy(CELLS), "vi", 2)) == ["Xin chào", "show_widget()"]
    assert sources(edition_cells(copy.deepcopy(CELLS), "en", 4)) == [
        "Hello",
        "show_widget()",
        "Deeper exercise",
        "deeper_widget()",
    ]
    everything = edition_cells(copy.deepcopy(CELLS), "en", None)
    assert everything[-1]["source"] == "# ✍ Write your code here\npass"  # the stub in the edition's language
    assert len(edition_cells(copy.deepcopy(CELLS), None, None)) == len(CELLS)


def test_group_levels_come_from_the_module() -> None:
    course = load_course(REPO)
    module = course.module("m04")
    assert group_level(module, "citizens") == module.target_levels["citizens"]
    assert group_level(module, None) is None
    with pytest.raises(ValueError, match="no target level for group 'nobody'"):
        group_level(module, "nobody")
    everyone = edition_exercises(course, module, None)
    assert {e.grade_id for e in edition_exercises(course, module, "citizens")} <= {
        e.grade_id for e in everyone
    }


@pytest.mark.slow
def test_release_writes_the_group_edition_without_rubrics(tmp_path: Path) -> None:
    """Real nbgrader generate through `hocso grade release`: a rubric cell and a level-5 cell added to a
    copy of m04 are not in the citizens' vi edition, and the edition says what it is."""
    import shutil

    course_dir = tmp_path / "course"
    shutil.copytree(REPO / "course_config", course_dir / "course_config")
    shutil.copytree(REPO / "notebooks" / "m04", course_dir / "notebooks" / "m04")
    source = course_dir / "notebooks" / "m04" / "m04_phishing.ipynb"
    nb = nbformat.read(source, as_version=4)
    nb.cells += [
        cell("markdown", "RUBRIC-SECRET: 2 = calm and the right steps", rubric=True),
        cell("markdown", "DEEP-ONLY vi", lang="vi", level=5),
        cell("markdown", "DEEP-ONLY en", lang="en", level=5),
    ]
    nbformat.write(nb, source)
    env = {**os.environ, "HOCSO_HOME": str(tmp_path / "home")}
    hocso = Path(sys.executable).parent / "hocso"
    args = [str(hocso), "grade", "release", "m04", "--course", str(course_dir)]
    done = subprocess.run(
        [*args, "--language", "vi", "--group", "citizens"], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    released = tmp_path / "home" / "courses" / "hocso-101" / "release" / "m04" / "m04_phishing.ipynb"
    text = released.read_text(encoding="utf-8")
    assert "RUBRIC-SECRET" not in text and "DEEP-ONLY" not in text
    assert json.loads(text)["metadata"]["hocso"]["edition"] == {
        "language": "vi",
        "group": "citizens",
        "level": 2,
    }
    code = [c["source"] for c in json.loads(text)["cells"] if c["cell_type"] == "code"]
    assert not any("raise NotImplementedError" in "".join(source) for source in code)
    done = subprocess.run([*args, "--group", "nobody"], env=env, capture_output=True, text=True)
    assert done.returncode != 0 and "group 'nobody'" in done.stderr + done.stdout


def test_a_language_edition_folds_lesson_code_and_keeps_its_own_words() -> None:
    """A code cell written once per language (a question to the assistant) keeps only its language;
    lesson code is folded away (learners run it, they need not read it), go-further code is shown;
    a cleared written answer says where to write in the edition's language."""
    from hocso.editions import TEXT_STUB

    cells = [
        cell("code", 'ask("Tin này có phải lừa đảo?")', lang="vi"),
        cell("code", 'ask("Is this message a scam?")', lang="en"),
        cell("code", "ChoiceBoard(...)"),
        cell("code", CODE_STUB, track="go_further"),
        cell("markdown", TEXT_STUB),
    ]
    english = edition_cells(cells, "en", None)
    assert [c["source"] for c in english] == [
        'ask("Is this message a scam?")',
        "ChoiceBoard(...)",
        "# ✍ Write your code here\npass",
        "✍ Write your answer here.",
    ]
    folded = [c.get("metadata", {}).get("jupyter", {}).get("source_hidden", False) for c in english]
    assert folded == [True, True, False, False]
