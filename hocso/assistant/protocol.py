"""The slice of the OpenAI chat-completions wire format the offline tutor speaks.

Requests are validated with pydantic, so a bad body gets an OpenAI-style 400 that names the field.
Unknown request fields are ignored, as OpenAI-compatible servers do. `hocso` is our one extension
(language, graded); the client sends it only to the offline tutor, never to a remote server.
"""

from __future__ import annotations

import json
import time
import uuid
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from hocso.config.models import LanguageCode


class ContentPart(BaseModel):
    model_config = ConfigDict(extra="ignore")
    type: str
    text: str | None = None


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="ignore")
    role: Literal["system", "developer", "user", "assistant", "tool"]
    content: str | list[ContentPart] | None = None

    @property
    def text(self) -> str:
        if isinstance(self.content, list):
            return "\n".join(part.text or "" for part in self.content if part.type == "text")
        return self.content or ""


class HocsoOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")
    language: LanguageCode | None = None
    graded: bool = False
    cell: str | None = None  # the (redacted) source of the cell asked about, as context


class ChatRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")
    model: str = Field(min_length=1)
    messages: list[ChatMessage] = Field(min_length=1)
    stream: bool = False
    user: str | None = None
    hocso: HocsoOptions = HocsoOptions()


def completion_id() -> str:
    return f"chatcmpl-{uuid.uuid4().hex[:24]}"


def usage(prompt: str, answer: str) -> dict[str, int]:
    """Word counts standing in for tokens: the tutor has no tokenizer, and clients only display these."""
    p, c = len(prompt.split()), len(answer.split())
    return {"prompt_tokens": p, "completion_tokens": c, "total_tokens": p + c}


def completion(model: str, text: str, prompt: str, extension: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": completion_id(),
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": text},
                "finish_reason": "stop",
                "logprobs": None,
            }
        ],
        "usage": usage(prompt, text),
        "hocso": extension,
    }


def stream_events(model: str, text: str, extension: dict[str, Any]) -> list[bytes]:
    """SSE events: a role chunk, the answer line by line, a stop chunk, then [DONE]."""
    ident, created = completion_id(), int(time.time())

    def chunk(delta: dict[str, Any], finish: str | None = None, **extra: Any) -> bytes:
        body = {
            "id": ident,
            "object": "chat.completion.chunk",
            "created": created,
            "model": model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}],
            **extra,
        }
        return f"data: {json.dumps(body, ensure_ascii=False)}\n\n".encode()

    pieces = text.splitlines(keepends=True) or [text]
    events = [chunk({"role": "assistant", "content": ""})]
    events += [chunk({"content": piece}) for piece in pieces]
    events.append(chunk({}, "stop", hocso=extension))
    events.append(b"data: [DONE]\n\n")
    return events


def error_body(message: str, type_: str, code: str | None = None, param: str | None = None) -> dict[str, Any]:
    return {"error": {"message": message, "type": type_, "param": param, "code": code}}


def models_list(model: str) -> dict[str, Any]:
    return {"object": "list", "data": [{"id": model, "object": "model", "created": 0, "owned_by": "hocso"}]}
