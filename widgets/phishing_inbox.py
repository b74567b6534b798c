"""`PhishingInbox`: a phone-style inbox of SMS, Zalo, e-mail and call messages to flag as scam or safe.

The learner flags each message, then presses Check to see which were scams and their red flags.
Flags are saved as they are given (`{message id: "scam" | "safe"}`, see `hocso.widgets.answers`),
so a graded cell can score each message. Messages come from `hocso.safety.phishing.load_messages`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import ipywidgets as w

from hocso.config.models import LanguageCode
from hocso.i18n import t
from hocso.safety.links import find_urls
from hocso.safety.phishing import Message, explain, load_messages
from hocso.widgets.graded import PerItemChoices
from hocso.widgets.look import (
    FONT,
    Tone,
    banner,
    big_button,
    escape,
    heading,
    paragraph,
)

CHANNEL_ICONS = {"sms": "📱", "zalo": "💬", "email": "✉️", "call": "📞"}
CHOICES = ("scam", "safe")


@dataclass(frozen=True)
class InboxResult:
    right: int
    total: int
    wrong_ids: tuple[str, ...]
    unanswered_ids: tuple[str, ...]


class PhishingInbox(PerItemChoices):
    """`messages`: a list of `Message`, a message-set JSON path, or None for the course's default set.

    `only` picks message ids, in that order (the course set has dozens; an exercise shows a few).
    Otherwise, with `same_language_only` (default), messages in the widget's language are shown,
    unless the set has none in it. The course's message sets carry their labels, so the inbox is for
    practice (Check reveals each verdict); a graded inbox is a `ChoiceBoard` over unlabelled messages.
    """

    def __init__(
        self,
        question_id: str = "inbox",
        messages: Sequence[Message] | str | os.PathLike[str] | None = None,
        *,
        only: Sequence[str] | None = None,
        same_language_only: bool = True,
        language: LanguageCode | None = None,
        answers_file: str | os.PathLike[str] | None = None,
        save: bool = True,
    ) -> None:
        super().__init__(question_id, language=language, answers_file=answers_file, save=save)
        self.result: InboxResult | None = None
        loaded = list(messages) if isinstance(messages, Sequence) and not isinstance(messages, str) else None
        if loaded is None:
            loaded = load_messages(Path(messages) if isinstance(messages, (str, os.PathLike)) else None)
        if only is not None:
            by_id = {m.id: m for m in loaded}
            if unknown := [mid for mid in only if mid not in by_id]:
                raise ValueError(f"inbox {question_id!r}: no messages with ids {unknown} in the message set")
            loaded = [by_id[mid] for mid in only]
            same_language_only = False
        in_language = [m for m in loaded if m.lang == self.lang]
        self.messages: tuple[Message, ...] = tuple(
            in_language if same_language_only and in_language else loaded
        )
        lang = self.lang
        labels = [(t(f"widgets.inbox.{choice}", lang), choice) for choice in CHOICES]
        self.flags: dict[str, w.ToggleButtons] = {}
        self.item_controls = self.flags
        self.reveals: dict[str, w.HTML] = {}
        self.cards: dict[str, w.HTML] = {}
        rows = []
        for message in self.messages:
            self.cards[message.id] = w.HTML(self._card_html(message, revealed=False))
            self.flags[message.id] = toggle = w.ToggleButtons(
                options=labels, value=None, style={"button_width": "9em"}
            )
            self.reveals[message.id] = w.HTML()
            rows.append(
                w.VBox(
                    [self.cards[message.id], toggle, self.reveals[message.id]],
                    layout=w.Layout(border="1px solid #d1d5db", padding="8px", margin="6px 0"),
                    _dom_classes=("hocso-card",),
                )
            )
        self.check_button = big_button(t("widgets.inbox.check", lang), "primary")
        self.check_button.on_click(lambda _: self.check())
        self.summary = w.HTML()
        phone = w.VBox(
            rows,
            layout=w.Layout(width="100%", max_width="30em", border="4px solid #111827", padding="12px"),
            _dom_classes=("hocso-phone",),
        )
        self._finish(
            [
                w.HTML(heading(t("widgets.inbox.title", lang))),
                w.HTML(paragraph(t("widgets.inbox.intro", lang))),
                phone,
                self.check_button,
                self.summary,
            ],
            list(self.flags.values()),
        )

    def check(self) -> InboxResult:
        """Show the truth for every message: right or wrong, the red flags, and why."""
        lang = self.lang
        flags = self.value
        wrong, unanswered = [], []
        for message in self.messages:
            truth = "scam" if message.is_scam else "safe"
            given = flags.get(message.id)
            if given is None:
                unanswered.append(message.id)
            elif given != truth:
                wrong.append(message.id)
            self.cards[message.id].value = self._card_html(message, revealed=True)
            self.reveals[message.id].value = self._reveal_html(message, given)
        total = len(self.messages)
        self.result = InboxResult(
            total - len(wrong) - len(unanswered), total, tuple(wrong), tuple(unanswered)
        )
        tone: Tone = "good" if self.result.right == total else "warn"
        self.summary.value = banner(
            t("widgets.inbox.score", lang, right=self.result.right, total=total), tone
        )
        return self.result

    def _card_html(self, message: Message, revealed: bool) -> str:
        icon = CHANNEL_ICONS.get(message.channel, "✉️")
        channel = t(f"widgets.inbox.channel.{message.channel}", self.lang)
        text = escape(message.text)
        if revealed and message.is_scam:
            for url in sorted(set(find_urls(message.text)), key=len, reverse=True):
                mark = f'<mark style="background:#fecaca;text-decoration:underline wavy #b91c1c">{escape(url)}</mark>'
                text = re.sub(re.escape(escape(url)), mark, text)
        return (
            f'<div style="{FONT}"><div style="color:#374151;font-size:0.9em">{icon} {escape(channel)} · '
            f"<b>{escape(message.sender)}</b></div>"
            f'<div style="background:#f3f4f6;border-radius:12px;padding:8px 10px;margin-top:4px;'
            f'white-space:pre-wrap">{text}</div></div>'
        )

    def _reveal_html(self, message: Message, given: str | None) -> str:
        lang = self.lang
        truth = "scam" if message.is_scam else "safe"
        if given is None:
            verdict = banner(t(f"widgets.inbox.was_{truth}", lang), "info")
        elif given == truth:
            verdict = banner(
                t("widgets.inbox.right", lang) + " " + t(f"widgets.inbox.was_{truth}", lang), "good"
            )
        else:
            verdict = banner(
                t("widgets.inbox.wrong", lang) + " " + t(f"widgets.inbox.was_{truth}", lang), "bad"
            )
        chips = "".join(
            f'<div style="{FONT};margin:2px 0"><span style="background:#fee2e2;color:#7f1d1d;border-radius:10px;'
            f'padding:1px 8px;font-weight:600">🚩</span> {escape(explain(flag, lang))}</div>'
            for flag in message.red_flags
        )
        return verdict + chips + paragraph(message.explain(lang))
