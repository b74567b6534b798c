"""The assistant service over tornado: one handler for the lab's Jupyter server, the LAN and the hub.

    make_assistant_app(ServiceSettings(course), identify)     a whole tornado Application
    assistant_handlers(service, identify, prefix)              rules to add to an existing web app

`identify(request) -> Identity | None` is the one seam that differs: the lab checks the kernel's
learner token, `hocso assistant serve` the class key or a learner token, a JupyterHub service would
ask the hub about the token (HubAuth.user_for_token). The answer runs on a small thread pool, so a
slow remote model never blocks the server's event loop; a stream the client cuts short ends quietly.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import tornado.httputil
import tornado.iostream
import tornado.web

from hocso.assistant.app import HttpReply, _error
from hocso.assistant.service import AssistantService, Identity, ServiceLimits
from hocso.assistant.tokens import LearnerTokens, bearer
from hocso.config.models import Course

LOG = logging.getLogger("hocso.assistant.web")
Identify = Callable[[tornado.httputil.HTTPServerRequest], Identity | None]


@dataclass(frozen=True)
class ServiceSettings:
    course: Course | None = None
    limits: ServiceLimits = field(default_factory=ServiceLimits)
    prefix: str = "/"  # where the routes live: "/" for the LAN, "<base_url>hocso/assistant/" in the lab


async def send_reply(handler: tornado.web.RequestHandler, reply: HttpReply) -> None:
    """Write an HttpReply (a body, or a stream of events flushed one by one); a cut stream ends quietly."""
    handler.set_status(reply.status)
    handler.set_header("Content-Type", reply.content_type)
    for name, value in reply.headers.items():
        handler.set_header(name, value)
    try:
        if isinstance(reply.body, list):
            for event in reply.body:
                handler.write(event)
                await handler.flush()
        else:
            handler.write(reply.body)
        handler.finish()
    except tornado.iostream.StreamClosedError:  # the learner closed the tab or cut the stream
        LOG.debug("client went away during the answer")


class AssistantHandler(tornado.web.RequestHandler):
    """Not a JupyterHandler on purpose: kernels authenticate with their learner token, not a cookie."""

    def initialize(self, service: AssistantService, identify: Identify, pool: ThreadPoolExecutor) -> None:
        self.service, self.identify, self.pool = service, identify, pool

    def check_xsrf_cookie(self) -> None:  # an API for openai clients with bearer tokens, not a form
        return None

    async def _serve(self, path: str) -> None:
        identity = self.identify(self.request)
        method = self.request.method or "GET"
        loop = asyncio.get_running_loop()
        work = loop.run_in_executor(self.pool, self.service.handle, identity, method, path, self.request.body)
        try:
            reply = await asyncio.wait_for(work, timeout=self.service.limits.answer_seconds)
        except TimeoutError:
            reply = _error(504, "the assistant took too long to answer; try again", "server_error", "timeout")
        except Exception:  # a bug must not show a traceback to the client; the log keeps it
            LOG.exception("the assistant failed on %s %s", method, path)
            reply = _error(500, "the assistant failed; the server's log has the details", "server_error")
        await self._send(reply)

    async def _send(self, reply: HttpReply) -> None:
        await send_reply(self, reply)

    async def get(self, path: str = "") -> None:
        await self._serve(path)

    async def post(self, path: str = "") -> None:
        await self._serve(path)

    def write_error(self, status_code: int, **kwargs: object) -> None:  # never tornado's HTML traceback page
        reply = _error(status_code, self._reason, "invalid_request_error")
        self.set_header("Content-Type", reply.content_type)
        self.finish(reply.body)  # type: ignore[arg-type]


# the handler checks its own bearer token; tell jupyter_server it is not an unauthenticated endpoint
for _method in (AssistantHandler.get, AssistantHandler.post):
    setattr(_method, "__allow_unauthenticated", True)


def assistant_handlers(
    service: AssistantService, identify: Identify, prefix: str = "/"
) -> list[tuple[str, type[AssistantHandler], dict[str, object]]]:
    """Routes `<prefix>v1/...` (chat/completions, models) to the service."""
    pool = ThreadPoolExecutor(service.limits.workers, thread_name_prefix="hocso-assistant")
    prefix = prefix.rstrip("/") + "/"
    options = {"service": service, "identify": identify, "pool": pool}
    return [(f"{prefix}(v1/.*)", AssistantHandler, options)]


def make_assistant_app(settings: ServiceSettings, identify: Identify) -> tornado.web.Application:
    """A tornado Application serving the assistant; mount it as a process of its own (LAN, hub service)."""
    service = AssistantService(settings.course, limits=settings.limits)
    app = tornado.web.Application(assistant_handlers(service, identify, settings.prefix))
    app.settings["hocso_assistant_service"] = service
    return app


def token_identify(tokens: LearnerTokens) -> Identify:
    """Learner tokens only (the lab): the token names the learner; its learner is its own client."""

    def identify(request: tornado.httputil.HTTPServerRequest) -> Identity | None:
        token = bearer(request.headers.get("Authorization"))
        learner = tokens.learner(token) if token else None
        return Identity(learner, learner) if learner else None

    return identify


def class_key_identify(class_key: str) -> Identify:
    """The LAN: a learner token minted from the class key, or the class key itself (counted per address)."""
    import hmac

    tokens = LearnerTokens.from_class_key(class_key)

    def identify(request: tornado.httputil.HTTPServerRequest) -> Identity | None:
        token = bearer(request.headers.get("Authorization"))
        if not token:
            return None
        if learner := tokens.learner(token):
            return Identity(learner, f"learner:{learner}")
        if hmac.compare_digest(token.encode(), class_key.encode()):
            address = request.remote_ip or "?"
            return Identity(f"client:{address}", f"client:{address}")
        return None

    return identify
