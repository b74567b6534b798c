"""`AssistantChat`: ask the course assistant from a notebook, seeing what is hidden before it is sent.

Send → if personal data was found, a preview says what will be hidden, with "Send the hidden version"
and "Cancel"; otherwise it is sent at once. The answer streams into the chat, then joins the history
with the backend that answered. Testable without a browser: set `question.value`, call
`send_button.click()`, read `history` and `last_reply`.
"""

from __future__ import annotations

import html

import ipywidgets as w

from hocso.assistant.client import Assistant, AssistantReply, assistant_for
from hocso.assistant.redaction import RedactionReport
from hocso.config.models import LanguageCode
from hocso.i18n import current_language, t


class AssistantChat(w.VBox):
    """A chat box over `Assistant`; `graded=True` when it sits next to a graded exercise."""

    def __init__(
        self, assistant: Assistant | None = None, language: LanguageCode | None = None, graded: bool = False
    ) -> None:
        self.assistant = assistant or assistant_for()
        self.graded = graded
        self.history: list[dict[str, str]] = []
        self.last_reply: AssistantReply | None = None
        self.pending: RedactionReport | None = None
        self._pending_question: str | None = None
        lang = language or current_language()
        self.language = w.Dropdown(options=[("Tiếng Việt", "vi"), ("English", "en")], value=lang)
        self.transcript = w.HTML()
        self.streaming = w.HTML()
        self.question = w.Textarea(layout=w.Layout(width="100%"))
        self.send_button = w.Button(button_style="primary")
        self.preview = w.HTML()
        self.confirm_button = w.Button(button_style="warning")
        self.cancel_button = w.Button()
        self.preview_box = w.VBox([self.preview, w.HBox([self.confirm_button, self.cancel_button])])
        self.backend = w.HTML()
        self.send_button.on_click(lambda _: self.send())
        self.confirm_button.on_click(lambda _: self.confirm())
        self.cancel_button.on_click(lambda _: self.cancel())
        self.language.observe(lambda _: self._relabel(), names="value")
        super().__init__(
            [
                self.language,
                self.transcript,
                self.streaming,
                self.question,
                self.send_button,
                self.preview_box,
                self.backend,
            ]
        )
        self._relabel()
        self._show_preview(False)

    @property
    def lang(self) -> LanguageCode:
        return self.language.value

    def send(self) -> None:
        """Check the question for personal data; send it, or show the preview first."""
        text = self.question.value.strip()
        if not text:
            return
        report = self.assistant.preview(text, self.lang)
        if report.changed:
            self.pending, self._pending_question = report, text
            self.preview.value = (
                f"<b>{html.escape(report.summary(self.lang))}</b> {html.escape(t('assistant.widget.cancel_note', self.lang))}"
                f"<br><code>{html.escape(report.text)}</code>"
            )
            self._show_preview(True)
            return
        self._ask(text)

    def confirm(self) -> None:
        if self._pending_question is not None:
            self._ask(self._pending_question)

    def cancel(self) -> None:
        self.pending, self._pending_question = None, None
        self._show_preview(False)
        self.backend.value = html.escape(t("assistant.guard.cancelled", self.lang))

    def _ask(self, text: str) -> None:
        self._show_preview(False)
        self.pending, self._pending_question = None, None
        self.question.value = ""
        # the history shows what was sent, not the secret
        shown = self.assistant.preview(text, self.lang).text
        self.history.append({"role": "user", "text": shown})
        self._render()
        pieces: list[str] = []

        def on_text(delta: str) -> None:
            pieces.append(delta)
            self.streaming.value = _paragraphs("".join(pieces))

        reply = self.assistant.ask(text, graded=self.graded, language=self.lang, on_text=on_text)
        self.streaming.value = ""
        self.last_reply = reply
        self.history.append({"role": "assistant", "text": reply.text, "backend": reply.backend})
        note = t("assistant.backend.answered_by", self.lang, backend=reply.backend_label)
        if reply.fallback_reason:
            note = t("assistant.backend.fallback", self.lang, reason=reply.fallback_reason) + " " + note
        self.backend.value = html.escape(note)
        self._render()

    def _render(self) -> None:
        rows = []
        for message in self.history:
            who = t(
                "assistant.widget.you" if message["role"] == "user" else "assistant.widget.assistant",
                self.lang,
            )
            rows.append(f"<p><b>{html.escape(who)}:</b></p>{_paragraphs(message['text'])}")
        self.transcript.value = "".join(rows)

    def _relabel(self) -> None:
        self.question.placeholder = t("assistant.widget.placeholder", self.lang)
        self.send_button.description = t("assistant.widget.send", self.lang)
        self.confirm_button.description = t("assistant.widget.confirm", self.lang)
        self.cancel_button.description = t("assistant.widget.cancel", self.lang)
        self.language.description = t("assistant.widget.language", self.lang)
        self._render()

    def _show_preview(self, visible: bool) -> None:
        self.preview_box.layout.display = None if visible else "none"


def _paragraphs(text: str) -> str:
    return "".join(f"<p>{html.escape(line)}</p>" for line in text.splitlines() if line.strip())
