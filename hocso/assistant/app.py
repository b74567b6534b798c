"""The offline tutor as an OpenAI-compatible HTTP app: one framework-free core, two thin adapters.

`handle()` turns (method, path, body) into a `HttpReply`; `TutorWSGIApp` adapts it to WSGI so the
openai client can call it in-process through httpx2's `WSGITransport` (no port, no thread), and
`hocso.assistant.server` adapts it to tornado for the classroom LAN; `TutorASGIApp` serves
`openai.AsyncOpenAI` in-process through httpx2's `ASGITransport`. Why no web framework: the app
has two routes and tornado (already installed with jupyter_server) gives real streaming and
keep-alive for the served mode; starlette/flask would be a new dependency for no gain.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from hocso.assistant.injection import unwrap
from hocso.assistant.protocol import ChatRequest, completion, error_body, models_list, stream_events
from hocso.assistant.tutor import OfflineTutor, TutorReply, guess_language

TUTOR_MODEL = "hocso-tutor"
JSON = "application/json"


@dataclass
class HttpReply:
    status: int
    body: bytes | list[bytes]
    content_type: str = JSON
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def streaming(self) -> bool:
        return isinstance(self.body, list)

    def chunks(self) -> list[bytes]:
        """The body as the pieces to send: a stream's events, or the one body."""
        return self.body if isinstance(self.body, list) else [self.body]


def _json(status: int, payload: dict[str, Any]) -> HttpReply:
    return HttpReply(status, json.dumps(payload, ensure_ascii=False).encode())


def _error(
    status: int, message: str, type_: str, code: str | None = None, param: str | None = None
) -> HttpReply:
    return _json(status, error_body(message, type_, code, param))


def handle(tutor: OfflineTutor, method: str, path: str, body: bytes) -> HttpReply:
    """Route one request; every failure is an OpenAI-style error body, never a traceback."""
    path = path.rstrip("/") or "/"
    if path in ("/v1/models", "/models"):
        if method != "GET":
            return _error(405, f"{method} is not allowed on {path}; use GET", "invalid_request_error")
        return _json(200, models_list(TUTOR_MODEL))
    if path not in ("/v1/chat/completions", "/chat/completions"):
        return _error(
            404,
            f"no route {path}; this server offers /v1/chat/completions and /v1/models",
            "invalid_request_error",
            "not_found",
        )
    if method != "POST":
        return _error(405, f"{method} is not allowed on {path}; use POST", "invalid_request_error")
    try:
        request = ChatRequest.model_validate_json(body)
    except ValidationError as error:
        first = error.errors()[0]
        param = ".".join(str(part) for part in first["loc"]) or None
        return _error(
            400, f"invalid request: {param or 'body'}: {first['msg']}", "invalid_request_error", param=param
        )
    reply = answer(tutor, request)
    extension = {
        "backend": "offline",
        "language": reply.language,
        "covered": reply.covered,
        "skill": reply.skill,
        "citations": [c.__dict__ for c in reply.citations],
    }
    if request.stream:
        return HttpReply(
            200,
            stream_events(request.model, reply.text, extension),
            "text/event-stream",
            {"Cache-Control": "no-cache"},
        )
    prompt = " ".join(m.text for m in request.messages)
    return _json(200, completion(request.model, reply.text, prompt, extension))


def answer(tutor: OfflineTutor, request: ChatRequest) -> TutorReply:
    """The tutor's reply to the last user message; course text in other messages is never obeyed."""
    users = [m for m in request.messages if m.role == "user"]
    question = unwrap("learner_question", users[-1].text if users else "")
    system = " ".join(m.text for m in request.messages if m.role in ("system", "developer"))
    language = request.hocso.language or guess_language(question)
    graded = request.hocso.graded or "GRADED exercise" in system
    return tutor.reply(question, language, graded=graded)


class TutorWSGIApp:
    """WSGI adapter: `httpx2.WSGITransport(app=TutorWSGIApp(tutor))` serves the openai client in-process."""

    def __init__(self, tutor: OfflineTutor) -> None:
        self.tutor = tutor

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        reply = handle(self.tutor, environ["REQUEST_METHOD"], environ.get("PATH_INFO", "/"), body)
        headers = [("Content-Type", reply.content_type), *reply.headers.items()]
        start_response(f"{reply.status} {_REASONS.get(reply.status, 'OK')}", headers)
        return reply.chunks()


class TutorASGIApp:
    """ASGI adapter: `httpx2.ASGITransport(app=TutorASGIApp(tutor))` serves `openai.AsyncOpenAI` in-process."""

    def __init__(self, tutor: OfflineTutor) -> None:
        self.tutor = tutor

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        reply = handle(self.tutor, scope["method"], scope["path"], body)
        headers = [(b"content-type", reply.content_type.encode())]
        headers += [(k.lower().encode(), v.encode()) for k, v in reply.headers.items()]
        await send({"type": "http.response.start", "status": reply.status, "headers": headers})
        events = reply.chunks()
        for index, event in enumerate(events):
            await send({"type": "http.response.body", "body": event, "more_body": index < len(events) - 1})


_REASONS = {
    200: "OK",
    400: "Bad Request",
    404: "Not Found",
    405: "Method Not Allowed",
    429: "Too Many Requests",
}
