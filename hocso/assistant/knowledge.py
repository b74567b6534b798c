"""The course material the offline tutor may quote: notebooks' markdown, the glossary and the FAQ.

Each passage keeps its language and a citation in that language ("Module m04: Phishing … — Red flags"),
so an answer cites sources the learner can find. Notebooks are read at start-up; none need exist.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from hocso.config.models import Course, LanguageCode
from hocso.i18n import t
from hocso.notebook_meta import cell_language, read_cells

_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)
_MAX_PASSAGE_CHARS = 700


@dataclass(frozen=True)
class Passage:
    """One quotable piece of course text and where it comes from."""

    language: LanguageCode
    text: str
    source: str
    module: str | None
    kind: str  # "notebook", "glossary" or "faq"
    title: str = ""


def load_passages(course: Course | None) -> list[Passage]:
    """Glossary and FAQ always; the markdown of every course notebook that exists."""
    passages = _glossary(course) + _faq(course)
    if course is not None:
        for module in course.modules:
            for path in course.notebook_paths(module):
                if path.is_file():
                    passages += notebook_passages(course, module.id, path)
    return passages


def notebook_passages(course: Course | None, module_id: str, path: Path) -> list[Passage]:
    """Language-tagged markdown cells, each cited by module title and the nearest heading above it."""
    headings: dict[str, str] = {}
    passages = []
    for cell in read_cells(path):
        language = cell_language(cell)
        if cell.get("cell_type") != "markdown" or language not in ("vi", "en"):
            continue
        source = cell.get("source", "")
        if found := _HEADING.findall(source):
            headings[language] = _clean(found[0])
        body = _clean(_HEADING.sub("", source))
        if len(body) < 20:
            continue
        section = headings.get(language, "")
        citation = _module_title(course, module_id, language) + (f" — {section}" if section else "")
        for chunk in _chunks(body):
            passages.append(Passage(language, chunk, citation, module_id, "notebook", section))
    return passages


def _module_title(course: Course | None, module_id: str, language: LanguageCode) -> str:
    title = module_id
    if course is not None:
        for module in course.modules:
            if module.id == module_id:
                title = module.title(language)
    return t("assistant.tutor.module", language, module=module_id, title=title)


def _glossary(course: Course | None) -> list[Passage]:
    """course_config/assistant.toml's [[definition]] entries (validated by hocso.config)."""
    passages = []
    for entry in course.knowledge.definition if course else ():
        for language in ("vi", "en"):
            item = entry.vi if language == "vi" else entry.en
            source = t("assistant.tutor.glossary", language, term=item.term)
            source += f" · {_module_title(course, entry.module, language)}"
            text = f"{item.term}: {item.text}"
            passages.append(Passage(language, text, source, entry.module, "glossary", item.term))
    return passages


def _faq(course: Course | None) -> list[Passage]:
    """course_config/assistant.toml's [[faq]] entries: a question passage answers like questions."""
    passages = []
    for entry in course.knowledge.faq if course else ():
        for language in ("vi", "en"):
            item = entry.vi if language == "vi" else entry.en
            source = t("assistant.tutor.faq", language, question=item.question)
            source += f" · {_module_title(course, entry.module, language)}"
            text = f"{item.question} {item.text}"
            passages.append(Passage(language, text, source, entry.module, "faq", item.question))
    return passages


def _clean(text: str) -> str:
    """Markdown marks out, words in: `report_156` and "LD <số> <nội dung>" are quoted as written."""
    text = re.sub(r"^\s*>+\s?", "", text, flags=re.MULTILINE)  # block quotes
    text = re.sub(r"[*`]+", "", text)  # emphasis and code marks
    text = re.sub(r"(?<!\w)_+|_+(?!\w)", "", text)  # _emphasis_, never the _ inside an identifier
    return re.sub(r"\s+", " ", text).strip()


def _chunks(text: str) -> list[str]:
    if len(text) <= _MAX_PASSAGE_CHARS:
        return [text]
    sentences = re.split(r"(?<=[.!?])\s+", text)
    chunks, current = [], ""
    for sentence in sentences:
        if current and len(current) + len(sentence) > _MAX_PASSAGE_CHARS:
            chunks.append(current)
            current = ""
        current = f"{current} {sentence}".strip()
    return [*chunks, current] if current else chunks
