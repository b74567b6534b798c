"""`hocso assistant serve`: the offline tutor for a whole classroom, over HTTP on the LAN.

Tornado (installed with jupyter_server, well kept) serves the same `handle()` core as the in-process
WSGI app: real SSE streaming with a flush per event, HTTP/1.1 keep-alive, and one event loop that
answers dozens of concurrent learners (a tutor answer costs about a millisecond of CPU, so running
it on the loop beats a thread pool's hand-offs under the GIL).
"""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass

import tornado.httpserver
import tornado.web

from hocso.assistant.app import handle
from hocso.assistant.tutor import OfflineTutor

MAX_BODY_BYTES = 1024 * 1024  # a question with its context is a few kB; refuse floods early


class _CompletionsHandler(tornado.web.RequestHandler):
    def initialize(self, tutor: OfflineTutor) -> None:
        self.tutor = tutor

    async def _serve(self) -> None:
        reply = handle(self.tutor, self.request.method or "GET", self.request.path, self.request.body)
        self.set_status(reply.status)
        self.set_header("Content-Type", reply.content_type)
        for name, value in reply.headers.items():
            self.set_header(name, value)
        if isinstance(reply.body, list):
            for event in reply.body:
                self.write(event)
                await self.flush()
        else:
            self.write(reply.body)

    async def get(self, *_: str) -> None:
        await self._serve()

    async def post(self, *_: str) -> None:
        await self._serve()

    def check_xsrf_cookie(self) -> None:  # an API for openai clients, not a browser form
        return None


def make_app(tutor: OfflineTutor) -> tornado.web.Application:
    return tornado.web.Application([(r"/(.*)", _CompletionsHandler, {"tutor": tutor})])


@dataclass
class RunningServer:
    """A tutor server on a background thread (tests, benchmarks); `stop()` closes it."""

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


def start_in_thread(tutor: OfflineTutor, host: str, port: int) -> RunningServer:
    """Serve on a daemon thread and return once the socket listens."""
    ready = threading.Event()
    holder: dict[str, object] = {}

    def _run() -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        server = tornado.httpserver.HTTPServer(make_app(tutor), max_body_size=MAX_BODY_BYTES)
        server.listen(port, address=host)
        holder.update(loop=loop, server=server)
        ready.set()
        loop.run_forever()
        loop.close()

    thread = threading.Thread(target=_run, name=f"hocso-tutor-{port}", daemon=True)
    thread.start()
    ready.wait(timeout=10)
    return RunningServer(host, port, holder["loop"], thread, holder["server"])  # type: ignore[arg-type]


def serve_forever(tutor: OfflineTutor, host: str, port: int) -> None:
    """Serve in the foreground until Ctrl+C."""

    async def _main() -> None:
        server = tornado.httpserver.HTTPServer(make_app(tutor), max_body_size=MAX_BODY_BYTES)
        server.listen(port, address=host)
        await asyncio.Event().wait()

    asyncio.run(_main())
