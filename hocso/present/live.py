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

A live quiz (`hocso.widgets.ClassQuiz`) also sends: `register_quiz` tells the server the questions
(with their right answers, for the projector), `send_answer` this visitor's choice. Both go from the
kernel to the server on loopback with the kernel key; a visitor's browser cannot send them itself.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
import time
import urllib.error
import urllib.request
import uuid
from functools import cache
from typing import Any

from traitlets import Bool, HasTraits, Int

PRESENT_URL_ENV = "HOCSO_PRESENT_URL"
KERNEL_KEY_ENV = "HOCSO_PRESENT_KERNEL_KEY"  # = hocso.present.classroom.KERNEL_KEY_ENV (no tornado here)
KERNEL_KEY_HEADER = "X-Hocso-Kernel-Key"
# One kernel serves one visitor's page: its answers count once per question.
VISITOR_ID = uuid.uuid4().hex


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


def is_live() -> bool:
    """Whether this kernel runs under `hocso present` (and so follows the facilitator)."""
    return bool(os.environ.get(PRESENT_URL_ENV))


def register_quiz(spec: dict[str, Any]) -> None:
    """Tell the server a live quiz's questions (in the background; nothing outside `hocso present`)."""
    _post_later("hocso/classroom/quiz", spec)


def send_answer(quiz: str, step: int, choice: str) -> None:
    """This visitor's choice for question `step` of `quiz` (in the background)."""
    _post_later(
        "hocso/classroom/answer", {"quiz": quiz, "step": step, "visitor": VISITOR_ID, "choice": choice}
    )


def _post_later(path: str, body: dict[str, Any]) -> None:
    base, key = os.environ.get(PRESENT_URL_ENV), os.environ.get(KERNEL_KEY_ENV)
    if base and key:
        threading.Thread(target=_post, args=(f"{base}{path}", key, body), daemon=True).start()


def _post(url: str, key: str, body: dict[str, Any]) -> None:
    """A refused or lost answer is only a missing count on the projector, never an error on a phone."""
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", KERNEL_KEY_HEADER: key},
        method="POST",
    )
    with contextlib.suppress(OSError, urllib.error.URLError):
        urllib.request.urlopen(request, timeout=10).close()
