"""What one visitor may cost: message size, widgets created from the browser, a kernel's memory.

A visitor talks to their app kernel with widget (comm) messages only (`VISITOR_MESSAGE_TYPES` in
`hocso.present.server`). Within that, one visitor grew their kernel from 87 to 447 MB with forty
8 MiB `comm_open` messages. So:

* a websocket message over `MAX_MESSAGE_BYTES` closes the visitor's connection (tornado refuses the
  frame before buffering it; the same limit is checked again here for each decoded message);
* a visitor may open only the widget control comm, the one hocso's front end opens to ask for the
  widgets' states, at most `MAX_COMM_OPENS` times per kernel: widgets are created by the app in the
  kernel, never by the browser, so no flood of widgets either;
* every kernel runs under an address-space limit (``RLIMIT_AS``, course.toml
  ``[present] kernel_memory_mb``): what a visitor manages to allocate anyway ends in a MemoryError
  inside their own kernel, not in the facilitator's laptop swapping. A kernel forked from the
  present server's zygote (``hocso.present.kernel_zygote``) gets the same limit before any of its
  own code runs.
"""

from __future__ import annotations

import json
import sys
from typing import Any, ClassVar

from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
from jupyter_server.services.kernels.connection.base import deserialize_msg_from_ws_v1
from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection
from traitlets import Bool, Int

# hocso's front end sends clicks and values of a few hundred bytes; a big paste into a text box fits
MAX_MESSAGE_BYTES = 256 * 1024
MAX_COMM_OPENS = 16  # per kernel: one per (re)connection of the visitor's page
VISITOR_COMM_TARGETS: tuple[str, ...] = ("jupyter.widget.control",)
V1_PROTOCOL = "v1.kernel.websocket.jupyter.org"
# Applied before the kernel's Python starts: no site packages, nothing imported but what is needed.
SET_LIMIT = (
    "import os, resource, sys; limit = int(sys.argv[1]);"
    " resource.setrlimit(resource.RLIMIT_AS, (limit, limit)); os.execvp(sys.argv[2], sys.argv[2:])"
)


class VisitorConnection(ZMQChannelsWebsocketConnection):
    """jupyter_server's kernel websocket with the visitor's limits in front of the message filter."""

    comm_opens: ClassVar[dict[str, int]] = {}

    def handle_incoming_message(self, incoming_msg: Any) -> None:
        if len(incoming_msg) > MAX_MESSAGE_BYTES:
            self.log.warning("closing a visitor's connection: a %d-byte message", len(incoming_msg))
            self.websocket_handler.close(1009, "message too big")
            return
        msg_type, target = self._type_and_comm_target(incoming_msg)
        if msg_type == "comm_open":
            opened = self.comm_opens.get(self.kernel_id, 0)
            if target not in VISITOR_COMM_TARGETS or opened >= MAX_COMM_OPENS:
                self.log.warning("dropped a visitor's comm_open to %r (%d opened)", target, opened)
                return
            self.comm_opens[self.kernel_id] = opened + 1
        super().handle_incoming_message(incoming_msg)

    def _type_and_comm_target(self, incoming_msg: Any) -> tuple[str, str]:
        """The message's type and, for a comm_open, its target ("" when unreadable: the base class
        then drops or refuses it as it always has)."""
        try:
            if self.subprotocol == V1_PROTOCOL:
                _, parts = deserialize_msg_from_ws_v1(incoming_msg)
                header, content = json.loads(parts[0]), parts[3]
            else:
                msg = json.loads(incoming_msg)
                header, content = msg.get("header", {}), msg.get("content", {})
            msg_type = str(header.get("msg_type", ""))
            if msg_type != "comm_open":
                return msg_type, ""
            content = json.loads(content) if isinstance(content, bytes | str) else content
            return msg_type, str(content.get("target_name", ""))
        except (ValueError, IndexError, TypeError, AttributeError):
            return "", ""


class LimitedKernelSpecManager(KernelSpecManager):
    """Kernel specs whose command starts the kernel under an address-space limit."""

    memory_mb = Int(512, config=True, help="address-space limit of each kernel, in MiB (RLIMIT_AS)")
    fork_from_zygote = Bool(
        False, config=True, help="fork kernels from a pre-imported zygote (shared pages, less memory)"
    )

    def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
        spec = super().get_kernel_spec(kernel_name)
        limit = str(self.memory_mb * 2**20)
        command = list(spec.argv)
        if command and command[0] in ("python", "python3"):
            command[0] = sys.executable  # what jupyter_client does for a spec's leading "python"
        spec.argv = [sys.executable, "-I", "-S", "-c", SET_LIMIT, limit, *command]
        # glibc reserves 64 MiB of address space per thread arena; two keep a kernel at ~270 MiB
        spec.env = {"MALLOC_ARENA_MAX": "2", **spec.env}
        if self.fork_from_zygote:
            from hocso.present.kernel_zygote import PROVISIONER_NAME, start_zygote

            start_zygote()  # once per server; the first kernels wait for its imports
            spec.metadata = {**spec.metadata, "kernel_provisioner": {"provisioner_name": PROVISIONER_NAME}}
        return spec
