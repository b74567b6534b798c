"""The assistant as a server-side service: every guardrail a learner's code must not switch off.

    kernel (openai client, its own token) ──HTTP──> AssistantService.handle(identity, ...)
        identity from the token → rate limit per client → size caps → daily quota per learner
        → Assistant (redaction, answer policy, backend and its key, log) → OpenAI-shaped reply

The same core runs inside the learner lab's Jupyter server (hocso.assistant.jupyter), in `hocso
assistant serve` on a LAN and, later, as a JupyterHub service (hocso.assistant.web). It is
framework-free: (identity, method, path, body) → HttpReply, so each adapter stays a few lines.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from hocso.assistant.app import HttpReply, _error, _json
from hocso.assistant.client import Assistant
from hocso.assistant.injection import unwrap
from hocso.assistant.protocol import ChatRequest, completion, models_list, stream_events
from hocso.assistant.quota import DailyQuota
from hocso.assistant.tutor import guess_language
from hocso.config.models import AssistantSettings, Course
from hocso.i18n import t

LOG = logging.getLogger("hocso.assistant.service")
SERVICE_MODEL = "hocso-assistant"


@dataclass(frozen=True)
class Identity:
    """Who asks: `learner` names the quota row, `client` the rate-limit bucket."""

    learner: str
    client: str


@dataclass(frozen=True)
class ServiceLimits:
    """Caps that keep one client from slowing everyone: a question is a few hundred characters."""

    max_body_bytes: int = 64 * 1024
    max_question_chars: int = 4000
    requests_per_minute: float = 30.0
    burst: int = 10
    answer_seconds: float = 30.0  # the longest a question may hold a worker (remote model included)
    workers: int = 4


@dataclass
class _Bucket:
    tokens: float
    at: float


@dataclass
class RateLimiter:
    """A token bucket per client: `burst` at once, then `per_minute`; thread-safe."""

    per_minute: float
    burst: int
    _buckets: dict[str, _Bucket] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def retry_after(self, client: str, now: float | None = None) -> float:
        """0 when the request may go now (and is counted), else the seconds to wait."""
        now = time.monotonic() if now is None else now
        with self._lock:
            bucket = self._buckets.setdefault(client, _Bucket(float(self.burst), now))
            bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.at) * self.per_minute / 60)
            bucket.at = now
            if bucket.tokens >= 1:
                bucket.tokens -= 1
                return 0.0
            return (1 - bucket.tokens) * 60 / self.per_minute


class AssistantService:
    """One per server process: the quota, the per-learner assistants and the remote key live here."""

    def __init__(
        self,
        course: Course | None = None,
        settings: AssistantSettings | None = None,
        limits: ServiceLimits | None = None,
        quota: DailyQuota | None = None,
        log_path: Path | None = None,
    ) -> None:
        self.course = course
        self.log_path = log_path  # the conversation log (opt-in); None: the data home's
        self.settings = settings or (course.assistant if course else AssistantSettings())
        self.limits = limits or ServiceLimits()
        self.rate = RateLimiter(self.limits.requests_per_minute, self.limits.burst)
        self.quota = quota or DailyQuota(self.settings.daily_quota)
        self._assistants: dict[str, Assistant] = {}
        self._lock = threading.Lock()
        # resolved now, in the server's environment: the key is read here, kept here, never handed on
        self._template = Assistant(course=course, settings=self.settings, learner="-", use_server=False)

    def assistant(self, learner: str) -> Assistant:
        """The learner's own assistant (history, remote cool-down); the quota is the service's."""
        with self._lock:
            if learner not in self._assistants:
                self._assistants[learner] = Assistant(
                    course=self.course,
                    settings=self.settings,
                    learner=learner,
                    use_server=False,
                    enforce_quota=False,
                    resolved_settings=self._template.resolved,
                    log_path=self.log_path,
                )
            return self._assistants[learner]

    def handle(self, identity: Identity | None, method: str, path: str, body: bytes) -> HttpReply:
        """Route one request; every refusal is an OpenAI-style 4xx body naming the reason."""
        path = "/" + path.strip("/")
        if identity is None:
            return _error(
                401,
                "missing or invalid key: send the class key or your learner token as 'Authorization: Bearer <key>'",
                "invalid_request_error",
                "invalid_api_key",
            )
        if path.endswith("/models"):
            return _json(200, models_list(SERVICE_MODEL))
        if not path.endswith("/chat/completions"):
            return _error(
                404, f"no route {path}; use /v1/chat/completions", "invalid_request_error", "not_found"
            )
        if method != "POST":
            return _error(405, f"{method} is not allowed on {path}; use POST", "invalid_request_error")
        if wait := self.rate.retry_after(identity.client):
            reply = _error(
                429, "too many requests from this client; wait a little", "rate_limit_error", "rate_limited"
            )
            reply.headers["Retry-After"] = str(max(1, round(wait)))
            return reply
        if len(body) > self.limits.max_body_bytes:
            return _error(
                413,
                f"request body over {self.limits.max_body_bytes} bytes",
                "invalid_request_error",
                "too_large",
            )
        try:
            request = ChatRequest.model_validate_json(body)
        except ValidationError as error:
            first = error.errors()[0]
            param = ".".join(str(part) for part in first["loc"]) or None
            return _error(
                400,
                f"invalid request: {param or 'body'}: {first['msg']}",
                "invalid_request_error",
                param=param,
            )
        users = [m for m in request.messages if m.role == "user"]
        question = unwrap("learner_question", users[-1].text if users else "").strip()
        cell = request.hocso.cell or ""
        if len(question) + len(cell) > self.limits.max_question_chars:
            return _error(
                413,
                f"question over {self.limits.max_question_chars} characters; ask a shorter one",
                "invalid_request_error",
                "question_too_long",
            )
        if not question:
            return _error(
                400, "invalid request: messages: no user message", "invalid_request_error", "messages"
            )
        language = request.hocso.language or guess_language(question)
        if not self.quota.try_take(identity.learner):
            text = t("assistant.guard.quota", language, limit=self.settings.daily_quota)
            return _error(429, text, "rate_limit_error", "daily_quota")
        answer = self.assistant(identity.learner).ask(
            question, graded=request.hocso.graded, cell_source=cell or None, language=language
        )
        extension = {
            "backend": answer.backend,
            "language": answer.language,
            "citations": list(answer.citations),
            "redacted": list(answer.redaction.kinds) if answer.redaction else [],
            "withheld": answer.withheld,
            "fallback_reason": answer.fallback_reason,
            "model": answer.model,
        }
        if request.stream:
            return HttpReply(
                200,
                stream_events(request.model, answer.text, extension),
                "text/event-stream",
                {"Cache-Control": "no-cache"},
            )
        return _json(200, completion(request.model, answer.text, question, extension))

    def describe(self) -> dict[str, object]:
        """Safe to print: which key variables the service holds, never their values."""
        return self._template.resolved.describe()
