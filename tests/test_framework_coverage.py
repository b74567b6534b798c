"""Issue 16: every competence of the framework is assessed by a graded cell, and `hocso check` says
which one is not.

The first test reads framework.toml, course.toml and the notebooks' JSON itself (not through hocso),
so it is an independent count of what the gradebook can give evidence for.
"""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

from click.testing import CliRunner

from hocso.cli import cli
from hocso.config import load_course
from hocso.course_check import check_course
from hocso.course_check.coverage import assessing_cells

REPO_ROOT = Path(__file__).resolve().parents[1]


def framework_competences() -> list[str]:
    framework = tomllib.loads((REPO_ROOT / "course_config" / "framework.toml").read_text(encoding="utf-8"))
    return [competence["code"] for domain in framework["domains"] for competence in domain["competences"]]


def graded_competences() -> dict[str, set[str]]:
    """competence -> the modules whose graded cells (nbgrader grade = true) are tagged with it."""
    course = tomllib.loads((REPO_ROOT / "course_config" / "course.toml").read_text(encoding="utf-8"))
    found: dict[str, set[str]] = {}
    for module in course["modules"]:
        for name in module["notebooks"]:
            notebook = json.loads((REPO_ROOT / "notebooks" / module["id"] / name).read_text(encoding="utf-8"))
            for cell in notebook["cells"]:
                meta = cell.get("metadata", {})
                code = meta.get("hocso", {}).get("competence")
                if meta.get("nbgrader", {}).get("grade") and code:
                    found.setdefault(code, set()).add(module["id"])
    return found


def test_every_competence_of_the_framework_is_assessed_26_of_26() -> None:
    competences = framework_competences()
    graded = graded_competences()
    listing = "\n".join(f"{code}: {', '.join(sorted(graded.get(code, []))) or '-'}" for code in competences)
    assessed = [code for code in competences if code in graded]
    assert len(competences) == 26
    assert assessed == competences, f"assessed {len(assessed)}/26:\n{listing}"
    assert set(graded) <= set(competences), "a graded cell names a competence outside the framework"
    # hocso's own view (the rule `hocso check` applies) agrees with the independent count.
    course_view = assessing_cells(load_course(REPO_ROOT))
    assert {code for code, cells in course_view.items() if cells} == set(competences)


def test_check_reports_each_competence_left_unassessed(course_copy: Path) -> None:
    """Without m17 the course still assesses 4.3 (m04) but nothing grades 4.4, 5.3 or 5.4: `hocso check`
    names each in framework.toml, and exits 1."""
    config = course_copy / "course_config" / "course.toml"
    text = config.read_text(encoding="utf-8")
    trimmed, count = re.subn(
        r'\n\[\[modules\]\]\nid = "m17"\n.*?(?=\n\[\[modules\]\]|\Z)', "", text, flags=re.S
    )
    assert count == 1
    config.write_text(trimmed, encoding="utf-8")
    knowledge = course_copy / "course_config" / "assistant.toml"  # the tutor's entries for m17 go too
    entries = r'\n\[\[(?:faq|definition)\]\]\nmodule = "m17"\n.*?(?=\n\n|\Z)'
    knowledge.write_text(
        re.sub(entries, "", knowledge.read_text(encoding="utf-8"), flags=re.S), encoding="utf-8"
    )
    problems = [p for p in check_course(load_course(course_copy)) if p.file.name == "framework.toml"]
    assert [p.where.split(" ")[1] for p in problems] == ["4.4", "5.3", "5.4"]
    assert all("no graded cell" in p.message and "metadata.hocso.competence" in p.fix for p in problems)
    result = CliRunner().invoke(cli, ["check", "--course", str(course_copy)])
    assert result.exit_code == 1
    assert "course_config/framework.toml: competence 5.4 (" in result.output
