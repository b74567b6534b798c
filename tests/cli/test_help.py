"""Every command explains itself, and user mistakes end in one line, never a traceback."""

from __future__ import annotations

import subprocess
import sys

import pytest
from click.testing import CliRunner

from hocso.cli import COMMANDS, cli


def test_top_level_help_lists_every_command() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    for name in COMMANDS:
        assert name in result.output


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_each_command_has_readable_help(name: str) -> None:
    result = CliRunner().invoke(cli, [name, "--help"])
    assert result.exit_code == 0, result.output
    assert f"Usage: cli {name}" in result.output or f"Usage: hocso {name}" in result.output
    description = result.output.split("\n\n")[1].strip()
    assert len(description) > 20, f"`hocso {name} --help` needs a sentence saying what it does"


def test_user_error_is_one_line_without_traceback(tmp_path) -> None:
    """Outside any course, `hocso check` says where it looked and what to do."""
    result = subprocess.run(
        [sys.executable, "-m", "hocso", "check"], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "no course found" in result.stderr and "HOCSO_COURSE" in result.stderr
