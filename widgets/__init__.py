"""Hands-on widgets for the course, and the answers they save for grading.

Authoring recipe (one notebook per module folder, as course.toml lays them out):

1. An ordinary (not graded) code cell places the widget; `question_id` names the saved answer:

       from hocso.widgets import Quiz, QuizChoice
       Quiz("q-otp", {"vi": "Ai được biết mã OTP?", "en": "Who may know your OTP?"}, [
           QuizChoice("bank", {"vi": "Nhân viên ngân hàng", "en": "A bank employee"}),
           QuizChoice("never", {"vi": "Không ai cả", "en": "Nobody"}, correct=True),
       ])

   When the learner answers (Check, Flag, Mark...), the widget saves the answer to
   `<notebook stem>.answers.json` next to the notebook. Creating the widget never overwrites an
   answer, so nbgrader's re-run keeps the learner's file, and a reopened notebook shows the answer.

2. A graded test cell (nbgrader "Autograder tests", with points) reads it in one line:

       from hocso.widgets.answers import load_answer
       assert load_answer("q-otp") == ["never"]

   A missing, damaged or unanswered file raises `AnswerMissing` with a message naming the file and
   what to do: that cell scores zero and the rest of the notebook is graded as usual. For partial
   credit, give each item its own graded cell and read one part of the answer:

       assert load_answer("inbox", "vi-s01") == "scam"   # one message of PhishingInbox("inbox", ...)

What each widget saves under its id (read `value`/`result` in code, `load_answer(id)` in grading):
Quiz → sorted list of choice keys; PhishingInbox → {message id: "scam" | "safe"};
ClaimChecker → {claim id: "supported" | "unsupported" | "needs_checking"}; PrivacyCheckup → {setting: choice}.
Other widgets (PasswordMeter, OtpDemo, UrlInspector, QrPayCheck, ProgressPanel) are for exploring and
save nothing.

Rules for authors: run your notebook where it lives (`notebooks/<module>/`) and its answers stay in
the kernel's memory, so no answers file lands in the course source (nbgrader would release it to
learners and copy it over their answers when autograding); never commit a `*.answers.json`. With
several notebooks in one folder, call `use_answers_file("<stem>.answers.json")` at the top of each.
Voila apps and tests may pass `answers_file=` to a widget or set `HOCSO_ANSWERS_FILE`.
Every widget takes `language="vi" | "en"` (default: `hocso.i18n.current_language()`), and is
testable without a browser: set its controls' values, `.click()` its buttons, read `value`/`result`.

    AssistantChat(graded=False)  # the course assistant, with a preview of what is hidden before sending
    PasswordMeter(user_inputs=("Lan", "1990"))            OtpDemo(secret=None, live=True)
    PhishingInbox("inbox", messages=None)  # None: the course's message set, in the widget's language
    UrlInspector("https://...")                           QrPayCheck(payload, expected_account="...")
    PrivacyCheckup("privacy", photo="beach.jpg")          ProgressPanel({"4.2": 0.8}, course=course)
    ClaimChecker("claims", {"c1": "claim"}, {"Source": "text"}, expected={"c1": "supported"})
    Quiz("q1", prompt, [QuizChoice("a", text, correct=True, why=...)], multiple=False)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from hocso.widgets.answers import AnswerMissing, load_answer, save_answer, use_answers_file
from hocso.widgets.choice_board import BoardItem, ChoiceBoard
from hocso.widgets.claim_checker import ClaimChecker
from hocso.widgets.graded import GradedWidget
from hocso.widgets.otp_demo import OtpDemo
from hocso.widgets.password_meter import PasswordMeter
from hocso.widgets.phishing_inbox import InboxResult, PhishingInbox
from hocso.widgets.privacy_checkup import PrivacyCheckup
from hocso.widgets.progress_panel import ProgressPanel
from hocso.widgets.qr_pay_check import QrPayCheck
from hocso.widgets.quiz import Quiz, QuizChoice, QuizResult
from hocso.widgets.step_order import StepOrder
from hocso.widgets.url_inspector import UrlInspector

if TYPE_CHECKING:
    from hocso.widgets.assistant_chat import AssistantChat


def __getattr__(name: str) -> object:
    """`AssistantChat` loads the assistant (openai, retrieval index) only when a notebook asks for it."""
    if name == "AssistantChat":
        from hocso.widgets.assistant_chat import AssistantChat

        return AssistantChat
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "AnswerMissing",
    "AssistantChat",
    "BoardItem",
    "ChoiceBoard",
    "ClaimChecker",
    "GradedWidget",
    "InboxResult",
    "OtpDemo",
    "PasswordMeter",
    "PhishingInbox",
    "PrivacyCheckup",
    "ProgressPanel",
    "QrPayCheck",
    "Quiz",
    "QuizChoice",
    "QuizResult",
    "StepOrder",
    "UrlInspector",
    "load_answer",
    "save_answer",
    "use_answers_file",
]
