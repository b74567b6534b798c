"""Which Voila apps a course has, and what each is called in both languages.

Title convention (checked in this order):

1. notebook metadata ``hocso.title = {"vi": "...", "en": "..."}``;
2. the first markdown cell tagged ``hocso.lang = "vi"`` / ``"en"`` (the course's bilingual cell pairs):
   its first heading line;
3. the first markdown cell's first heading, used for both languages;
4. the file name.

Audience: an app whose metadata says ``hocso.audience = "facilitator"`` (or whose name starts with
``instructor_`` or ``facilitator_``) shows learners' data; it is left out of the gallery and opens
only with the facilitator key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import nbformat

from hocso.config.models import LANGUAGES, LanguageCode, Localized
from hocso.errors import HocsoError

FACILITATOR_PREFIXES = ("instructor_", "facilitator_")
HEADING = re.compile(r"^\s*#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)


class AppNotFound(HocsoError):
    """`hocso present APP` named an app the course does not have."""


@dataclass(frozen=True)
class App:
    """One widget-only notebook in `notebooks/apps/`."""

    name: str  # the file name without .ipynb, e.g. m04_phishing
    path: Path
    title: Localized  # app.title(language)
    facilitator_only: bool = False

    @property
    def file_name(self) -> str:
        return self.path.name


def discover_apps(apps_dir: Path) -> list[App]:
    """Every app notebook in `apps_dir`, sorted by name (m01_ before m02_)."""
    if not apps_dir.is_dir():
        return []
    paths = sorted(p for p in apps_dir.glob("*.ipynb") if not p.name.startswith("."))
    return [read_app(path) for path in paths]


def find_app(apps: list[App], wanted: str) -> App:
    """The app called `wanted` (name, file name, or unique prefix such as `m04`)."""
    key = wanted.removesuffix(".ipynb")
    exact = [app for app in apps if app.name == key]
    matches = exact or [app for app in apps if app.name.startswith(key)]
    if len(matches) == 1:
        return matches[0]
    known = ", ".join(app.name for app in apps) or "none yet"
    if not matches:
        raise AppNotFound(f"no app {wanted!r} in notebooks/apps; the apps are: {known}")
    raise AppNotFound(f"{wanted!r} matches several apps ({known}); give the full name")


def read_app(path: Path) -> App:
    """Read an app's titles without executing it (a broken file still gets a gallery entry)."""
    try:
        notebook = nbformat.read(path, as_version=4)
    except Exception:  # a half-written notebook must not take the gallery down; `hocso check` reports it
        return App(path.stem, path, Localized.of(path.stem), path.stem.startswith(FACILITATOR_PREFIXES))
    title = _title(notebook, fallback=path.stem)
    audience = notebook.metadata.get("hocso", {}).get("audience")
    private = audience == "facilitator" or path.stem.startswith(FACILITATOR_PREFIXES)
    return App(name=path.stem, path=path, title=title, facilitator_only=private)


def declared_titles(notebook: nbformat.NotebookNode) -> dict[LanguageCode, str]:
    """The titles an app declares, by language (rules 1 and 2 above); `hocso check` wants both."""
    by_language: dict[LanguageCode, str] = {}
    for cell in notebook.cells:
        lang = cell.get("metadata", {}).get("hocso", {}).get("lang")
        heading = _heading(cell.source) if cell.cell_type == "markdown" else None
        if lang in LANGUAGES and heading and lang not in by_language:
            by_language[lang] = heading
    meta = notebook.metadata.get("hocso", {}).get("title")
    if isinstance(meta, dict):
        by_language.update({lang: str(meta[lang]) for lang in LANGUAGES if meta.get(lang)})
    return by_language


def _title(notebook: nbformat.NotebookNode, fallback: str) -> Localized:
    by_language = declared_titles(notebook)
    if len(by_language) == 2:
        return Localized(vi=by_language["vi"], en=by_language["en"])
    markdown = [cell for cell in notebook.cells if cell.cell_type == "markdown"]
    first = next((h for h in (_heading(cell.source) for cell in markdown) if h), None)
    title = first or fallback
    return Localized.of({"vi": by_language.get("vi", title), "en": by_language.get("en", title)})


def _heading(source: str) -> str | None:
    match = HEADING.search(source)
    return match.group(1) if match else None
