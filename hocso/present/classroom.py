"""The facilitator's controls: one shared classroom state (question number, answers shown or hidden),
and the class's answers to the live quiz.

Visitors never get code execution for this. The state lives in the `hocso present` server; only a
request carrying the facilitator key (printed in the facilitator's terminal, never in the QR code)
may change it or read the quiz's right answers. Every app kernel follows it read-only through
`hocso.present.live`, with a long poll on loopback, so "next question" on the projector moves every
phone at once.

Answers travel from a phone's kernel, not from its browser: the kernel (which runs only the app's
code) holds a kernel key from its environment and POSTs `{quiz, step, visitor, choice}` here; a
browser has no way to read that key, so a visitor can answer only through the app's own widgets, once
per kernel (a later answer replaces the earlier one), and only while the question is on screen and
its answer not yet revealed. The projector reads the tallies with the facilitator key.
"""

from __future__ import annotations

import datetime
import hmac
import json
import secrets
import time
from dataclasses import asdict, dataclass, field
from typing import Literal, get_args

import pydantic
import tornado.locks
import tornado.web

# Phones' kernels read the kernel key from their environment (set by `hocso present`); browsers never.
from hocso.present.live import KERNEL_KEY_ENV, KERNEL_KEY_HEADER

__all__ = ["KERNEL_KEY_ENV", "Classroom", "classroom_handlers"]

Action = Literal["next", "previous", "reveal", "hide", "reset"]
ACTIONS: tuple[str, ...] = get_args(Action)
LONG_POLL_SECONDS = 25.0
KEY_HEADER = "X-Hocso-Key"
MAX_QUIZZES = 200
MAX_VISITORS_PER_QUESTION = 2000


@dataclass
class ClassroomSnapshot:
    """What every app may read: the question the class is on and whether answers are shown."""

    version: int = 0
    step: int = 0
    reveal: bool = False


class QuestionSpec(pydantic.BaseModel):
    """One question of a live quiz, in the course language, as the app's kernel registers it."""

    model_config = pydantic.ConfigDict(extra="forbid", frozen=True)

    prompt: str = pydantic.Field(max_length=2000)
    choices: list[tuple[str, str]] = pydantic.Field(min_length=1, max_length=20)  # (key, label)
    right: list[str] = pydantic.Field(default_factory=list)
    explanation: str = pydantic.Field("", max_length=4000)


