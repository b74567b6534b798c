"""mypy over all of hocso, graders/ and widgets/ included, with zero errors; hocso.config and
hocso.graders under every `--strict` flag.

`dev.py`'s typecheck_tree() lays build/typecheck/hocso out as the installed package is (symlinks:
graders/ -> hocso/graders, widgets/ -> hocso/widgets), so `mypy -p hocso` checks every module; the
settings are pyproject.toml's [tool.mypy]. There, --strict's flags are per-module options of
hocso.config.* and hocso.graders.*, so one run checks both (one incremental cache in
build/typecheck/.mypy_cache, shared with `python3 dev.py types`: cold ~30 s CPU, warm a few seconds;
a second `--strict` run cost another ~22 s CPU cold). test_strict_modules_have_every_strict_flag
keeps that equal to `mypy --strict` of the mypy installed.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
from mypy.main import define_options

REPO_ROOT = Path(__file__).resolve().parents[1]
STRICT_MODULES = ["hocso.config.*", "hocso.graders.*"]


def _typecheck_tree() -> None:
    spec = importlib.util.spec_from_file_location("hocso_dev", REPO_ROOT / "dev.py")
    assert spec and spec.loader
    dev = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(dev)
    dev.typecheck_tree()


def _mypy_config() -> dict[str, Any]:
    config: dict[str, Any] = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["tool"]["mypy"]
    return config


@pytest.mark.slow
@pytest.mark.timeout(1500)
def test_mypy_finds_no_errors() -> None:
    _typecheck_tree()
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "-p", "hocso"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert done.returncode == 0, f"mypy -p hocso (exit {done.returncode}):\n{done.stdout}\n{done.stderr}"


def test_strict_modules_have_every_strict_flag() -> None:
    """The override for hocso.config/hocso.graders (or the global table) sets each flag `--strict` sets."""
    config = _mypy_config()
    strict = [o for o in config.get("overrides", []) if o["module"] == STRICT_MODULES]
    assert len(strict) == 1, f"pyproject.toml: one [[tool.mypy.overrides]] with module = {STRICT_MODULES}"
    _, _, assignments = define_options()
    missing = {
        flag: value for flag, value in assignments if strict[0].get(flag, config.get(flag)) is not value
    }
    assert not missing, f"pyproject.toml: --strict sets {missing}, the strict override does not"
