"""`ClassQuiz`: a quiz the whole class answers together, led from the facilitator's page.

Under `hocso present` every phone shows the question the facilitator is on (`hocso.present.live`):
"Câu tiếp ▶" moves every phone, "Hiện đáp án" shows the right choice and its explanation on every
phone, and each phone's choice is counted on the projector (the facilitator page's bar chart). The
right answer reaches a phone's browser only once revealed; a phone has no control that reveals or
moves. Outside `hocso present` (lab, authoring) the widget has its own Next and Show answer buttons.

    ClassQuiz("m04-class", {"vi": "Nhận diện lừa đảo", "en": "Spot the scam"}, [
        ClassQuestion({"vi": "...", "en": "..."}, [QuizChoice("a", {...}, correct=True, why={...}), ...]),
    ])

Nothing is saved for grading: it is practice in front of the class.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import ipywidgets as w

from hocso.config.models import LanguageCode
from hocso.i18n import t
from hocso.present import live
from hocso.widgets.look import (
    Text,
    banner,
    big_button,
    escape,
    frame,
    full_width,
    heading,
    localized,
    paragraph,
    pick_language,
)
from hocso.widgets.quiz import QuizChoice


@dataclass(frozen=True)
class ClassQuestion:
    """One question of a class quiz: its prompt, its choices (mark the right ones) and an explanation."""

    prompt: Text
    choices: Sequence[QuizChoice]
    explanation: Text | None = None


class ClassQuiz(w.VBox):
    """The question the class is on, its choices and, once revealed, the right one with its reason."""

    def __init__(
        self,
        quiz_id: str,
        title: Text,
        questions: Sequence[ClassQuestion],
        *,
        language: LanguageCode | None = None,
    ) -> None:
        if not questions or any(not q.choices for q in questions):
            raise ValueError(f"class quiz {quiz_id!r}: needs questions, each with choices")
        for question in questions:
            keys = [c.key for c in question.choices]
            if len(set(keys)) != len(keys):
                raise ValueError(f"class quiz {quiz_id!r}: choices need distinct keys, got {keys}")
        self.quiz_id = quiz_id
        self.questions = tuple(questions)
        self.lang = pick_language(language)
        self.room = live.classroom()
        self.live = live.is_live()
        self._local_step, self._local_reveal = 0, False
        self._showing: int | None = None
        self._quiet = False
        lang = self.lang
        self.title_text = localized(title, lang)
        self.title = w.HTML(heading(self.title_text))
        self.progress = w.HTML()
        self.prompt = w.HTML()
        self.radio = w.RadioButtons(options=[], value=None, layout=full_width())
        self.status = w.HTML()
        self.answer = w.HTML()
        self.radio.observe(self._chosen, names="value")
        children: list[w.Widget] = [
            self.title,
            self.progress,
            self.prompt,
            self.radio,
            self.status,
            self.answer,
        ]
        if not self.live:
            self.next_button = big_button(t("widgets.class_quiz.next", lang))
            self.reveal_button = big_button(t("widgets.class_quiz.reveal", lang), "primary")
            self.next_button.on_click(lambda _: self._move_locally(1))
            self.reveal_button.on_click(lambda _: self._reveal_locally())
            children.append(
                w.HBox([self.reveal_button, self.next_button], layout=w.Layout(flex_flow="row wrap"))
            )
        super().__init__(children, **frame())
        self.room.observe(lambda _: self._show(), names=["step", "reveal"])
        self._show()
        live.register_quiz(self._spec())

    @property
    def step(self) -> int:
        return self.room.step if self.live else self._local_step

    @property
    def revealed(self) -> bool:
        return self.room.reveal if self.live else self._local_reveal

    @property
    def question(self) -> ClassQuestion:
        return self.questions[self.step % len(self.questions)]

    def _spec(self) -> dict[str, object]:
        """What the projector needs, in the course language (right answers included: server only)."""
        lang = self.lang
        return {
            "quiz": self.quiz_id,
            "title": self.title_text,
            "questions": [
                {
                    "prompt": localized(q.prompt, lang),
                    "choices": [(c.key, localized(c.text, lang)) for c in q.choices],
                    "right": [c.key for c in q.choices if c.correct],
                    "explanation": " ".join(_reasons(q, lang)),
                }
                for q in self.questions
            ],
        }

    def _show(self) -> None:
        """Old answer out first and the question number last: a phone never shows question 2 with
        question 1's answer, even for the moment between two widget updates."""
        lang, question, number = self.lang, self.question, self.step % len(self.questions)
        if not self.revealed:
            self.answer.value = ""
        if self._showing != self.step:  # a new question: fresh choices, nothing chosen
            self._showing = self.step
            self.status.value = ""
            self.prompt.value = f'<div style="font-size:1.25em;font-weight:600">{escape(localized(question.prompt, lang))}</div>'
            self._quiet = True
            self.radio.value = None
            self.radio.options = [(localized(c.text, lang), c.key) for c in question.choices]
            self.radio.value = None
            self._quiet = False
            self.progress.value = paragraph(
                t("widgets.class_quiz.progress", lang, n=number + 1, of=len(self.questions))
            )
        self.radio.disabled = self.revealed
        if self.revealed:
            self.answer.value = self._answer_html()

    def _answer_html(self) -> str:
        lang, question = self.lang, self.question
        parts = []
        for choice in question.choices:
            if choice.correct:
                why = f": {localized(choice.why, lang)}" if choice.why else ""
                parts.append(
                    banner(
                        t("widgets.class_quiz.right_one", lang, choice=localized(choice.text, lang)) + why,
                        "good",
                    )
                )
        if question.explanation:
            parts.append(paragraph(localized(question.explanation, lang)))
        return "".join(parts)

    def _chosen(self, change: dict) -> None:
        if self._quiet or change["new"] is None or self.revealed:
            return
        live.send_answer(self.quiz_id, self.step, str(change["new"]))
        self.status.value = banner(t("widgets.class_quiz.sent", self.lang), "info")

    def _move_locally(self, by: int) -> None:
        self._local_step, self._local_reveal = self._local_step + by, False
        self._show()

    def _reveal_locally(self) -> None:
        self._local_reveal = True
        self._show()


def _reasons(question: ClassQuestion, lang: LanguageCode) -> list[str]:
    """Why the right choices are right, then the question's explanation: what the projector says."""
    reasons = [localized(c.why, lang) for c in question.choices if c.correct and c.why]
    return reasons + ([localized(question.explanation, lang)] if question.explanation else [])
