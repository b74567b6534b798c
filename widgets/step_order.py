"""`StepOrder`: put the steps of a procedure in order (what to do first when a scam already took your
money, how to check an app before installing it). Each step is a card with its whole text and a row of
number buttons (1, 2, 3…): a thumb on a 390 px phone reads every step and taps its place; a number
given to two steps is flagged.

Saves the step ids in the learner's order (`""` for a place no step has yet); scored by
`hocso.widgets.grading.grade_order`. Steps are shown in the order given, so give them shuffled.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any

import ipywidgets as w

from hocso.config.models import LanguageCode
from hocso.i18n import t
from hocso.widgets.graded import GradedWidget
from hocso.widgets.look import FONT, Text, banner, escape, heading, localized, paragraph


class StepOrder(GradedWidget):
    """`steps`: `{step id: text}`, shown in this order; the learner gives each step its place 1..n."""

    def __init__(
        self,
        question_id: str,
        steps: Mapping[str, Text],
        *,
        title: Text | None = None,
        prompt: Text | None = None,
        language: LanguageCode | None = None,
        answers_file: str | os.PathLike[str] | None = None,
        save: bool = True,
    ) -> None:
        super().__init__(question_id, language=language, answers_file=answers_file, save=save)
        lang = self.lang
        if len(steps) < 2:
            raise ValueError(f"step order {question_id!r}: give at least two steps")
        self.steps = dict(steps)
        places = [(str(number), number) for number in range(1, len(steps) + 1)]
        self.places: dict[str, w.ToggleButtons] = {
            step: w.ToggleButtons(options=places, value=None, style={"button_width": "auto"})
            for step in steps
        }
        cards = [
            w.VBox(
                [
                    w.HTML(f'<div class="hocso-text" style="{FONT}">{escape(localized(text, lang))}</div>'),
                    self.places[step],
                ],
                layout=w.Layout(border="1px solid #d1d5db", padding="8px", margin="6px 0"),
                _dom_classes=("hocso-card",),
            )
            for step, text in steps.items()
        ]
        self.warning = w.HTML()
        for toggle in self.places.values():
            toggle.observe(lambda _: self._show_repeats(), names="value")
        head = [w.HTML(heading(localized(title, lang)))] if title is not None else []
        intro = paragraph(localized(prompt, lang) if prompt is not None else t("widgets.order.intro", lang))
        self._finish([*head, w.HTML(intro), *cards, self.warning], list(self.places.values()))

    @property
    def value(self) -> list[str]:
        """Step ids by place (place 1 first); `""` where no step has that place yet."""
        order = [""] * len(self.steps)
        for step, toggle in self.places.items():
            if toggle.value is not None and not order[toggle.value - 1]:
                order[toggle.value - 1] = step
        return order

    @value.setter
    def value(self, order: Sequence[Any]) -> None:
        if isinstance(order, str | Mapping) or not isinstance(order, Sequence):
            raise TypeError("a step order's answer is a list of step ids")
        place = {str(step): index + 1 for index, step in enumerate(order) if step and index < len(self.steps)}
        for step, toggle in self.places.items():
            toggle.value = place.get(step)

    def _show_repeats(self) -> None:
        given = [toggle.value for toggle in self.places.values() if toggle.value is not None]
        repeated = len(given) != len(set(given))
        self.warning.value = banner(t("widgets.order.repeated", self.lang), "warn") if repeated else ""
