"""Rules for the course's widget apps (`notebooks/apps/`): what the gallery and projector show."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from hocso.config.models import LANGUAGES
from hocso.course_check.problems import Problem
from hocso.present.apps import declared_titles


def app_titles(path: Path, notebook: Any) -> Iterable[Problem]:
    """Every app has a title in each course language, or the gallery shows its file name."""
    titles = declared_titles(notebook)
    missing = [lang for lang in LANGUAGES if not titles.get(lang)]
    if missing:
        yield Problem(
            path,
            "metadata.hocso.title",
            f"the app has no title in {', '.join(missing)}: the gallery would show {path.stem!r}",
            'add metadata.hocso.title = {"vi": "...", "en": "..."} (or a "# heading" cell per language)',
        )
