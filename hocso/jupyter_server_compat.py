"""jupyter_server, made quiet where a browser leaves early (jupyter-server/jupyter_server#1265).

A kernel websocket that the browser closes during the handshake (a tab closed, a page left, a lab
stopping while a phone reconnects) has its connection cleared by `on_close` before tornado asks the
handler to pick a subprotocol, so `select_subprotocol` raises AttributeError and the server prints a
traceback in the learner's or facilitator's terminal. The fix proposed upstream (PR #1696, open)
answers such a handshake with the default protocol; `tolerate_early_websocket_close` does the same
until a released jupyter_server has it. Nothing changes for a live connection.
"""

from __future__ import annotations

from typing import Any

from jupyter_server.services.kernels.websocket import KernelWebsocketHandler


def tolerate_early_websocket_close() -> None:
    """Make a closed connection's subprotocol the default ("legacy") one instead of an error."""
    select = KernelWebsocketHandler.select_subprotocol
    if getattr(select, "hocso_tolerant", False):
        return

    def select_subprotocol(self: KernelWebsocketHandler, subprotocols: list[str]) -> Any:
        if self.connection is None:  # closed by the browser before the handshake finished
            return None
        return select(self, subprotocols)

    select_subprotocol.hocso_tolerant = True  # type: ignore[attr-defined]
    KernelWebsocketHandler.select_subprotocol = select_subprotocol  # type: ignore[method-assign]
