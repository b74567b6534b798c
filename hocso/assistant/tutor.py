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

from hocso.assistant.graded_items import GradedItems
from hocso.assistant.injection import looks_like_injection, without_injection
from hocso.assistant.knowledge import load_passages
from hocso.assistant.retrieval import CourseIndex
from hocso.assistant.skills import answer_with_skill
from hocso.config.models import Course, LanguageCode
from hocso.i18n import t
from hocso.safety.text import fold_diacritics

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


_ANSWER_SEEKING = re.compile(
    r"\b(?:dap an|loi giai|giai (?:ho|giup|bai)|lam (?:ho|giup)|chon (?:gi|cai nao|dap an)|ket qua dung|"
    r"cau tra loi (?:dung|cho bai)|answers? (?:to|for|of)|the answers?\b|solutions?|solve|"
    r"do (?:my|the|this) (?:exercise|homework|task)|correct (?:answer|choice|option)s?|which (?:one|option) is (?:right|correct))"
)
_MODULE_ID = re.compile(r"\bm(?:odule\s*|ô-?đun\s*|bai\s*)?(\d{1,2})\b", re.I)


_PROMPT = re.compile(r"system prompt|cau lenh he thong|your (?:system )?prompt")
_PLACEHOLDER = re.compile(r"\[[^\[\]]{2,30}\]")


def _without_placeholders(question: str) -> str:
    """Redaction's labels ([SĐT], [EMAIL]) say nothing about the question; an OTP's says "OTP"."""
    return _PLACEHOLDER.sub(lambda m: " OTP " if "OTP" in m.group(0) else " ", question)


_SECRETS = re.compile(r"answer key|hidden tests?|solution|dap an|loi giai")


def asks_for_answer(question: str) -> bool:
    """Whether the learner asks for an exercise's answer or solution (vi with or without diacritics, en)."""
    return bool(_ANSWER_SEEKING.search(fold_diacritics(question).lower()))


class OfflineTutor:
    """Build once per process; `reply` is pure and thread-safe (the indexes are read-only).

    Lesson text, glossary and FAQ answer questions; exercises' own text is indexed apart, only to
    find which lesson section a question about an exercise should be pointed to.
    """

    def __init__(self, course: Course | None, passages_k: int = 2) -> None:
        self.course = course
        safe = [p for p in load_passages(course) if not looks_like_injection(p.text)]
        self.index = CourseIndex([p for p in safe if p.quotable])
        self.exercises = CourseIndex(
            [p for p in safe if p.kind == "exercise"], min_score=0.5, min_coverage=0.2
        )
        self.graded_items = GradedItems(course)
        self.passages_k = passages_k

    def reply(self, question: str, language: LanguageCode, graded: bool = False) -> TutorReply:
        notes: list[str] = []
        if looks_like_injection(question):
            notes.append(t("assistant.tutor.injection_note", language))
            asked_for_answer = asks_for_answer(question) or _SECRETS.search(fold_diacritics(question).lower())
            asks_for_prompt = _PROMPT.search(fold_diacritics(question).lower())
            question = without_injection(question)  # search the course for what is left
            if asked_for_answer:
                return self._hint(question, language, notes)
            if asks_for_prompt:  # the rules themselves are never shown, and the course has no more to say
                text = t("assistant.tutor.not_covered", language)
                return TutorReply(_join(text, notes), language, False, notes=tuple(notes))
        if module := self.graded_items.match(question):  # a graded exercise's own message or link
            return self._decline_item(module, question, language, notes)
        if graded or asks_for_answer(question):
            return self._hint(question, language, notes)
        if skill := answer_with_skill(question, language):
            module = self.course.knowledge.skills.get(skill.skill) if self.course else None
            source = _module_citation(self.course, module, language) if module else skill.skill
            text = f"{skill.text}\n({t('assistant.tutor.source', language, source=source)})"
            citation = Citation(source, module, "skill")
            return TutorReply(_join(text, notes), language, True, (citation,), skill.skill, tuple(notes))
        hits = self.index.search(_without_placeholders(question), language, k=self.passages_k)
        if not hits:
            text = t("assistant.tutor.not_covered", language)
            return TutorReply(_join(text, notes), language, False, notes=tuple(notes))
        # the best passage, and the next only when it scores nearly as well (two answers, not noise)
        chosen = [hits[0], *[h for h in hits[1:] if h.score >= 0.9 * hits[0].score]]
        lines = [t("assistant.tutor.intro", language)]
        citations = []
        for hit in chosen:
            lines.append(hit.passage.text)
            lines.append(f"({t('assistant.tutor.source', language, source=hit.passage.source)})")
            citations.append(Citation(hit.passage.source, hit.passage.module, hit.passage.kind))
        return TutorReply(
            _join("\n".join(lines), notes), language, True, tuple(citations), notes=tuple(notes)
        )

    def _lesson_for(self, question: str, language: LanguageCode, module: str | None) -> Citation | None:
        """The lesson section that teaches what the question (about an exercise) needs: the exercise
        it names is found first, then the lesson passage of its module closest to that exercise."""
        exercises = self.exercises.search(question, language, k=5)
        if module:
            exercises = [h for h in exercises if h.passage.module == module]
        query = question
        if exercises:
            query = f"{question} {exercises[0].passage.text}"
            module = module or exercises[0].passage.module
        lessons = [
            h
            for h in self.index.search(query, language, k=40, strict=False)
            if h.passage.kind == "lesson" and h.score > 0
        ]
        if module:
            lessons = [h for h in lessons if h.passage.module == module]
        if lessons:
            return Citation(lessons[0].passage.source, lessons[0].passage.module, "lesson")
        if module:
            return Citation(_module_citation(self.course, module, language), module, "module")
        return None

    def _hint(self, question: str, language: LanguageCode, notes: list[str]) -> TutorReply:
        """A graded exercise: where in the lesson to look, and why the answer itself is not given."""
        named = _MODULE_ID.search(question)
        module = f"m{int(named.group(1)):02d}" if named else None
        lesson = self._lesson_for(question, language, module)
        lines = [t("assistant.tutor.graded_why", language)]
        if lesson:
            lines.append(t("assistant.tutor.graded_look", language, source=lesson.source))
        lines.append(t("assistant.tutor.hint_questions", language))
        citations = (lesson,) if lesson else ()
        return TutorReply(_join("\n".join(lines), notes), language, True, citations, "hint", tuple(notes))

    def _decline_item(
        self, module: str, question: str, language: LanguageCode, notes: list[str]
    ) -> TutorReply:
        lesson = self._lesson_for(question, language, module)
        lines = [t("assistant.tutor.graded_item", language, module=module)]
        if lesson:
            lines.append(t("assistant.tutor.graded_look", language, source=lesson.source))
        citations = (lesson,) if lesson else ()
        return TutorReply(_join("\n".join(lines), notes), language, True, citations, "declined", tuple(notes))


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
