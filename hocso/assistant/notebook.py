"""Asking from a code cell: `ask("...")` and the `%%ask` cell magic (`%load_ext hocso.assistant`).

Both use one `Assistant` per kernel, so the daily quota, the history and the remote cool-down carry
over between cells. The reply renders as Markdown: what was hidden, the answer, who answered.
"""

from __future__ import annotations

from typing import Any

from hocso.assistant.client import Assistant, AssistantReply, assistant_for
from hocso.assistant.errors import AssistantSettingsError
from hocso.config.models import LanguageCode
from hocso.i18n import current_language, normalize_language

_assistant: Assistant | None = None


def default_assistant() -> Assistant:
    global _assistant
    if _assistant is None:
        _assistant = assistant_for()
    return _assistant


def ask(question: str, *, graded: bool = False, language: LanguageCode | None = None) -> AssistantReply:
    """Ask the course assistant one question; personal data is hidden before it is sent."""
    try:
        assistant = default_assistant()
    except AssistantSettingsError as error:  # the notebook shows the fix, not a traceback
        lang = normalize_language(language) if language else current_language()
        return AssistantReply(error.message, "none", lang)
    return assistant.ask(question, graded=graded, language=language)


def ask_magic(line: str, cell: str) -> AssistantReply:
    """`%%ask [--graded] [--en|--vi]`: the cell body is the question."""
    options = line.split()
    language: LanguageCode | None = "en" if "--en" in options else "vi" if "--vi" in options else None
    return ask(cell, graded="--graded" in options, language=language)


def load_ipython_extension(ipython: Any) -> None:
    ipython.register_magic_function(ask_magic, magic_kind="cell", magic_name="ask")
