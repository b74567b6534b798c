"""A scripted classroom visitor: what a phone does to a present server, without a browser.

It opens an app page, connects to the page's kernel the way Voila's frontend does, asks for the
widget states, clicks the first button and waits for a widget to change. Thirty of them at once
check that a classroom's worth of phones all get working widgets (tests, bench/present.py) at a
fraction of the memory thirty browsers would take on the facilitator's laptop.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
import uuid
from dataclasses import dataclass

import psutil
from jupyter_server.services.kernels.connection.base import deserialize_binary_message
from tornado.httpclient import AsyncHTTPClient, HTTPClientError
from tornado.websocket import WebSocketClientConnection, websocket_connect

CONTROL_PROTOCOL = "1.0.0"  # ipywidgets' control comm refuses other major versions
KERNEL_ID = re.compile(r'"kernelId": "([0-9a-f-]{36})"')


@dataclass(frozen=True)
class VisitResult:
    """One visitor's outcome; `error` says what went wrong in one line, empty when it worked."""

    page_seconds: float = 0.0
    interactive_seconds: float = 0.0
    widgets: int = 0
    error: str = ""
    kernel_id: str = ""

    @property
    def ok(self) -> bool:
        return not self.error


async def visit(app_url: str, timeout: float = 180) -> VisitResult:
    """Open `app_url`, click its first button and see a widget update (or say why not)."""
    start = time.monotonic()
    client = AsyncHTTPClient(force_instance=True, max_clients=1)
    try:
        response = await client.fetch(app_url, request_timeout=timeout, raise_error=False)
    except (HTTPClientError, OSError) as error:  # a timeout is raised even with raise_error=False
        return VisitResult(time.monotonic() - start, error=f"page did not load: {error}")
    finally:
        client.close()
    page_seconds = time.monotonic() - start
    if response.code != 200:
        return VisitResult(page_seconds, error=f"page answered HTTP {response.code}")
    body = response.body.decode("utf-8", "replace")
    match = KERNEL_ID.search(body)
    if not match:
        ending = " ".join(body[-160:].split())  # which page it was, or where it stopped
        return VisitResult(
            page_seconds, error=f"page has no kernel id ({len(body)} characters, ending {ending!r})"
        )
    base = app_url.split("/voila/", 1)[0].replace("http", "ws", 1)
    url = f"{base}/api/kernels/{match.group(1)}/channels?session_id={uuid.uuid4().hex}"
    try:
        connection = await asyncio.wait_for(websocket_connect(url), timeout)
        try:
            widgets = await asyncio.wait_for(_click_first_button(connection), timeout)
        finally:
            connection.close()
    except (TimeoutError, OSError, ValueError, KeyError) as error:
        return VisitResult(page_seconds, error=f"widgets did not respond: {type(error).__name__} {error}")
    return VisitResult(page_seconds, time.monotonic() - start, widgets, kernel_id=match.group(1))


async def _click_first_button(connection: WebSocketClientConnection) -> int:
    control = uuid.uuid4().hex
    opening = {"comm_id": control, "target_name": "jupyter.widget.control", "data": {}}
    await _send(connection, "comm_open", opening, {"version": CONTROL_PROTOCOL})
    await _send(connection, "comm_msg", {"comm_id": control, "data": {"method": "request_states"}})
    states = (await _next_comm_data(connection, "update_states"))["states"]
    buttons = [model for model, state in states.items() if state.get("model_name") == "ButtonModel"]
    if not buttons:
        raise ValueError("the app shows no button")
    await _send(
        connection,
        "comm_msg",
        {"comm_id": buttons[0], "data": {"method": "custom", "content": {"event": "click"}}},
    )
    await _next_comm_data(connection, "update")
    return len(states)


async def _send(
    connection: WebSocketClientConnection, msg_type: str, content: dict, metadata: dict | None = None
) -> None:
    header = {"msg_id": uuid.uuid4().hex, "msg_type": msg_type, "session": uuid.uuid4().hex,
              "username": "visitor", "version": "5.3", "date": ""}  # fmt: skip
    message = {"header": header, "parent_header": {}, "metadata": metadata or {}, "content": content,
               "channel": "shell"}  # fmt: skip
    await connection.write_message(json.dumps(message))


async def _next_comm_data(connection: WebSocketClientConnection, method: str) -> dict:
    """The data of the next comm message whose method is `method` (others are skipped)."""
    while True:
        raw = await connection.read_message()
        if raw is None:
            raise OSError("the kernel connection closed")
        message = json.loads(raw) if isinstance(raw, str) else deserialize_binary_message(raw)
        if message.get("msg_type") == "comm_msg" and message["content"]["data"].get("method") == method:
            return message["content"]["data"]


def server_memory_mb(pid: int) -> float:
    """Proportional memory (PSS, shared pages split fairly) of a server and all its kernels, in MB."""
    total = 0
    root = psutil.Process(pid)
    for process in [root, *root.children(recursive=True)]:
        try:
            total += process.memory_full_info().pss
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return total / 2**20


async def classroom(app_url: str, visitors: int, timeout: float = 240) -> list[VisitResult]:
    """`visitors` visitors opening `app_url` at the same moment, each bounded by `timeout`."""
    return list(await asyncio.gather(*(visit(app_url, timeout) for _ in range(visitors))))
