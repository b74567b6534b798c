"""The offline tutor: answers from the course, with quotes and citations, or says it cannot.

No generative model is involved (none installs cleanly offline); an honest retrieval tutor that quotes
the course beats a guess. Order: a deterministic skill if the question is one (scam, link, password),
else the best course passages, else "the course does not cover this". On graded cells it adds
guiding questions and never writes code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from hocso.assistant.injection import looks_like_injection
from hocso.assistant.knowledge import load_passages
from hocso.assistant.retrieval import CourseIndex
from hocso.assistant.skills import answer_with_skill
from hocso.config.models import Course, LanguageCode
from hocso.i18n import t

_VIETNAMESE_LETTERS = re.compile(
    r"[ăâđêôơưáàảãạấầẩẫậắằẳẵặéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ]", re.I
)
_VIETNAMESE_WORDS = re.compile(
    r"\b(?:la gi|lam sao|khong|cua toi|mat khau|lua dao|the nao|tai sao|co phai)\b", re.I
)


@dataclass(frozen=True)
class Citation:
    source: str
    module: str | None
    kind: str


@dataclass(frozen=True)
class TutorReply:
    text: str
    language: LanguageCode
    covered: bool
    citations: tuple[Citation, ...] = ()
    skill: str | None = None
    notes: tuple[str, ...] = field(default=())


def guess_language(text: str, default: LanguageCode = "vi") -> LanguageCode:
    """Vietnamese if the text has Vietnamese letters or common unaccented phrases, else English."""
    if _VIETNAMESE_LETTERS.search(text) or _VIETNAMESE_WORDS.search(text):
        return "vi"
    if re.search(r"[A-Za-z]{3,}", text):
        return "en"
    return default


class OfflineTutor:
    """Build once per process; `reply` is pure and thread-safe (the index is read-only)."""

    def __init__(self, course: Course | None, passages_k: int = 2) -> None:
        self.course = course
        safe = [p for p in load_passages(course) if not looks_like_injection(p.text)]
        self.index = CourseIndex(safe)
        self.passages_k = passages_k

    def reply(self, question: str, language: LanguageCode, graded: bool = False) -> TutorReply:
        notes: list[str] = []
        if looks_like_injection(question):
            notes.append(t("assistant.tutor.injection_note", language))
        if skill := answer_with_skill(question, language):
            module = self.course.knowledge.skills.get(skill.skill) if self.course else None  # type: ignore[call-overload]
            source = _module_citation(self.course, module, language) if module else skill.skill
            text = f"{skill.text}\n({t('assistant.tutor.source', language, source=source)})"
            citation = Citation(source, module, "skill")
            return TutorReply(_join(text, notes), language, True, (citation,), skill.skill, tuple(notes))
        hits = self.index.search(question, language, k=self.passages_k)
        if not hits:
            text = t("assistant.tutor.not_covered", language)
            if graded:
                text += "\n\n" + t("assistant.tutor.hint_questions", language)
            return TutorReply(_join(text, notes), language, False, notes=tuple(notes))
        lines = [t("assistant.tutor.hint_intro", language)] if graded else []
        lines.append(t("assistant.tutor.intro", language))
        citations = []
        for hit in hits:
            lines.append(f"> {hit.passage.text}")
            lines.append(f"({t('assistant.tutor.source', language, source=hit.passage.source)})")
            citations.append(Citation(hit.passage.source, hit.passage.module, hit.passage.kind))
        if graded:
            lines.append(t("assistant.tutor.hint_questions", language))
        return TutorReply(
            _join("\n".join(lines), notes), language, True, tuple(citations), notes=tuple(notes)
        )


def _module_citation(course: Course | None, module_id: str, language: LanguageCode) -> str:
    titles = {m.id: m.title(language) for m in course.modules} if course else {}
    return t("assistant.tutor.module", language, module=module_id, title=titles.get(module_id, module_id))


def _join(text: str, notes: list[str]) -> str:
    return "\n\n".join([*notes, text]) if notes else text


@cache
def shared_tutor(course_root: Path | None) -> OfflineTutor:
    """One tutor per course folder and process (the index takes ~50 ms to build)."""
    if course_root is None:
        return OfflineTutor(None)
    from hocso.config import load_course

    return OfflineTutor(load_course(course_root))
