"""The facilitator's controls: one shared classroom state (question number, answers shown or hidden).

Visitors never get code execution for this. The state lives in the `hocso present` server; only a
request carrying the facilitator key (printed in the facilitator's terminal, never in the QR code)
may change it. Every app kernel follows it read-only through `hocso.present.live`, with a long poll
on loopback, so "next question" on the projector moves every phone at once.
"""

from __future__ import annotations

import hmac
import json
from dataclasses import asdict, dataclass

import tornado.locks
import tornado.web

ACTIONS = ("next", "previous", "reveal", "hide", "reset")
LONG_POLL_SECONDS = 25.0
KEY_HEADER = "X-Hocso-Key"


@dataclass
class ClassroomSnapshot:
    """What every app may read: the question the class is on and whether answers are shown."""

    version: int = 0
    step: int = 0
    reveal: bool = False


class Classroom:
    """The single mutable classroom state of one server; changes wake every waiting follower."""

    def __init__(self) -> None:
        self.state = ClassroomSnapshot()
        self._changed = tornado.locks.Condition()

    def apply(self, action: str) -> ClassroomSnapshot:
        """Apply a facilitator action; moving to another question hides the answers again."""
        if action not in ACTIONS:
            raise ValueError(f"unknown action {action!r}; allowed: {', '.join(ACTIONS)}")
        state = self.state
        if action == "next":
            state.step, state.reveal = state.step + 1, False
        elif action == "previous":
            state.step, state.reveal = max(0, state.step - 1), False
        elif action == "reveal":
            state.reveal = True
        elif action == "hide":
            state.reveal = False
        else:
            state.step, state.reveal = 0, False
        state.version += 1
        self._changed.notify_all()
        return state

    async def wait_after(self, version: int, timeout: float = LONG_POLL_SECONDS) -> ClassroomSnapshot:
        """The state once its version differs from `version` (or after `timeout`, unchanged)."""
        if self.state.version == version:
            await self._changed.wait(timeout=timeout)
        return self.state


class ClassroomHandler(tornado.web.RequestHandler):
    """GET: anyone reads the state (long poll with ?after=N). POST: only with the facilitator key."""

    def initialize(self, classroom: Classroom, facilitator_key: str) -> None:
        self.classroom = classroom
        self.facilitator_key = facilitator_key

    def set_default_headers(self) -> None:
        self.set_header("Cache-Control", "no-store")
        self.set_header("Content-Type", "application/json")

    async def get(self) -> None:
        after = self.get_argument("after", None)
        state = self.classroom.state
        if after is not None and after.lstrip("-").isdigit():
            state = await self.classroom.wait_after(int(after))
        self.finish(json.dumps(asdict(state)))

    def post(self) -> None:
        given = self.request.headers.get(KEY_HEADER, "")
        if not hmac.compare_digest(given.encode(), self.facilitator_key.encode()):
            self.set_status(403)
            self.finish(json.dumps({"error": "facilitator key required"}))
            return
        try:
            action = json.loads(self.request.body or b"{}").get("action", "")
            state = self.classroom.apply(str(action))
        except (ValueError, AttributeError) as error:
            self.set_status(400)
            self.finish(json.dumps({"error": str(error)}))
            return
        self.finish(json.dumps(asdict(state)))
