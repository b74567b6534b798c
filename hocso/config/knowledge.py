"""course_config/assistant.toml: the assistant's FAQ, glossary and skill-to-module map, validated once.

Course data, not library data: another course ships its own file. Module ids are checked against
course.toml by the loader (`knowledge_problems`), so a typo is a `hocso check` problem with a line.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from hocso.config.base import Strict

Skill = Literal["scam", "link", "password"]
SKILLS: tuple[Skill, ...] = ("scam", "link", "password")


class FaqText(Strict):
    question: str = Field(min_length=5)
    text: str = Field(min_length=10)


class FaqEntry(Strict):
    module: str
    vi: FaqText
    en: FaqText


class DefinitionText(Strict):
    term: str = Field(min_length=2)
    text: str = Field(min_length=10)


class Definition(Strict):
    module: str
    vi: DefinitionText
    en: DefinitionText


class AssistantKnowledge(Strict):
    """What the offline tutor may quote besides the notebooks, and which module teaches each check."""

    skills: dict[Skill, str] = Field(default_factory=dict)
    faq: tuple[FaqEntry, ...] = ()
    definition: tuple[Definition, ...] = ()

    def module_ids(self) -> list[tuple[str, str]]:
        """(key path, module id) of every module this file names, for the cross-check."""
        found = [(f"skills.{skill}", module) for skill, module in self.skills.items()]
        found += [(f"faq[{i}].module", entry.module) for i, entry in enumerate(self.faq)]
        found += [(f"definition[{i}].module", entry.module) for i, entry in enumerate(self.definition)]
        return found
