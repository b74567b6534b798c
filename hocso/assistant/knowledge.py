"""The course material the offline tutor may quote: notebooks' markdown, the glossary and the FAQ.

Each passage keeps its language and a citation in that language ("Module m04: Phishing … — Red flags"),
so an answer cites sources the learner can find. Notebooks are read at start-up; none need exist.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from hocso.config.models import LANGUAGES, Course, LanguageCode
from hocso.i18n import t
from hocso.notebook_meta import cell_language, read_cells

_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)
_MAX_PASSAGE_CHARS = 700


#: where a passage comes from: a notebook's lesson, exercise, objectives or references, the glossary, the FAQ
PassageKind = Literal["lesson", "exercise", "objectives", "references", "glossary", "faq"]


@dataclass(frozen=True)
class Passage:
    """One quotable piece of course text and where it comes from."""

    language: LanguageCode
    text: str
    source: str
    module: str | None
    kind: PassageKind
    title: str = ""
    lesson: str = ""  # the lesson section that teaches it (for an exercise: the one above it)

    @property
    def quotable(self) -> bool:
        """Lesson text, glossary and FAQ answer questions; objectives, references and exercises do not."""
        return self.kind in ("lesson", "glossary", "faq")


def load_passages(course: Course | None) -> list[Passage]:
    """Glossary and FAQ always; the markdown of every course notebook that exists."""
    passages = _glossary(course) + _faq(course)
    if course is not None:
        for module in course.modules:
            for path in course.notebook_paths(module):
                if path.is_file():
                    passages += notebook_passages(course, module.id, path)
    return passages


#: sections that are not lesson text: quoting them answers nothing ("Objectives", "References"),
#: or hands out an exercise's instructions; a question about an exercise is pointed to the lesson
_EXERCISE = re.compile(
    r"^(?:bài tập|exercise|suy ngẫm|reflection|tự kiểm tra|self-check|cách làm bài|how to answer)\b", re.I
)
_REFERENCES = re.compile(r"^(?:nguồn tham khảo|references)\b", re.I)
_OBJECTIVES = re.compile(r"^(?:mục tiêu|objectives)\b", re.I)


def section_kind(section: str, body: str) -> PassageKind:
    """ "lesson", "exercise", "objectives" or "references", from the heading and how the text starts."""
    if _EXERCISE.match(section):
        return "exercise"
    if _REFERENCES.match(section):
        return "references"
    if _OBJECTIVES.match(body) or _OBJECTIVES.match(section):
        return "objectives"
    return "lesson"


def notebook_passages(course: Course | None, module_id: str, path: Path) -> list[Passage]:
    """Language-tagged markdown cells, each cited by module title and the nearest heading above it.

    An exercise's passage keeps, as `lesson`, the lesson section above it: where a hint points.
    """
    headings: dict[str, str] = {}
    lessons: dict[str, str] = {}
    passages = []
    for cell in read_cells(path):
        tag = cell_language(cell)
        if cell.get("cell_type") != "markdown" or tag not in LANGUAGES:
            continue
        language: LanguageCode = "vi" if tag == "vi" else "en"
        source = cell.get("source", "")
        if found := _HEADING.findall(source):
            headings[language] = _clean(found[0])
        body = _clean(_HEADING.sub("", source))
        section = headings.get(language, "")
        kind = section_kind(section, body)
        if kind == "lesson" and section:
            lessons[language] = section
        if len(body) < 20:
            continue
        citation = _module_title(course, module_id, language) + (f" — {section}" if section else "")
        lesson = lessons.get(language, "") if kind == "exercise" else section
        for chunk in _chunks(body):
            passages.append(Passage(language, chunk, citation, module_id, kind, section, lesson))
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
        for language in LANGUAGES:
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
        for language in LANGUAGES:
            item = entry.vi if language == "vi" else entry.en
            source = t("assistant.tutor.faq", language, question=item.question)
            source += f" · {_module_title(course, entry.module, language)}"
            text = f"{item.question} {item.text}"
            passages.append(Passage(language, text, source, entry.module, "faq", item.question))
    return passages


_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")


def _table_rows(text: str) -> str:
    """Markdown table rows as plain sentences ("a: b; c"); the header row and the rule go."""
    lines, out, header_done = text.splitlines(), [], False
    for index, line in enumerate(lines):
        stripped = line.strip()
        if not (stripped.startswith("|") and stripped.count("|") >= 2):
            out.append(line)
            header_done = False
            continue
        if _TABLE_RULE.match(stripped):
            header_done = True
            continue
        is_header = not header_done and index + 1 < len(lines) and _TABLE_RULE.match(lines[index + 1].strip())
        if is_header:
            continue
        cells = [c.strip() for c in stripped.strip("|").split("|") if c.strip()]
        if cells:
            out.append(f"{cells[0]}: {'; '.join(cells[1:])}." if len(cells) > 1 else f"{cells[0]}.")
    return "\n".join(out)


def _clean(text: str) -> str:
    """Plain words from markdown: no quote marks, tables as sentences, no emphasis or code marks;
    `report_156` and "LD <số> <nội dung>" are quoted as written."""
    text = re.sub(r"^\s*>+\s?", "", text, flags=re.MULTILINE)  # block quotes
    text = _table_rows(text)
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", text)  # images
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)  # links keep their words
    text = re.sub(r"</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?>", "", text)  # html tags, not "<số>"
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
