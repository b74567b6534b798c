"""Options several `hocso` commands share, each defined once (issue 23: no option retyped per command).

A factory takes only what differs between commands (the help's subject, a default that belongs to
the command); the name, type and parameter name of an option are the same wherever it appears.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol, TypeVar

import click
from pydantic import BaseModel

from hocso.config import LANGUAGES

F = TypeVar("F", bound=Callable[..., Any])


class Decorator(Protocol):
    """What `click.option(...)` returns: it adds the option to a command function."""

    def __call__(self, function: F, /) -> F: ...


FOLDER = click.Path(file_okay=False, path_type=Path)
FILE = click.Path(dir_okay=False, path_type=Path)


def setting_option(model: type[BaseModel], field: str, text: str) -> Decorator:
    """--<field>: a number that overrides a course.toml setting (`model.field`) for one run; None
    keeps course.toml's. Its bounds are the model's, not retyped."""
    metadata = model.model_fields[field].metadata
    low = next((m.ge for m in metadata if hasattr(m, "ge")), None)
    high = next((m.le for m in metadata if hasattr(m, "le")), None)
    flag = "--" + field.replace("_", "-")
    return click.option(flag, field, type=click.IntRange(low, high), default=None, help=text)


def _course(*, multiple: bool) -> Decorator:
    """--course: a course folder (`course_path`), or with `multiple` several (`course_paths`)."""
    text = "Course folder (default: the one around the current folder, or $HOCSO_COURSE)."
    text += " Repeat for several courses." if multiple else ""
    name = "course_paths" if multiple else "course_path"
    return click.option("--course", name, type=FOLDER, multiple=multiple, default=None, help=text)


course_option = _course(multiple=False)
courses_option = _course(multiple=True)
gradebook_option = click.option(
    "--gradebook", default=None, help="nbgrader gradebook URL (default: the course's)."
)
json_option = click.option("--json", "as_json", is_flag=True, help="Print the result as JSON, for scripts.")
no_browser_option = click.option("--no-browser", is_flag=True, help="Print the address; open no browser.")


def language_option(subject: str, default: str = "the course's default language") -> Decorator:
    """--language: a `LanguageCode`, or None for the command's default (the course's, as a rule)."""
    text = f"Language of {subject} (default: {default})."
    return click.option("--language", type=click.Choice(LANGUAGES), default=None, help=text)


def roster_option(more: str = "", *, multiple: bool = False) -> Decorator:
    """--roster: a roster CSV (`roster_path`), or with `multiple` one per --course (`roster_paths`)."""
    text = "Roster CSV (default: roster.csv beside the gradebook)."
    if multiple:
        text = (
            "Roster CSV, one per --course in the same order (default: each course's, beside its gradebook)."
        )
    name = "roster_paths" if multiple else "roster_path"
    help_ = f"{text} {more}".strip()
    return click.option("--roster", name, type=FILE, multiple=multiple, default=None, help=help_)


def learner_option(text: str, *, multiple: bool = False) -> Decorator:
    """--learner: a learner id (`learner_id`), or with `multiple` several (`learners`)."""
    name = "learners" if multiple else "learner_id"
    return click.option("--learner", name, multiple=multiple, default=None, help=text)


def unit_option(text: str = "Only learners of this unit.") -> Decorator:
    return click.option("--unit", default=None, help=text)


def group_option(text: str) -> Decorator:
    """--group: a learner group id of the course's framework (leaders, staff, ...)."""
    return click.option("--group", default=None, help=text)


def out_option(default: Path | None, text: str, *, folder: bool = False) -> Decorator:
    """--out: where a command writes (`--output` is the same option, as nbgrader spells it)."""
    kind = FOLDER if folder else click.Path(path_type=Path)
    shown = default is not None
    return click.option("--out", "--output", "out", type=kind, default=default, show_default=shown, help=text)


def format_option(formats: Sequence[str], default: str, text: str | None = None) -> Decorator:
    choice = click.Choice(formats)
    return click.option("--format", "format_", type=choice, default=default, show_default=True, help=text)


def host_option(*names: str, text: str) -> Decorator:
    """--host (the lab keeps Jupyter's --ip): the address to listen on, loopback unless told."""
    return click.option(*(names or ("--host",)), default="127.0.0.1", show_default=True, help=text)


def port_option(default: int | None, text: str) -> Decorator:
    """--port: the port to listen on; what the default means is the command's (`text` says)."""
    shown = bool(default)
    return click.option(
        "--port", type=click.IntRange(0, 65535), default=default, show_default=shown, help=text
    )


def free_port_option(first: int) -> Decorator:
    """--port, or None: the first free port from `first` (the command finds it)."""
    return port_option(None, f"Port to listen on (default: first free from {first}).")
