"""`hocso lab` puts hocso's Voila template on JUPYTER_PATH, so the apps opened from the lab can use it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from voila.paths import collect_template_paths

from hocso.cli.lab import lab
from hocso.present import SHARE_DIR, with_present_templates

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_share_dir_goes_first_once() -> None:
    share = str(SHARE_DIR)
    assert with_present_templates(None) == share
    assert with_present_templates(f"/a{os.pathsep}/b") == os.pathsep.join([share, "/a", "/b"])
    assert with_present_templates(with_present_templates("/a")) == os.pathsep.join([share, "/a"])


def test_lab_starts_with_the_template_on_jupyter_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """The real CLI up to the point where JupyterLab would start, then Voila's own template lookup."""
    from jupyterlab.labapp import LabApp

    seen: dict[str, str] = {}
    for name in ("PATH", "JUPYTER_CONFIG_PATH", "HOCSO_COURSE", "HOCSO_LANG"):  # the CLI sets these
        if name in os.environ:
            monkeypatch.setenv(name, os.environ[name])  # restored after the test
        else:
            monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("JUPYTER_PATH", "/somewhere/else")
    monkeypatch.setattr(LabApp, "launch_instance", lambda argv: seen.update(os.environ))
    result = CliRunner().invoke(lab, ["--no-browser", "--course", str(REPO_ROOT), "--port", "8899"])
    assert result.exit_code == 0, result.output
    paths = seen["JUPYTER_PATH"].split(os.pathsep)
    # the template first, the learner lab's kernel spec folder next, the user's own path kept
    assert paths[0] == str(SHARE_DIR) and paths[-1] == "/somewhere/else" and len(paths) <= 3
    monkeypatch.setenv("JUPYTER_PATH", seen["JUPYTER_PATH"])  # Voila reads it on every lookup
    found = collect_template_paths(["voila", "nbconvert"], "hocso")
    assert str(SHARE_DIR / "voila" / "templates" / "hocso") in found
