"""Inside an app's kernel: follow the facilitator's classroom state (question number, answers shown).

An app observes it like any traitlets object::

    from hocso.present.live import classroom
    room = classroom()
    room.observe(lambda change: show_question(change.new), names="step")
    room.observe(lambda change: show_answers(change.new), names="reveal")

Read-only by design: the kernel long-polls the present server on loopback and has no way to change
the state, so a visitor who can talk to widgets still cannot reveal answers for the class. Apps should
put an answer's text into a widget only when `reveal` turns true (a hidden widget's value is still
sent to the browser). Outside `hocso present` (lab, tests) the state stays at question 0, hidden.
"""

from __future__ import annotations

import json
import os
import threading
import time
import urllib.error
import urllib.request
from functools import cache

from traitlets import Bool, HasTraits, Int

PRESENT_URL_ENV = "HOCSO_PRESENT_URL"


class ClassroomFollower(HasTraits):
    """The class's current question (`step`, from 0) and whether answers are revealed."""

    step = Int(0)
    reveal = Bool(False)
    version = Int(0)

    def apply(self, state: dict) -> None:
        with self.hold_trait_notifications():
            self.step = int(state.get("step", 0))
            self.reveal = bool(state.get("reveal", False))
            self.version = int(state.get("version", 0))


@cache
def classroom() -> ClassroomFollower:
    """The kernel's one follower; starts following when served by `hocso present`."""
    follower = ClassroomFollower()
    base = os.environ.get(PRESENT_URL_ENV)
    if base:
        thread = threading.Thread(target=_follow, args=(follower, base), name="hocso-classroom", daemon=True)
        thread.start()
    return follower


def _follow(follower: ClassroomFollower, base: str) -> None:
    """Long-poll forever; a server restart or hiccup only delays the next update."""
    version = -1
    while True:
        try:
            with urllib.request.urlopen(f"{base}hocso/classroom?after={version}", timeout=40) as response:
                state = json.load(response)
            version = int(state.get("version", 0))
            follower.apply(state)
        except (OSError, ValueError, urllib.error.URLError):
            time.sleep(2)
