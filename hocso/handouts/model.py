"""The shape of `notebooks/<module>/handout.toml`: one take-home page per module, in each language.

    [vi]                      # and [en]: the same fields, written for that language
    title = "..."
    rules = ["...", ...]      # 3 to 6 short rules the module teaches
    red_flags = ["...", ...]  # 3 to 6 signs of trouble
    what_to_do = ["...", ...] # 1 to 5 steps when something goes wrong
    remember = "..."          # one line at the foot of the page

    [[contacts]]              # hotlines and official portals the module itself teaches (none is fine)
    value = "113"
    vi = "Công an ..."
    en = "Police ..."

Validated once when read (`load_handout`); an error names the file and the field.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import Field

from hocso.config import LANGUAGES, ConfigProblem, CourseConfigError, LanguageCode
from hocso.config.base import Strict
from hocso.config.loader import _validate  # the one TOML + pydantic reader, so errors look the same

HANDOUT_FILE = "handout.toml"
Line = Annotated[str, Field(min_length=1, max_length=220)]


class HandoutText(Strict):
    """What one language's page says."""

    title: str = Field(min_length=1, max_length=90)
    rules: tuple[Line, ...] = Field(min_length=3, max_length=6)
    red_flags: tuple[Line, ...] = Field(min_length=3, max_length=6)
    what_to_do: tuple[Line, ...] = Field(min_length=1, max_length=5)
    remember: str = Field(min_length=1, max_length=160)


class Contact(Strict):
    """A number or address to call or open, with what it is for in each language."""

    value: str = Field(min_length=1, max_length=60, description="113, 156, canhbao.khonggianmang.gov.vn")
    vi: str = Field(min_length=1, max_length=120)
    en: str = Field(min_length=1, max_length=120)

    def label(self, language: LanguageCode) -> str:
        return getattr(self, language)


class Handout(Strict):
    vi: HandoutText | None = None
    en: HandoutText | None = None
    contacts: tuple[Contact, ...] = Field(default=(), max_length=5)

    def text(self, language: LanguageCode) -> HandoutText | None:
        return getattr(self, language)

    def languages(self) -> tuple[LanguageCode, ...]:
        return tuple(lang for lang in LANGUAGES if getattr(self, lang) is not None)


class HandoutError(CourseConfigError):
    """A handout file is missing or invalid; the message names the file and the field."""

    @classmethod
    def from_problems(cls, problems: list[ConfigProblem]) -> HandoutError:
        lines = "\n".join(f"  - {problem}" for problem in problems)
        noun = "problem" if len(problems) == 1 else "problems"
        return cls(f"the handout has {len(problems)} {noun}:\n{lines}", tuple(problems))


def handout_path(notebooks_dir: Path, module_id: str) -> Path:
    return notebooks_dir / module_id / HANDOUT_FILE


def load_handout(path: Path) -> Handout:
    """The validated handout at `path`, or HandoutError listing every problem (file, field, why)."""
    problems: list[ConfigProblem] = []
    handout = _validate(Handout, path, problems)
    if handout is None:
        raise HandoutError.from_problems(problems)
    return handout
