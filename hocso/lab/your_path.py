""" "Your path" in the learner's lab: their group's modules in order, with what is done and what is next.

The path is the group's (`hocso.paths.learning_path`), framed by the placement test before it and the
end-of-course test after it. What is done comes from the learner's own workspace, never from numbers
typed in: a module is done once it has been submitted (nbgrader keeps a copy of each submission in
the learner's exchange cache, `<cache>/<course id>/<learner>+<module>+<time>`) or graded feedback
came back for it; a module with saved answers but no submission is "started". The first module of
the path not done is "next".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import quote

from hocso.config.models import Course, LanguageCode
from hocso.i18n import t
from hocso.paths import learning_path
from hocso.widgets.answers import SUFFIX, saved_answers

__all__ = ["PathEntry", "PathState", "path_markdown", "submitted_modules", "your_path"]

PathState = Literal["done", "next", "started", "later"]
ICONS: dict[PathState, str] = {"done": "✅", "next": "➡️", "started": "✍️", "later": "⬜"}


@dataclass(frozen=True)
class PathEntry:
    module: str
    title: str  # in the learner's language
    folder: str | None  # the module's folder in the workspace; None while not released to them
    state: PathState
    kind: Literal["module", "pre_test", "post_test"]


def submitted_modules(cache_dir: Path, course_id: str, folders: Mapping[str, str], root: Path) -> set[str]:
    """Module ids the learner has submitted (the exchange cache) or has feedback for (their folders)."""
    found = set()
    course_cache = cache_dir / course_id
    if course_cache.is_dir():
        for entry in course_cache.iterdir():
            parts = entry.name.split("+")
            if entry.is_dir() and len(parts) >= 3:
                found.add(parts[1])
    for folder, module_id in folders.items():
        if any((root / folder / "feedback").glob("*/*.html")):
            found.add(module_id)
    return found


def _started(root: Path, folder: str | None) -> bool:
    if folder is None:
        return False
    return any(saved_answers(path) for path in (root / folder).glob(f"*{SUFFIX}"))


def your_path(
    course: Course,
    group: str,
    language: LanguageCode,
    folders: Mapping[str, str],
    root: Path,
    submitted: Iterable[str],
) -> list[PathEntry]:
    """The placement test, the group's path and the end-of-course test, each with its state.

    `folders` is the workspace manifest (folder -> module id), `root` the workspace folder."""
    handed_in = set(submitted)
    folder_of = {module_id: folder for folder, module_id in folders.items()}
    tests = {kind: [m for m in course.modules if m.kind == kind] for kind in ("pre_test", "post_test")}
    steps = [*tests["pre_test"], *(course.module(s.module) for s in learning_path(course, group).steps)]
    steps += tests["post_test"]
    entries = []
    next_given = False
    for module in steps:
        folder = folder_of.get(module.id)
        state: PathState
        if module.id in handed_in:
            state = "done"
        elif not next_given:
            state, next_given = "next", True
        else:
            state = "started" if _started(root, folder) else "later"
        entries.append(PathEntry(module.id, module.title(language), folder, state, module.kind))
    return entries


def path_markdown(entries: list[PathEntry], course: Course, language: LanguageCode) -> list[str]:
    """The "your path" section of the workspace's start page, as markdown lines."""
    done = sum(1 for entry in entries if entry.state == "done")
    lines = [
        f"## {t('lab.path.heading', language)}",
        "",
        t("lab.path.summary", language, done=done, total=len(entries)),
        "",
    ]
    for number, entry in enumerate(entries, 1):
        label = entry.title  # not released to them yet: no folder to open
        if entry.folder is not None:  # named as the folder they see in the file browser
            notebook = course.module(entry.module).notebooks[0]
            label = f"[{entry.folder}]({'/'.join(quote(part) for part in (entry.folder, notebook))})"
        state = t(f"lab.path.{entry.state}", language)
        line = f"{number}. {ICONS[entry.state]} {label} — {state}"
        if entry.state == "next":
            line = f"{number}. {ICONS[entry.state]} **{label} — {state}**"
        lines.append(line)
    return [*lines, ""]
