"""Find, parse and validate the course configuration, once, at the edge."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any, TypeGuard, TypeVar

from pydantic import BaseModel, ValidationError

from hocso.config.db_url import redacted
from hocso.config.errors import ConfigProblem, CourseConfigError
from hocso.config.knowledge import AssistantKnowledge
from hocso.config.models import Course, CourseFile, Framework, Glossary

COURSE_FILE = "course_config/course.toml"
FRAMEWORK_FILE = "course_config/framework.toml"
GLOSSARY_FILE = "course_config/glossary.toml"  # optional
KNOWLEDGE_FILE = "course_config/assistant.toml"  # optional: the assistant's FAQ, glossary, skills
COURSE_ENV = "HOCSO_COURSE"

M = TypeVar("M", bound=BaseModel)


def find_course_root(start: Path | None = None) -> Path:
    """The folder holding `course_config/course.toml`: $HOCSO_COURSE, or the nearest one above `start`."""
    if env := os.environ.get(COURSE_ENV):
        root = Path(env).expanduser().resolve()
        if not (root / COURSE_FILE).is_file():
            raise CourseConfigError(f"{COURSE_ENV}={env} has no {COURSE_FILE}; point it at a course folder")
        return root
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / COURSE_FILE).is_file():
            return folder
    raise CourseConfigError(
        f"no course found in {here} or above it (looked for {COURSE_FILE}); "
        f"run hocso inside a course folder or set {COURSE_ENV}"
    )


def load_course(path: str | os.PathLike[str] | None = None) -> Course:
    """Load and validate course.toml and framework.toml; raise CourseConfigError listing every problem.

    `path` may be the course folder, its course.toml, or None to search from the working directory.
    """
    root = _course_root(path)
    course_path, framework_path = root / COURSE_FILE, root / FRAMEWORK_FILE
    problems: list[ConfigProblem] = []
    course_file = _validate(CourseFile, course_path, problems)
    framework = _validate(Framework, framework_path, problems)
    glossary_path = root / GLOSSARY_FILE
    glossary = _validate(Glossary, glossary_path, problems) if glossary_path.is_file() else Glossary()
    knowledge_path = root / KNOWLEDGE_FILE
    knowledge = _validate(AssistantKnowledge, knowledge_path, problems) if knowledge_path.is_file() else None
    if course_file is not None and framework is not None:
        problems += _cross_file_problems(course_file, framework, course_path)
    if course_file is not None and knowledge is not None:
        modules = {module.id for module in course_file.modules}
        problems += [
            ConfigProblem(
                knowledge_path,
                key,
                f"unknown module {module!r}; course.toml has {', '.join(sorted(modules))}",
            )
            for key, module in knowledge.module_ids()
            if module not in modules
        ]
    if problems:
        raise CourseConfigError.from_problems(problems)
    assert course_file is not None and framework is not None
    return Course(
        root=root,
        info=course_file.course,
        late_policy=course_file.late_policy,
        assistant=course_file.assistant,
        present=course_file.present,
        lab=course_file.lab,
        hub=course_file.hub,
        grading=course_file.grading,
        modules=course_file.modules,
        framework=framework,
        glossary=glossary or Glossary(),
        knowledge=knowledge or AssistantKnowledge(),
    )


def _course_root(path: str | os.PathLike[str] | None) -> Path:
    if path is None:
        return find_course_root()
    given = Path(path).expanduser().resolve()
    if given.is_file() and given.name == "course.toml":
        return given.parent.parent
    if not (given / COURSE_FILE).is_file():
        raise CourseConfigError(f"{given / COURSE_FILE}: file not found; is {given} a hocso course folder?")
    return given


def _read_toml(path: Path, problems: list[ConfigProblem]) -> dict[str, Any] | None:
    try:
        with path.open("rb") as stream:
            return tomllib.load(stream)
    except FileNotFoundError:
        problems.append(ConfigProblem(path, "", "file not found"))
    except tomllib.TOMLDecodeError as error:
        problems.append(ConfigProblem(path, "", f"not valid TOML: {error}"))
    except (OSError, UnicodeDecodeError) as error:
        problems.append(ConfigProblem(path, "", f"cannot be read: {error}"))
    return None


def _validate(model: type[M], path: Path, problems: list[ConfigProblem]) -> M | None:
    data = _read_toml(path, problems)
    if data is None:
        return None
    try:
        return model.model_validate(data)
    except ValidationError as error:
        details = error.errors()
        problems += [
            _problem_from_pydantic(model, path, detail)
            for detail in details
            if not _echo_of_inner_error(detail, details)
        ]
        return None


def _problem_from_pydantic(model: type[BaseModel], path: Path, detail: Any) -> ConfigProblem:
    loc = tuple(detail["loc"])
    key = _key_path(loc)
    value = detail.get("input")
    if detail["type"] == "extra_forbidden":
        allowed = _allowed_keys(model, loc[:-1])
        return ConfigProblem(path, key, f"unknown key; allowed keys here: {', '.join(allowed)}")
    if detail["type"] == "missing":
        return ConfigProblem(path, key, "required key is missing")
    message = detail["msg"].removeprefix("Value error, ")
    if loc[-1:] == ("db_url",) and isinstance(value, str):
        value = redacted(value)  # a database password never goes into an error message
    shown = "" if isinstance(value, dict | list | tuple) else f" = {value!r}"
    return ConfigProblem(path, key + shown, message)


def _echo_of_inner_error(detail: Any, details: list[Any]) -> bool:
    """A list that is "too short" only because one of its items failed adds nothing to that item's error."""
    if detail["type"] not in {"too_short", "too_long"}:
        return False
    loc = tuple(detail["loc"])
    return any(tuple(other["loc"])[: len(loc)] == loc and len(other["loc"]) > len(loc) for other in details)


def _key_path(loc: tuple[Any, ...]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _allowed_keys(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """Walk the model classes along `loc` to list the keys accepted where an unknown one was found."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        field = current.model_fields.get(part) if _is_model(current) else None
        if field is None:
            return []
        current = _model_in(field.annotation)
    return sorted(current.model_fields) if _is_model(current) else []


def _is_model(value: Any) -> TypeGuard[type[BaseModel]]:
    return isinstance(value, type) and issubclass(value, BaseModel)


def _model_in(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for argument in getattr(annotation, "__args__", ()):
        if (found := _model_in(argument)) is not None:
            return found
    return None


def _cross_file_problems(course: CourseFile, framework: Framework, path: Path) -> list[ConfigProblem]:
    problems = []
    competences = framework.competences
    groups = set(framework.group_ids)
    for index, module in enumerate(course.modules):
        for position, code in enumerate(module.competences):
            if code not in competences:
                problems.append(
                    ConfigProblem(
                        path,
                        f"modules[{index}].competences[{position}] = {code!r}",
                        f"not a competence of the framework; allowed: {', '.join(competences)}",
                    )
                )
        if set(module.target_levels) != groups:
            missing = sorted(groups - set(module.target_levels))
            unknown = sorted(set(module.target_levels) - groups)
            problems.append(
                ConfigProblem(
                    path,
                    f"modules[{index}].target_levels (module {module.id})",
                    f"needs exactly one level per learner group; missing: {missing or 'none'}, "
                    f"unknown: {unknown or 'none'}; groups: {', '.join(framework.group_ids)}",
                )
            )
    return problems
