"""Hands-on widgets for the course, and the answers they save for grading.

Authoring recipe for a graded exercise (the learner decides, classifies, orders; never writes code):

1. An ordinary code cell places the widget; `question_id` names the saved answer, and no answer key
   is in it (learners can read this cell):

       from hocso.widgets import ChoiceBoard
       ChoiceBoard("m04-inbox", "data/graded_inbox.json",
                   {"scam": {"vi": "Lừa đảo", "en": "Scam"}, "safe": {"vi": "An toàn", "en": "Safe"}},
                   phone=True)

   Every change is saved at once to `<notebook stem>.answers.json` next to the notebook (see
   `hocso.widgets.graded`), which travels with the submission; running the cell again, after a
   kernel restart or a browser reload, shows the saved answer.

2. An nbgrader autograder test cell (locked, with points and `metadata.hocso.competence`) says
   whether everything is answered, and keeps the key in its hidden tests:

       from hocso.widgets.grading import Expect, answered, grade_items
       answered("m04-inbox", 10)
       ### BEGIN HIDDEN TESTS
       grade_items("m04-inbox", 5, {
           "g1": Expect("scam", vi="Ngân hàng không gửi link qua SMS.", en="Banks do not text links."),
           ...
       })
       ### END HIDDEN TESTS

   Each item earns its share of the points and prints ✅/❌ with its reason in the learner's language
   (the feedback page shows these lines); nothing raises, so no learner sees a traceback.

What each widget saves under its id: ChoiceBoard, PhishingInbox, ClaimChecker, PrivacyCheckup →
{item: choice}; Quiz → sorted list of choice keys; StepOrder → step ids in the learner's order.
A Quiz with no `correct=True` choice is a graded question (no verdict shown); PhishingInbox,
ClaimChecker and a Quiz with correct choices reveal the truth on Check, so they are for practice.
Other widgets (PasswordMeter, OtpDemo, UrlInspector, QrPayCheck, ProgressPanel) save nothing.

Rules for authors: run your notebook where it lives (`notebooks/<module>/`) and its answers stay in
the kernel's memory, so no answers file lands in the course source; never commit a `*.answers.json`.
With several notebooks in one folder, call `use_answers_file("<stem>.answers.json")` at the top of
each. Every widget takes `language="vi" | "en"` (default: `hocso.i18n.current_language()`), and is
testable without a browser: set its controls' values, `.click()` its buttons, read `value`.

    ChoiceBoard(qid, items, choices, phone=False)        StepOrder(qid, {step: text})
    Quiz(qid, prompt, [QuizChoice(key, text)], multiple=False)
    AssistantChat(graded=False)  # the course assistant, with a preview of what is hidden before sending
    PasswordMeter(user_inputs=("Lan", "1990"))            OtpDemo(secret=None, live=True)
    PhishingInbox("inbox", messages=None)  # None: the course's message set, in the widget's language
    UrlInspector("https://...")                           QrPayCheck(payload, expected_account="...")
    PrivacyCheckup("privacy", photo="beach.jpg")          ProgressPanel(course=course)
    ClaimChecker("claims", {"c1": "claim"}, {"Source": "text"}, expected={"c1": "supported"})
    ClassQuiz(qid, title, [ClassQuestion(prompt, [QuizChoice(...)])])  # led live from the facilitator page
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from hocso.widgets.answers import AnswerMissing, load_answer, save_answer, use_answers_file
from hocso.widgets.choice_board import BoardItem, ChoiceBoard
from hocso.widgets.claim_checker import ClaimChecker
from hocso.widgets.class_quiz import ClassQuestion, ClassQuiz
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
    "ClassQuestion",
    "ClassQuiz",
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
