"""Every module has a take-home handout (`notebooks/<module>/handout.toml`) in each course language."""

from __future__ import annotations

import re
from pathlib import Path

from hocso.config.models import Course, Glossary
from hocso.course_check.problems import Problem
from hocso.handouts import HANDOUT_FILE, Handout, HandoutError, handout_path, load_handout


def handouts(course: Course) -> list[Problem]:
    """A module without a handout, a handout that does not validate, or one missing a course language."""
    problems: list[Problem] = []
    for module in course.modules:
        if module.kind != "module" or not (course.notebooks_dir / module.folder).is_dir():
            continue  # placement tests have no handout; a missing folder is reported by the module rules
        path = handout_path(course.notebooks_dir, module.id)
        if not path.is_file():
            problems.append(
                Problem(
                    path,
                    "",
                    f"module {module.id} has no take-home handout",
                    f"write {HANDOUT_FILE} with [vi] and [en] (title, rules, red_flags, what_to_do, remember); "
                    "see hocso/handouts/model.py",
                )
            )
            continue
        try:
            handout = load_handout(path)
        except HandoutError as error:
            problems += [Problem(path, p.key, p.message, "fix the field") for p in error.problems]
            continue
        problems += _spelling(course.glossary, handout, path)
        missing = [lang for lang in course.info.languages if handout.text(lang) is None]
        if missing:
            problems.append(
                Problem(
                    path,
                    ", ".join(f"[{lang}]" for lang in missing),
                    f"the handout has no text in {', '.join(missing)}",
                    "add the part with the same fields as the other language",
                )
            )
    return problems


def _spelling(glossary: Glossary, handout: Handout, path: Path) -> list[Problem]:
    """A handout follows the course's spelling too (course_config/glossary.toml), like the notebooks."""
    text = handout.vi
    if text is None:
        return []
    fields = {
        "vi.title": [text.title],
        "vi.rules": list(text.rules),
        "vi.red_flags": list(text.red_flags),
        "vi.what_to_do": list(text.what_to_do),
        "vi.remember": [text.remember],
        "contacts": [contact.vi for contact in handout.contacts],
    }
    problems = []
    for wrong, right in glossary.discouraged().items():
        pattern = re.compile(rf"(?<!\w){re.escape(wrong)}(?!\w)")
        for field, lines in fields.items():
            if any(pattern.search(line) for line in lines):
                problems.append(
                    Problem(
                        path,
                        field,
                        f"writes {wrong!r}",
                        f"the course writes {right!r} (course_config/glossary.toml)",
                    )
                )
    return problems
