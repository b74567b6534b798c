"""Every module has a take-home handout (`notebooks/<module>/handout.toml`) in each course language."""

from __future__ import annotations

from hocso.config.models import Course
from hocso.course_check.problems import Problem
from hocso.handouts import HANDOUT_FILE, HandoutError, handout_path, load_handout


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
