"""A learner's workspace: their own edition of every module, outside the repository.

    <data home>/learners/<learner id>/<course id>/
        workspace/              what the lab serves (its root): one folder per module, named by title
            Bài 04 · Lừa đảo trực tuyến…/m04_phishing.ipynb, m04_phishing.answers.json
        lab/                    this learner's Jupyter settings, kernel spec, logs, nbgrader cache

Feedback the instructor released (`hocso grade feedback`) is fetched into the module's folder at each
start (`feedback/<submitted at>/`), where the progress panel reads the grade.

A module's folder is filled once, from nbgrader's exchange (released: no solutions, hidden tests or
rubrics), then cut to the learner's language (and group) edition. After that it is the learner's:
starting the lab again never overwrites their work, it only adds modules released since.
"""

from __future__ import annotations

import getpass
import json
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from hocso.config import Course, LanguageCode, data_home
from hocso.config.models import Module
from hocso.errors import HocsoError
from hocso.i18n import t
from hocso.lab import exchange
from hocso.lab.manifest import MANIFEST, read_modules


@dataclass(frozen=True)
class Learner:
    id: str
    language: LanguageCode
    group: str | None = None


@dataclass
class Workspace:
    """Where one learner's lab lives, and which folder holds which module."""

    course: Course
    learner: Learner
    home: Path
    modules: dict[str, str] = field(default_factory=dict)  # folder name -> module id
    problems: list[str] = field(default_factory=list)  # modules that could not be released this time

    @property
    def root(self) -> Path:
        return self.home / "workspace"

    @property
    def lab_dir(self) -> Path:
        return self.home / "lab"

    @property
    def log_dir(self) -> Path:
        return self.lab_dir / "logs"

    @property
    def cache_dir(self) -> Path:
        return self.lab_dir / "nbgrader_cache"

    def module_of(self, path: str | Path) -> tuple[str, Path]:
        """(module id, module folder) of a file the lab serves, by its path relative to the root."""
        parts = Path(path).parts
        if parts and parts[0] in self.modules:
            return self.modules[parts[0]], self.root / parts[0]
        raise exchange.ExchangeProblem(t("lab.submit.not_a_module", self.learner.language, path=str(path)))


def default_learner_id() -> str:
    """The OS user, made safe for nbgrader's submission names."""
    name = re.sub(r"[^A-Za-z0-9_.@-]", "_", getpass.getuser()) or "learner"
    return name[:64]


def learner_home(course: Course, learner_id: str) -> Path:
    return data_home() / "learners" / exchange.check_learner_id(learner_id) / course.id


def folder_name(module: Module, language: LanguageCode) -> str:
    """'Bài 04 · <title>': sorts in course order and says what is inside. JupyterLab reads ':' as a
    drive name and '/' as a folder, so neither is kept."""
    number = re.sub(r"\D", "", module.id) or module.id
    title = re.sub(r"\s*[:/\\]\s*", " - ", module.title(language)).strip()
    return t("lab.workspace.folder", language, number=number.zfill(2), title=title)


def open_workspace(course: Course, learner: Learner) -> Workspace:
    """The learner's workspace as it is on disk (its manifest), without fetching anything."""
    home = learner_home(course, learner.id)
    space = Workspace(course, learner, home)
    space.modules = read_modules(space.root)
    return space


def prepare_workspace(course: Course, learner: Learner, release: bool = True) -> Workspace:
    """Release what is new into the exchange (`release`), then fetch each module not yet here."""
    space = open_workspace(course, learner)
    space.root.mkdir(parents=True, exist_ok=True)
    for directory in (space.lab_dir, space.log_dir, space.cache_dir):
        directory.mkdir(parents=True, exist_ok=True)
    held = set(space.modules.values())
    for folder, module_id in space.modules.items():  # grades and feedback returned since last time
        try:
            exchange.fetch_feedback(course, module_id, learner.id, space.cache_dir, space.root / folder)
        except HocsoError as error:
            space.problems.append(f"{module_id}: {error}")
    for module in course.modules:
        if release and not exchange.is_released(course, module.id):
            try:
                exchange.release_to_exchange(course, module.id)
            except HocsoError as error:  # keep what was released before; the other modules still open
                space.problems.append(f"{module.id}: {error}")
        if module.id in held or not exchange.outbound(course, module.id).is_dir():
            continue
        target = _fetch_edition(course, module, learner, space.root / folder_name(module, learner.language))
        space.modules[target.name] = module.id
        _write_manifest(space)
    return space


def _fetch_edition(course: Course, module: Module, learner: Learner, target: Path) -> Path:
    staging = learner_home(course, learner.id) / "lab" / "fetching"
    shutil.rmtree(staging, ignore_errors=True)
    fetched = exchange.fetch(course, module.id, learner.id, staging)
    for notebook in fetched.glob("*.ipynb"):
        _edition(notebook, course, module.id, learner)
    if target.exists():  # a folder the learner made with that name: keep it, never overwrite
        target = target.with_name(f"{target.name} ({module.id})")
    shutil.move(fetched, target)
    shutil.rmtree(staging, ignore_errors=True)
    return target


def _edition(notebook: Path, course: Course, module_id: str, learner: Learner) -> None:
    from hocso.graders.release import make_edition

    make_edition(notebook, course, module_id, learner.language, learner.group)


def _write_manifest(space: Workspace) -> None:
    document = {
        "course": space.course.id,
        "learner": space.learner.id,
        "language": space.learner.language,
        "group": space.learner.group,
        "modules": space.modules,
    }
    path = space.root / MANIFEST
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps(document, ensure_ascii=False, indent=1), encoding="utf-8")
    temporary.replace(path)


def write_start_page(space: Workspace) -> str:
    """A short markdown page at the workspace root listing the modules with links; returns its name.

    Rewritten at every start (it is the lab's, not the learner's), so it lists new modules too."""
    from urllib.parse import quote

    language = space.learner.language
    lines = [
        f"# {space.course.info.title(language)}",
        "",
        t("lab.workspace.start_intro", language),
        "",
    ]
    if space.learner.group in space.course.framework.group_ids:  # "your path": ordered, done and next
        from hocso.lab.your_path import path_markdown, submitted_modules, your_path

        handed_in = submitted_modules(space.cache_dir, space.course.id, space.modules, space.root)
        entries = your_path(space.course, space.learner.group, language, space.modules, space.root, handed_in)
        lines += path_markdown(entries, space.course, language)
        lines += [f"## {t('lab.path.all_modules', language)}", ""]
    order = {module.id: index for index, module in enumerate(space.course.modules)}
    for folder, module_id in sorted(space.modules.items(), key=lambda item: order.get(item[1], 0)):
        module = space.course.module(module_id)
        link = "/".join(quote(part) for part in (folder, module.notebooks[0]))
        lines.append(f"- [{folder}]({link})")
    name = t("lab.workspace.start_page", language)
    (space.root / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return name
