"""A kernel websocket closed by the browser mid-handshake gets no traceback (jupyter_server#1265)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from jupyter_server.services.kernels.websocket import KernelWebsocketHandler

from hocso.jupyter_server_compat import tolerate_early_websocket_close

V1 = "v1.kernel.websocket.jupyter.org"


def handler(connection: object) -> KernelWebsocketHandler:
    made = object.__new__(KernelWebsocketHandler)  # what tornado has once on_close ran
    made.connection = connection  # type: ignore[assignment]
    return made


def test_a_handshake_after_the_browser_left_answers_the_default_protocol() -> None:
    closed = handler(None)
    original = KernelWebsocketHandler.select_subprotocol
    if not getattr(original, "hocso_tolerant", False):  # unpatched jupyter_server: the traceback
        with pytest.raises(AttributeError):
            closed.select_subprotocol([V1])
    tolerate_early_websocket_close()
    patched = KernelWebsocketHandler.select_subprotocol
    tolerate_early_websocket_close()  # again (the lab and present both call it): not wrapped twice
    assert KernelWebsocketHandler.select_subprotocol is patched
    assert closed.select_subprotocol([V1]) is None


def test_a_live_connection_still_negotiates_as_before() -> None:
    tolerate_early_websocket_close()
    assert handler(SimpleNamespace(kernel_ws_protocol=None)).select_subprotocol([V1]) == V1
    assert handler(SimpleNamespace(kernel_ws_protocol="")).select_subprotocol([V1]) is None
    assert handler(SimpleNamespace(kernel_ws_protocol=V1)).select_subprotocol(["other"]) is None
