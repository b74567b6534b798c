"""`hocso assistant serve`: the assistant for a whole classroom, over HTTP on the LAN.

Tornado (installed with jupyter_server, well kept) serves the AssistantService (hocso.assistant.web)
behind a class key: every request carries the class key or a learner token minted from it (`hocso
assistant token`), each client has its own rate limit and each learner (or address, with the class
key) its own daily quota; bodies over the cap are refused by tornado before they are read. The port
is bound before anything is printed, so a busy port is one clear line, not a traceback.

`start_in_thread` also serves the bare offline tutor (no key) for in-process tests and benchmarks.
"""

from __future__ import annotations

import asyncio
import errno
import logging
import socket
import threading
from dataclasses import dataclass

import tornado.httpserver
import tornado.iostream
import tornado.netutil
import tornado.web

from hocso.assistant.app import handle
from hocso.assistant.errors import AssistantError
from hocso.assistant.service import ServiceLimits
from hocso.assistant.tutor import OfflineTutor
from hocso.assistant.web import ServiceSettings, class_key_identify, make_assistant_app, send_reply

MAX_BODY_BYTES = ServiceLimits().max_body_bytes  # a question with its context is a few kB


class PortTaken(AssistantError):
    """The port is in use by another program; the message says which and what to do."""

    exit_code = 2


class _TutorHandler(tornado.web.RequestHandler):
    def initialize(self, tutor: OfflineTutor) -> None:
        self.tutor = tutor

    async def _serve(self) -> None:
        reply = handle(self.tutor, self.request.method or "GET", self.request.path, self.request.body)
        await send_reply(self, reply)

    async def get(self, *_: str) -> None:
        await self._serve()

    async def post(self, *_: str) -> None:
        await self._serve()

    def check_xsrf_cookie(self) -> None:  # an API for openai clients, not a browser form
        return None


def make_app(tutor: OfflineTutor) -> tornado.web.Application:
    """The bare offline tutor, no key: for this process's own tests and benchmarks, never the LAN."""
    return tornado.web.Application([(r"/(.*)", _TutorHandler, {"tutor": tutor})])


def classroom_app(settings: ServiceSettings, class_key: str) -> tornado.web.Application:
    return make_assistant_app(settings, class_key_identify(class_key))


def bind(host: str, port: int) -> list[socket.socket]:
    """Listening sockets on host:port (port 0: a free one); a busy port raises PortTaken."""
    try:
        return tornado.netutil.bind_sockets(port, address=host)
    except OSError as error:
        if error.errno in (errno.EADDRINUSE, errno.EACCES):
            raise PortTaken(
                f"port {port} on {host} is already in use by another program; "
                f"choose another with --port, or --port 0 for any free port"
            ) from None
        raise


def bound_port(sockets: list[socket.socket]) -> int:
    return sockets[0].getsockname()[1]


@dataclass
class RunningServer:
    """A server on a background thread (tests, benchmarks); `stop()` closes it."""

    host: str
    port: int
    _loop: asyncio.AbstractEventLoop
    _thread: threading.Thread
    _server: tornado.httpserver.HTTPServer

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}/v1"

    def stop(self) -> None:
        async def _close() -> None:
            self._server.stop()
            await self._server.close_all_connections()

        asyncio.run_coroutine_threadsafe(_close(), self._loop).result(timeout=5)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)


def start_in_thread(
    app: OfflineTutor | tornado.web.Application, host: str, port: int, max_body: int = MAX_BODY_BYTES
) -> RunningServer:
    """Serve on a daemon thread and return once the socket listens (port 0: a free one)."""
    application = make_app(app) if isinstance(app, OfflineTutor) else app
    sockets = bind(host, port)
    ready = threading.Event()
    holder: dict[str, object] = {}

    def _run() -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        server = tornado.httpserver.HTTPServer(application, max_body_size=max_body)
        server.add_sockets(sockets)
        holder.update(loop=loop, server=server)
        ready.set()
        loop.run_forever()
        loop.close()

    thread = threading.Thread(target=_run, name=f"hocso-assistant-{port}", daemon=True)
    thread.start()
    ready.wait(timeout=10)
    return RunningServer(host, bound_port(sockets), holder["loop"], thread, holder["server"])  # type: ignore[arg-type]


def serve_forever(app: tornado.web.Application, sockets: list[socket.socket]) -> None:
    """Serve in the foreground on sockets already bound, until Ctrl+C."""
    # a client that goes away mid-answer is routine on phones; tornado's own notes stay one line
    logging.getLogger("tornado.general").setLevel(logging.ERROR)

    async def _main() -> None:
        server = tornado.httpserver.HTTPServer(app, max_body_size=MAX_BODY_BYTES)
        server.add_sockets(sockets)
        await asyncio.Event().wait()

    try:
        asyncio.run(_main())
    except KeyboardInterrupt:
        return
