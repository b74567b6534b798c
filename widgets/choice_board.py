"""`ChoiceBoard`: decide for each item (a message, a setting, a permission, a step of a call), one
choice per item. The course's general-purpose graded exercise: an inbox to sort, a settings screen
to set, an app's permissions to allow or refuse, the claims of an AI answer to judge.

Saves `{item id: choice key}`; it shows no right or wrong (the key is in the hidden tests, see
`hocso.widgets.grading`). Items and choices come from the notebook or from a JSON file the module
ships without labels:

    [{"id": "g1", "title": {"vi": "SMS · SenVangBank", "en": "SMS · SenVangBank"},
      "text": {"vi": "...", "en": "..."}, "icon": "📱"}, ...]
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import ipywidgets as w

from hocso.config.models import LanguageCode
from hocso.i18n import t
from hocso.widgets.graded import PerItemChoices
from hocso.widgets.look import FONT, Text, escape, full_width, heading, localized, paragraph


@dataclass(frozen=True)
class BoardItem:
    """One thing to decide about: `text` is what the learner reads, `title` a line above it."""

    id: str
    text: Text
    title: Text | None = None
    icon: str = ""
    choices: Mapping[str, Text] | None = None  # this item's own choices, instead of the board's


def load_items(path: str | os.PathLike[str]) -> list[BoardItem]:
    """Items from a JSON list of `{"id", "text", "title"?, "icon"?, "choices"?}`; errors name the file."""
    source = Path(path)
    try:
        raw = json.loads(source.read_text(encoding="utf-8"))
        return [
            BoardItem(
                id=str(entry["id"]),
                text=entry["text"],
                title=entry.get("title"),
                icon=str(entry.get("icon", "")),
                choices=entry.get("choices"),
            )
            for entry in raw
        ]
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise ValueError(
            f"{source}: cannot read the exercise items ({type(error).__name__}: {error}); "
            'expected a JSON list of {"id": ..., "text": {"vi": ..., "en": ...}}'
        ) from None


class ChoiceBoard(PerItemChoices):
    """`items`: BoardItems (or a JSON path); `choices`: `{key: label}` offered for every item."""

    def __init__(
        self,
        question_id: str,
        items: Sequence[BoardItem] | str | os.PathLike[str],
        choices: Mapping[str, Text] | None = None,
        *,
        title: Text | None = None,
        prompt: Text | None = None,
        phone: bool = False,
        language: LanguageCode | None = None,
        answers_file: str | os.PathLike[str] | None = None,
        save: bool = True,
    ) -> None:
        super().__init__(question_id, language=language, answers_file=answers_file, save=save)
        lang = self.lang
        self.items = tuple(load_items(items) if isinstance(items, str | os.PathLike) else items)
        ids = [item.id for item in self.items]
        if not ids or len(set(ids)) != len(ids):
            raise ValueError(f"choice board {question_id!r}: items need distinct ids, got {ids}")
        self.toggles: dict[str, w.ToggleButtons | w.RadioButtons] = {}
        self.item_controls = self.toggles
        rows: list[w.Widget] = []
        for item in self.items:
            options = item.choices or choices
            if not options:
                raise ValueError(f"choice board {question_id!r}: item {item.id!r} has no choices")
            labels = [(localized(label, lang), key) for key, label in options.items()]
            toggle = _choice_control(labels)
            self.toggles[item.id] = toggle
            rows.append(
                w.VBox(
                    [w.HTML(self._card_html(item)), toggle],
                    layout=w.Layout(border="1px solid #d1d5db", padding="8px", margin="6px 0"),
                    _dom_classes=("hocso-card",),
                )
            )
        body: w.Widget = w.VBox(rows)
        if phone:
            body = w.VBox(
                rows,
                layout=w.Layout(width="100%", max_width="30em", border="4px solid #111827", padding="12px"),
                _dom_classes=("hocso-phone",),
            )
        head = [w.HTML(heading(localized(title, lang)))] if title is not None else []
        intro = paragraph(localized(prompt, lang) if prompt is not None else t("widgets.board.choose", lang))
        self._finish([*head, w.HTML(intro), body], list(self.toggles.values()))

    def _card_html(self, item: BoardItem) -> str:
        lang = self.lang
        title = (
            f'<div style="color:#374151;font-size:0.9em">{escape(item.icon)} <b>{escape(localized(item.title, lang))}</b></div>'
            if item.title is not None
            else ""
        )
        return (
            f'<div class="hocso-text" style="{FONT}">{title}<div style="background:#f3f4f6;border-radius:12px;'
            f'padding:8px 10px;margin-top:4px;white-space:pre-wrap">{escape(localized(item.text, lang))}</div></div>'
        )


SHORT_LABEL = 22  # characters: longer choices are a list of radio buttons, one per line


def _choice_control(labels: list[tuple[str, str]]) -> w.ToggleButtons | w.RadioButtons:
    """Short choices as a row of big buttons; sentences as radio buttons, each on its own line, so a
    phone never squeezes two sentences into one grey block."""
    if max(len(text) for text, _ in labels) <= SHORT_LABEL:
        return w.ToggleButtons(options=labels, value=None, style={"button_width": "auto"})
    return w.RadioButtons(options=labels, value=None, layout=full_width())
