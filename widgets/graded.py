"""`GradedWidget`: the one base every answer-giving widget shares (question id, language, answers file,
save on change, restore on creation, value), so a new exercise widget is one small file.

nbgrader grades by re-running the notebook, and nobody clicks during that run, so the answer has to
be on disk before the learner submits. The base writes it the moment a control changes (never when
the widget is created), says "saved" only after the write succeeded, and reads it back when the cell
runs again (after a kernel restart or a browser reload), so the learner sees what they chose.

A subclass builds its controls, then calls `self._finish(children, watched)`:

    class YesNo(GradedWidget):
        def __init__(self, question_id, prompt, **kwargs):
            super().__init__(question_id, **kwargs)
            self.toggle = w.ToggleButtons(options=["yes", "no"], value=None)
            self._finish([w.HTML(prompt), self.toggle], [self.toggle])

        @property
        def value(self): return self.toggle.value

        @value.setter
        def value(self, answer): self.toggle.value = answer

A graded widget never carries the answer key: the key sits in the hidden tests
(`hocso.widgets.grading`), and feedback reaches the learner through the graded notebook.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import ipywidgets as w

from hocso.config.models import LanguageCode
from hocso.i18n import t
from hocso.widgets.answers import AnswersError, save_answer, saved_answers
from hocso.widgets.look import banner, frame, paragraph, pick_language


class GradedWidget(w.VBox):
    """Saves `value` under `question_id` whenever a watched control changes; restores it on creation."""

    def __init__(
        self,
        question_id: str,
        *,
        language: LanguageCode | None = None,
        answers_file: str | os.PathLike[str] | None = None,
        save: bool = True,
    ) -> None:
        if not question_id or not isinstance(question_id, str):
            raise ValueError("a graded widget needs a question id (a short string such as 'm04-inbox')")
        self.question_id = question_id
        self.lang = pick_language(language)
        self.answers_file = answers_file
        self.save = save
        self.save_status = w.HTML()
        self.saved = False  # True once this answer is on disk (or restored from it)
        self._restoring = False

    # subclasses override both
    @property
    def value(self) -> Any:
        raise NotImplementedError

    @value.setter
    def value(self, answer: Any) -> None:
        raise NotImplementedError

    def _finish(self, children: Sequence[w.Widget], watched: Sequence[w.Widget]) -> None:
        """Lay the widget out, restore a saved answer, then save on every change of `watched`."""
        w.VBox.__init__(self, [*children, self.save_status], **frame())
        self.restore()
        for control in watched:
            control.observe(self._changed, names="value")

    def restore(self) -> bool:
        """Show the saved answer, if there is one; True when something was restored."""
        if not self.save:
            return False
        saved = saved_answers(self.answers_file).get(self.question_id)
        if saved is None:
            return False
        self._restoring = True
        try:
            self.value = saved
        except (TypeError, ValueError, KeyError):
            return False  # an answer of another shape (the exercise changed): start afresh
        finally:
            self._restoring = False
        self.saved = True
        self.save_status.value = paragraph(t("widgets.graded.restored", self.lang))
        return True

    def persist(self) -> bool:
        """Write the current answer now; the status line says whether it is really saved."""
        if not self.save:
            return False
        try:
            save_answer(self.question_id, self._answer_to_save(), self.answers_file, language=self.lang)
        except (AnswersError, OSError) as error:
            self.saved = False
            self.save_status.value = banner(t("widgets.graded.not_saved", self.lang, reason=error), "warn")
            return False
        self.saved = True
        when = datetime.now().strftime("%H:%M:%S")
        self.save_status.value = paragraph(t("widgets.graded.saved_at", self.lang, time=when))
        return True

    def _answer_to_save(self) -> Any:
        """What goes into the answers file (JSON): the value; tuples become lists."""
        value = self.value
        return list(value) if isinstance(value, tuple) else value

    def _changed(self, _change: object = None) -> None:
        if not self._restoring:
            self.persist()


class PerItemChoices(GradedWidget):
    """A graded widget whose answer is one choice per item, `{item id: choice key}`: an inbox, a
    settings screen, claims to judge. The subclass puts one choice control per item in
    `self.item_controls` before `_finish`; the value and its restoring are here, once."""

    item_controls: dict[str, w.ToggleButtons | w.RadioButtons]

    @property
    def value(self) -> dict[str, str]:
        """The choices made so far (items not yet decided left out)."""
        return {item: c.value for item, c in self.item_controls.items() if c.value is not None}

    @value.setter
    def value(self, answer: Mapping[str, Any]) -> None:
        if not isinstance(answer, Mapping):
            raise TypeError(f"{type(self).__name__}'s answer is {{item id: choice}}")
        for item, control in self.item_controls.items():
            choice = answer.get(item)
            control.value = choice if choice in [key for _, key in control.options] else None
