"""`Quiz`: one single- or multiple-choice question with instant feedback and explanations.

The learner's choice is saved (see `hocso.widgets.graded`) under `question_id` the moment it changes,
as a sorted list of choice keys. A practice quiz marks its right choices (`correct=True`) and explains
them on Check; a graded quiz marks none, so the released notebook holds no key: it only saves, and
`hocso.widgets.grading.grade_selection` scores it in the hidden tests.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass

import ipywidgets as w

from hocso.config.models import LanguageCode
from hocso.i18n import t
from hocso.widgets.graded import GradedWidget
from hocso.widgets.look import (
    Text,
    Tone,
    banner,
    big_button,
    full_width,
    heading,
    localized,
    paragraph,
)


@dataclass(frozen=True)
class QuizChoice:
    """One option; `why` explains it after Check (shown for the options the learner chose or missed)."""

    key: str
    text: Text
    correct: bool = False
    why: Text | None = None


@dataclass(frozen=True)
class QuizResult:
    selected: tuple[str, ...]
    correct: bool
    missed: tuple[str, ...]
    wrong: tuple[str, ...]


class Quiz(GradedWidget):
    """A question; `multiple=True` shows checkboxes (choose every right answer) instead of radio buttons.

    With no choice marked `correct`, it is a graded question: no Check button, no verdict shown."""

    def __init__(
        self,
        question_id: str,
        prompt: Text,
        choices: Sequence[QuizChoice],
        *,
        multiple: bool = False,
        explanation: Text | None = None,
        language: LanguageCode | None = None,
        answers_file: str | os.PathLike[str] | None = None,
        save: bool = True,
    ) -> None:
        keys = [choice.key for choice in choices]
        if len(set(keys)) != len(keys) or not keys:
            raise ValueError(f"quiz {question_id!r}: choices need distinct keys, got {keys}")
        super().__init__(question_id, language=language, answers_file=answers_file, save=save)
        self.choices = tuple(choices)
        self.multiple = multiple
        self.explanation = explanation
        self.graded = not any(choice.correct for choice in choices)
        self.result: QuizResult | None = None
        lang = self.lang
        labels = [(localized(c.text, lang), c.key) for c in choices]
        self.prompt = w.HTML(heading(localized(prompt, lang)))
        self.hint = w.HTML(
            paragraph(t("widgets.quiz.choose_many" if multiple else "widgets.quiz.choose_one", lang))
        )
        if multiple:
            self.boxes = [
                w.Checkbox(description=text, indent=False, layout=full_width()) for text, _ in labels
            ]
            selector: w.Widget = w.VBox(self.boxes)
            watched: list[w.Widget] = list(self.boxes)
        else:
            self.boxes = []
            self.radio = w.RadioButtons(options=labels, value=None, layout=full_width())
            selector = self.radio
            watched = [self.radio]
        self.check_button = big_button(t("widgets.quiz.check", lang), "primary")
        self.check_button.on_click(lambda _: self.check())
        self.feedback = w.HTML()
        practice = [] if self.graded else [self.check_button, self.feedback]
        self._finish([self.prompt, self.hint, selector, *practice], watched)

    @property
    def value(self) -> tuple[str, ...]:
        """The keys the learner has selected (sorted)."""
        if self.multiple:
            return tuple(sorted(c.key for c, box in zip(self.choices, self.boxes, strict=True) if box.value))
        return (self.radio.value,) if self.radio.value is not None else ()

    @value.setter
    def value(self, keys: Sequence[str]) -> None:
        if isinstance(keys, str) or not isinstance(keys, Sequence):
            raise TypeError("a quiz's answer is a list of choice keys")
        wanted = {str(key) for key in keys}
        if self.multiple:
            for choice, box in zip(self.choices, self.boxes, strict=True):
                box.value = choice.key in wanted
        else:
            known = [c.key for c in self.choices if c.key in wanted]
            self.radio.value = known[0] if known else None

    def check(self) -> QuizResult | None:
        """Mark the selection and explain it (practice quizzes; a graded quiz shows no verdict)."""
        lang = self.lang
        selected = self.value
        if self.graded:
            return None
        if not selected:
            self.feedback.value = banner(t("widgets.quiz.nothing_chosen", lang), "info")
            return None
        right = {c.key for c in self.choices if c.correct}
        chosen = set(selected)
        self.result = QuizResult(
            selected=selected,
            correct=chosen == right,
            missed=tuple(sorted(right - chosen)),
            wrong=tuple(sorted(chosen - right)),
        )
        parts = [
            banner(t("widgets.quiz.right", lang), "good")
            if self.result.correct
            else banner(t("widgets.quiz.not_yet", lang), "bad" if self.result.wrong else "warn")
        ]
        for choice in self.choices:
            if choice.why is not None and (choice.key in chosen or choice.key in right):
                tone: Tone = "good" if choice.correct else "bad"
                parts.append(banner(f"{localized(choice.text, lang)}: {localized(choice.why, lang)}", tone))
        if self.explanation is not None:
            parts.append(paragraph(localized(self.explanation, lang)))
        self.feedback.value = "".join(parts)
        return self.result