class QuizSpec(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid", frozen=True)

    quiz: str = pydantic.Field(min_length=1, max_length=100)
    title: str = pydantic.Field("", max_length=300)
    questions: list[QuestionSpec] = pydantic.Field(min_length=1, max_length=100)


class AnswerPost(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid", frozen=True)

    quiz: str = pydantic.Field(max_length=100)
    step: int = pydantic.Field(ge=0)
    visitor: str = pydantic.Field(min_length=8, max_length=64)
    choice: str = pydantic.Field(max_length=100)


@dataclass
class _Tally:
    by_visitor: dict[str, str] = field(default_factory=dict)
    last_answer: float = 0.0


class Classroom:
    """The single mutable classroom state of one server; changes wake every waiting follower."""

    def __init__(self, kernel_key: str | None = None) -> None:
        self.state = ClassroomSnapshot()
        self.kernel_key = kernel_key or secrets.token_urlsafe(24)
        self.quizzes: dict[str, QuizSpec] = {}
        self._tallies: dict[tuple[str, int], _Tally] = {}
        self.answers_version = 0
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
            self._tallies.clear()
        state.version += 1
        self._changed.notify_all()
        return state

    def register(self, spec: QuizSpec) -> None:
        """A quiz an app shows (every kernel of that app registers the same one; the last one wins)."""
        if spec.quiz not in self.quizzes and len(self.quizzes) >= MAX_QUIZZES:
            raise ValueError("too many quizzes")
        self.quizzes[spec.quiz] = spec

    def answer(self, post: AnswerPost) -> None:
        """Count one visitor's choice for the question on screen; a later choice replaces theirs."""
        spec = self.quizzes.get(post.quiz)
        if spec is None:
            raise ValueError(f"no quiz {post.quiz!r}")
        if post.step != self.state.step or self.state.reveal:
            raise ValueError("that question is not open for answers")
        question = spec.questions[post.step % len(spec.questions)]
        if post.choice not in {key for key, _ in question.choices}:
            raise ValueError(f"no choice {post.choice!r}")
        tally = self._tallies.setdefault((post.quiz, post.step), _Tally())
        if post.visitor not in tally.by_visitor and len(tally.by_visitor) >= MAX_VISITORS_PER_QUESTION:
            raise ValueError("too many answers")
        tally.by_visitor[post.visitor] = post.choice
        tally.last_answer = time.monotonic()
        self.answers_version += 1
        self._changed.notify_all()

    def active_quiz(self) -> QuizSpec | None:
        """The quiz the class is answering: the one answered last at this step, else the last one
        registered."""
        step = self.state.step
        answered = [(t.last_answer, quiz) for (quiz, s), t in self._tallies.items() if s == step]
        if answered:
            return self.quizzes.get(max(answered)[1])
        return next(reversed(self.quizzes.values()), None)

    def board(self) -> dict[str, object]:
        """The projector's view: state, the current question, its counts per choice and, once
        revealed, its right choices and explanation. Facilitator only (it holds the key)."""
        state = self.state
        board: dict[str, object] = {**asdict(state), "answers_version": self.answers_version}
        spec = self.active_quiz()
        if spec is None:
            return {**board, "quiz": None}
        number = state.step % len(spec.questions)
        question = spec.questions[number]
        tally = self._tallies.get((spec.quiz, state.step), _Tally())
        counts = {key: 0 for key, _ in question.choices}
        for choice in tally.by_visitor.values():
            counts[choice] = counts.get(choice, 0) + 1
        return {
            **board,
            "quiz": spec.quiz,
            "title": spec.title,
            "number": number + 1,
            "of": len(spec.questions),
            "prompt": question.prompt,
            "choices": [
                {
                    "key": key,
                    "label": label,
                    "count": counts[key],
                    "right": state.reveal and key in question.right,
                }
                for key, label in question.choices
            ],
            "total": len(tally.by_visitor),
            "explanation": question.explanation if state.reveal else "",
        }

    async def wait_after(
        self, version: int, answers_version: int | None = None, timeout: float = LONG_POLL_SECONDS
    ) -> ClassroomSnapshot:
        """The state once its version differs from `version` (or, if `answers_version` is given, once
        an answer came in), or after `timeout` seconds unchanged."""
        # Tornado reads a number as an absolute IOLoop deadline, not a duration: a float of 25.0 had
        # long passed, so every follower came straight back (4,711 requests in 5 s).
        end = time.monotonic() + timeout
        while self.state.version == version and answers_version in (None, self.answers_version):
            left = end - time.monotonic()
            if left <= 0 or not await self._changed.wait(timeout=datetime.timedelta(seconds=left)):
                break
        return self.state


def _matches(given: str, expected: str) -> bool:
    return bool(given) and hmac.compare_digest(given.encode(), expected.encode())


class _JsonHandler(tornado.web.RequestHandler):
    def initialize(self, classroom: Classroom, facilitator_key: str) -> None:
        self.classroom = classroom
        self.facilitator_key = facilitator_key

    def set_default_headers(self) -> None:
        self.set_header("Cache-Control", "no-store")
        self.set_header("Content-Type", "application/json")

    def refuse(self, status: int, error: str) -> None:
        self.set_status(status)
        self.finish(json.dumps({"error": error}))

    def check_xsrf_cookie(self) -> None:  # keys in headers, never cookies: no cross-site form can send them
        return


class ClassroomHandler(_JsonHandler):
    """GET: anyone reads the state (long poll with ?after=N). POST: only with the facilitator key."""

    async def get(self) -> None:
        after = self.get_argument("after", None)
        state = self.classroom.state
        if after is not None and after.lstrip("-").isdigit():
            state = await self.classroom.wait_after(int(after))
        self.finish(json.dumps(asdict(state)))

    def post(self) -> None:
        if not _matches(self.request.headers.get(KEY_HEADER, ""), self.facilitator_key):
            self.refuse(403, "facilitator key required")
            return
        try:
            action = json.loads(self.request.body or b"{}").get("action", "")
            state = self.classroom.apply(str(action))
        except (ValueError, AttributeError) as error:
            self.refuse(400, str(error))
            return
        self.finish(json.dumps(asdict(state)))


class BoardHandler(_JsonHandler):
    """GET with the facilitator key: the projector's live counts (long poll with ?after=V&answers=A)."""

    async def get(self) -> None:
        if not _matches(self.request.headers.get(KEY_HEADER, ""), self.facilitator_key):
            self.refuse(403, "facilitator key required")
            return
        after, answers = self.get_argument("after", ""), self.get_argument("answers", "")
        if after.isdigit() and answers.isdigit():
            await self.classroom.wait_after(int(after), int(answers))
        self.finish(json.dumps(self.classroom.board()))


class KernelPostHandler(_JsonHandler):
    """POST from an app's kernel (kernel key): `/quiz` registers a quiz, `/answer` counts an answer."""

    def post(self, kind: str) -> None:
        if not _matches(self.request.headers.get(KERNEL_KEY_HEADER, ""), self.classroom.kernel_key):
            self.refuse(403, "only an app's kernel may post answers")
            return
        try:
            body = self.request.body or b"{}"
            if kind == "quiz":
                self.classroom.register(QuizSpec.model_validate_json(body))
            else:
                self.classroom.answer(AnswerPost.model_validate_json(body))
        except (ValueError, pydantic.ValidationError) as error:
            self.refuse(400, str(error).splitlines()[0])
            return
        self.finish(json.dumps({"ok": True}))


def classroom_handlers(classroom: Classroom, facilitator_key: str) -> list[tuple]:
    """The present server's classroom routes."""
    kwargs = {"classroom": classroom, "facilitator_key": facilitator_key}
    return [
        (r"/hocso/classroom", ClassroomHandler, kwargs),
        (r"/hocso/classroom/board", BoardHandler, kwargs),
        (r"/hocso/classroom/(quiz|answer)", KernelPostHandler, kwargs),
    ]
