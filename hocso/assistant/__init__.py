"""The AI assistant: one openai client path, an offline tutor, and guardrails in front of every backend.

    from hocso.assistant import ask
    ask("Làm sao biết tin nhắn lừa đảo?")

or `%load_ext hocso.assistant` and a `%%ask` cell. `Assistant` is the object behind both;
`AssistantChat` (hocso.widgets) is its chat widget; `hocso assistant serve` shares the offline tutor
with a classroom.
"""

from __future__ import annotations

from hocso.assistant.client import Assistant, AssistantReply, assistant_for
from hocso.assistant.errors import AssistantError, AssistantSettingsError, AssistantUnavailable
from hocso.assistant.notebook import ask, load_ipython_extension
from hocso.assistant.redaction import Redaction, RedactionReport, redact

__all__ = [
    "Assistant",
    "AssistantError",
    "AssistantReply",
    "AssistantSettingsError",
    "AssistantUnavailable",
    "Redaction",
    "RedactionReport",
    "ask",
    "assistant_for",
    "load_ipython_extension",
    "redact",
]
