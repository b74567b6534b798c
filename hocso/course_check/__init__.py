"""`hocso check`: lint the whole course and report every problem at once, each with its fix."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from hocso.config.models import Course, Glossary, Localized, Module
from hocso.course_check.app_rules import app_titles
from hocso.course_check.coverage import framework_coverage
from hocso.course_check.doing_rules import (
    feedback_in_both_languages,
    graded_by_doing,
    no_key_in_visible_code,
    rubric_outside_answers,
    spelling,
)
from hocso.course_check.handout_rules import handouts
from hocso.course_check.notebook_rules import (
    Rule,
    assessed_competences,
    bilingual_text,
    committed_outputs,
    competence_tags,
    graded_points,
    nbgrader_metadata,
    read_notebook,
)
from hocso.course_check.problems import Problem
from hocso.i18n import CATALOG_DIR, catalog, missing_translations

__all__ = ["Problem", "catalog_spelling", "check_course", "framework_coverage"]


def check_course(course: Course) -> list[Problem]:
    """Every problem in the course's modules, apps and i18n catalog, in a stable order."""
    known = set(course.framework.competences)
    problems: list[Problem] = []
    for index, module in enumerate(course.modules):
        problems += _check_module(course, index, module, known)
    problems += framework_coverage(course)
    problems += handouts(course)
    for app in sorted(course.apps_dir.glob("*.ipynb")) if course.apps_dir.is_dir() else []:
        problems += _check_notebook(
            app, [committed_outputs, nbgrader_metadata, bilingual_text, app_titles, spelling(course.glossary)]
        )[0]
    untranslated = [
        Problem(
            CATALOG_DIR / f"{line.split('.')[0]}.toml",
            line.split(":")[0],
            line.split(": ", 1)[1],
            "add the text",
        )
        for line in missing_translations()
    ]
    # the catalog is read as `Localized` texts only once every entry has both languages
    problems += untranslated or catalog_spelling(course.glossary, catalog())
    return problems


def catalog_spelling(glossary: Glossary, entries: Mapping[str, Localized]) -> list[Problem]:
    """The widgets' and tools' texts follow the course's spelling too."""
    problems = []
    for key, texts in entries.items():
        for wrong, right in glossary.discouraged().items():
            if re.search(rf"(?<!\w){re.escape(wrong)}(?!\w)", texts.vi):
                problems.append(
                    Problem(
                        CATALOG_DIR / f"{key.split('.')[0]}.toml",
                        key,
                        f"writes {wrong!r}",
                        f"the course writes {right!r} (course_config/glossary.toml)",
                    )
                )
    return problems


def _check_module(course: Course, index: int, module: Module, known: set[str]) -> list[Problem]:
    folder = course.notebooks_dir / module.folder
    config = course.config_dir / "course.toml"
    if not folder.is_dir():
        return [
            Problem(
                folder,
                "",
                f"module {module.id} has no folder",
                f"create notebooks/{module.folder}/ with {', '.join(module.notebooks)} (or remove modules[{index}])",
            )
        ]
    problems: list[Problem] = []
    total = 0.0
    assessed: set[str] = set()
    rules: list[Rule] = [
        committed_outputs,
        nbgrader_metadata,
        bilingual_text,
        competence_tags(known, set(module.competences)),
        graded_by_doing,
        feedback_in_both_languages,
        rubric_outside_answers,
        no_key_in_visible_code,
        spelling(course.glossary),
    ]
    for path in course.notebook_paths(module):
        if not path.is_file():
            problems.append(
                Problem(
                    path,
                    "",
                    f"notebook of module {module.id} is missing",
                    f"create it or fix modules[{index}].notebooks",
                )
            )
            continue
        found, notebook = _check_notebook(path, rules)
        problems += found
        total += graded_points(notebook) if notebook is not None else module.points
        assessed |= assessed_competences(notebook) if notebook is not None else set(module.competences)
    if not problems and abs(total - module.points) > 1e-9:
        problems.append(
            Problem(
                config,
                f"modules[{index}].points (module {module.id})",
                f"says {module.points:g} but the notebooks' graded cells add up to {total:g}",
                f"set points = {total:g} or change the cells' points",
            )
        )
    unassessed = [code for code in module.competences if code not in assessed]
    if not problems and unassessed:
        # Reports place a learner against the module's competences: one never graded would show no evidence.
        problems.append(
            Problem(
                config,
                f"modules[{index}].competences (module {module.id})",
                f"lists {', '.join(unassessed)} but no graded cell of the module assesses it",
                "tag a graded cell with metadata.hocso.competence or remove the code from the list",
            )
        )
    return problems


def _check_notebook(path: Path, rules: list[Rule]) -> tuple[list[Problem], object | None]:
    notebook, problems = read_notebook(path)
    if notebook is None:
        return problems, None
    for rule in rules:
        problems += list(rule(path, notebook))
    return problems, notebook
