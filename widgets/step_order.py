"""`StepOrder`: put the steps of a procedure in order (what to do first when a scam already took your
money, how to check an app before installing it). Each position is a drop-down of the steps, which
works with a thumb on a phone and with a projector's remote; a step chosen twice is flagged.

Saves the step ids in the learner's order (`""` for a position not chosen yet); scored by
`hocso.widgets.grading.grade_order`. Steps are offered in the order given, so give them shuffled.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any

import ipywidgets as w
from hocso.widgets.graded import GradedWidget
from hocso.widgets.look import Text, banner, full_width, heading, localized, paragraph

from hocso.i18n import t


class StepOrder(GradedWidget):
    """`steps`: `{step id: text}`, offered in this order; the learner fills positions 1..n."""

    def __init__(
        self,
        question_id: str,
        steps: Mapping[str, Text],
        *,
        title: Text | None = None,
        prompt: Text | None = None,
        language: str | None = None,
        answers_file: str | os.PathLike[str] | None = None,
        save: bool = True,
    ) -> None:
        super().__init__(question_id, language=language, answers_file=answers_file, save=save)
        lang = self.lang
        if len(steps) < 2:
            raise ValueError(f"step order {question_id!r}: give at least two steps")
        self.steps = dict(steps)
        options = [(t("widgets.order.pick", lang), ""), *((localized(v, lang), k) for k, v in steps.items())]
        self.positions = [
            w.Dropdown(
                options=options,
                value="",
                description=t("widgets.order.step", lang, number=number),
                style={"description_width": "5em"},
                layout=full_width(),
            )
            for number in range(1, len(steps) + 1)
        ]
        self.warning = w.HTML()
        for dropdown in self.positions:
            dropdown.observe(lambda _: self._show_repeats(), names="value")
        head = [w.HTML(heading(localized(title, lang)))] if title is not None else []
        intro = paragraph(localized(prompt, lang) if prompt is not None else t("widgets.order.intro", lang))
        self._finish([*head, w.HTML(intro), *self.positions, self.warning], self.positions)

    @property
    def value(self) -> list[str]:
        return [dropdown.value for dropdown in self.positions]

    @value.setter
    def value(self, order: Sequence[Any]) -> None:
        if isinstance(order, str | Mapping) or not isinstance(order, Sequence):
            raise TypeError("a step order's answer is a list of step ids")
        for index, dropdown in enumerate(self.positions):
            step = str(order[index]) if index < len(order) and order[index] else ""
            dropdown.value = step if step in self.steps else ""

    def _show_repeats(self) -> None:
        chosen = [step for step in self.value if step]
        repeated = len(chosen) != len(set(chosen))
        self.warning.value = banner(t("widgets.order.repeated", self.lang), "warn") if repeated else ""
