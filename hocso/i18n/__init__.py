"""Learner-facing strings in Vietnamese and English, from one TOML catalog.

Why TOML and not gettext: every entry keeps its vi and en text side by side, so a missing translation
is visible in review and caught by a test, and there is no .po -> .mo compile step for course authors.
Each part of hocso owns one file in `catalog/` (widgets.toml, assistant.toml, ...); a key is the file
name plus the TOML path, e.g. `t("core.lab.started", url=...)`.
"""

from __future__ import annotations

import os
import tomllib
from functools import cache
from pathlib import Path
from typing import Any

from hocso.config.models import LANGUAGES, LanguageCode, Localized

CATALOG_DIR = Path(__file__).parent / "catalog"
LANGUAGE_ENV = "HOCSO_LANG"
DEFAULT_LANGUAGE: LanguageCode = "vi"

_chosen: LanguageCode | None = None


class UnknownTextKey(KeyError):
    """A code path asked for a catalog key that does not exist (a bug, caught by tests)."""


class IncompleteCatalog(ValueError):
    """A catalog entry lacks a language or names an unknown one (a bug, caught by tests)."""


def set_language(language: str) -> LanguageCode:
    """Choose the language for this process (a notebook calls it once at the top)."""
    global _chosen
    _chosen = normalize_language(language)
    return _chosen


def current_language() -> LanguageCode:
    if _chosen is not None:
        return _chosen
    return normalize_language(os.environ.get(LANGUAGE_ENV, DEFAULT_LANGUAGE))


def normalize_language(language: str) -> LanguageCode:
    code = language.strip().lower().replace("_", "-").split("-")[0]
    if code not in LANGUAGES:
        raise ValueError(f"language {language!r} is not offered; choose one of: {', '.join(LANGUAGES)}")
    return code


def t(key: str, language: LanguageCode | None = None, /, **values: Any) -> str:
    """The text for `key` in `language` (default: the current one), formatted with `values`."""
    lang = normalize_language(language) if language else current_language()
    entry = catalog().get(key)
    if entry is None:
        raise UnknownTextKey(key)
    text = entry(lang)
    return text.format(**values) if values else text


@cache
def catalog() -> dict[str, Localized]:
    """Every entry of every catalog file, keyed `<file>.<path>`, each checked to be a `Localized`."""
    if problems := missing_translations():
        raise IncompleteCatalog(f"{CATALOG_DIR}: " + "; ".join(problems))
    return {key: Localized.model_validate(texts) for key, texts in _tables().items()}


@cache
def _tables() -> dict[str, dict[str, str]]:
    """The catalog files' entries as TOML gives them, {language: text} tables."""
    entries: dict[str, dict[str, str]] = {}
    for path in sorted(CATALOG_DIR.glob("*.toml")):
        with path.open("rb") as stream:
            _flatten(tomllib.load(stream), path.stem, entries)
    return entries


def missing_translations() -> list[str]:
    """`key: missing vi` lines for every entry that lacks a language (empty when the catalog is whole)."""
    problems = []
    for key, texts in _tables().items():
        problems += [f"{key}: missing {lang}" for lang in LANGUAGES if not texts.get(lang, "").strip()]
        problems += [f"{key}: unknown language {lang!r}" for lang in texts if lang not in LANGUAGES]
    return problems


def _flatten(table: dict[str, Any], prefix: str, into: dict[str, dict[str, str]]) -> None:
    for name, value in table.items():
        key = f"{prefix}.{name}"
        if isinstance(value, dict) and any(isinstance(v, dict) for v in value.values()):
            _flatten(value, key, into)
        elif isinstance(value, dict):
            into[key] = value
        else:
            raise ValueError(f"i18n catalog entry {key} must be a table like {{ vi = '...', en = '...' }}")
