"""Widget tests run in a fresh folder, so answers files never land in the checkout."""

from __future__ import annotations

from pathlib import Path

import pytest

from hocso.widgets import answers


@pytest.fixture(autouse=True)
def answers_in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A notebook folder with one notebook, as a learner's assignment folder looks."""
    folder = tmp_path / "m99"
    folder.mkdir()
    (folder / "m99_demo.ipynb").write_text("{}")
    monkeypatch.chdir(folder)
    monkeypatch.delenv(answers.ANSWERS_FILE_ENV, raising=False)
    monkeypatch.delenv(answers.SESSION_ENV, raising=False)
    answers.use_answers_file(None)
    return folder / "m99_demo.answers.json"


@pytest.fixture(params=["vi", "en"])
def language(request: pytest.FixtureRequest) -> str:
    return request.param
