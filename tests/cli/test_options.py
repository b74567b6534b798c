"""CLI options are defined once (hocso.cli.options) and take their defaults from the typed API (issue 23)."""

from __future__ import annotations

import ast
import dataclasses
import importlib
import inspect
import os
from collections import Counter
from pathlib import Path

import click

from hocso.cli import COMMANDS
from hocso.config import LANGUAGES, GradingSettings
from hocso.graders.autograde import autograde_submissions
from hocso.graders.engines import DaskEngine, LocalEngine
from hocso.graders.sandbox import Limits

CLI_DIR = Path(__file__).parents[2] / "hocso" / "cli"


def _commands() -> dict[str, click.Command]:
    """Every leaf command, by its full name (`grade autograde`)."""
    found: dict[str, click.Command] = {}

    def walk(name: str, command: click.Command) -> None:
        if isinstance(command, click.Group):
            for sub_name, sub in command.commands.items():
                walk(f"{name} {sub_name}", sub)
        found[name] = command

    for name, target in COMMANDS.items():
        module, attribute = target.split(":")
        walk(name, getattr(importlib.import_module(module), attribute))
    return found


def test_no_option_is_spelled_out_in_two_places() -> None:
    """A flag written in a `click.option(...)` call appears in one call in all of hocso/cli/."""
    places: Counter[str] = Counter()
    for path in sorted(CLI_DIR.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "option":
                flags = {
                    a.value for a in node.args if isinstance(a, ast.Constant) and str(a.value)[:2] == "--"
                }
                places.update(flags)
    assert places, "no click.option calls found"
    assert [flag for flag, count in places.items() if count > 1] == []


def test_every_language_option_is_a_language_code() -> None:
    languages = [
        (name, param)
        for name, command in _commands().items()
        for param in command.params
        if param.name == "language"
    ]
    assert len(languages) >= 8
    for name, param in languages:
        assert isinstance(param.type, click.Choice), name
        assert tuple(param.type.choices) == LANGUAGES, name
        assert param.default is None, name


def test_autograde_limits_default_to_the_sandbox_limits() -> None:
    autograde = _commands()["grade autograde"]
    defaults = {param.name: param.default for param in autograde.params}
    limits = dataclasses.asdict(Limits())
    for name in ("cell_timeout", "notebook_timeout", "memory_mb", "disk_mb"):
        assert defaults[name] == limits[name], name


def test_workers_default_is_the_same_for_cli_api_and_engines() -> None:
    """`hocso grade autograde` and `autograde_submissions` grade with as many workers by default."""
    local = GradingSettings().worker_count
    assert local == (os.cpu_count() or 1) + 1
    assert GradingSettings(engine="dask").worker_count == 2
    assert GradingSettings(workers=5).worker_count == 5
    # None stands for GradingSettings' default, which the local engine then takes
    assert inspect.signature(autograde_submissions).parameters["workers"].default is None
    assert LocalEngine().workers == local
    assert DaskEngine().workers == 2


def test_setting_overrides_keep_the_config_models_bounds() -> None:
    """--workers, --class-size and --daily-quota accept what course.toml would, no more."""
    from hocso.config.models import AssistantSettings, PresentSettings

    commands = _commands()
    for command, name, model in [
        ("grade autograde", "workers", GradingSettings),
        ("present", "class_size", PresentSettings),
        ("assistant serve", "daily_quota", AssistantSettings),
    ]:
        param = next(p for p in commands[command].params if p.name == name)
        assert isinstance(param.type, click.IntRange), name
        bounds = {type(m).__name__: m for m in model.model_fields[name].metadata}
        assert param.type.min == getattr(bounds.get("Ge"), "ge", None), name
        assert param.type.max == getattr(bounds.get("Le"), "le", None), name
