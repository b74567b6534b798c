"""`ClassQuiz` outside `hocso present`: its own Next and Show answer buttons; the key stays hidden."""

from __future__ import annotations

import json

import ipywidgets as w
import pytest

from hocso.widgets import ClassQuestion, ClassQuiz, QuizChoice

QUESTIONS = [
    ClassQuestion(
        {"vi": "Ai được biết mã OTP?", "en": "Who may know an OTP?"},
        [
            QuizChoice("bank", {"vi": "Ngân hàng", "en": "The bank"}),
            QuizChoice(
                "me",
                {"vi": "Chỉ mình bạn", "en": "Only you"},
                correct=True,
                why={"vi": "Mã là chìa khóa.", "en": "It is the key."},
            ),
        ],
    ),
    ClassQuestion(
        {"vi": "Bấm link lạ?", "en": "Click a strange link?"}, [QuizChoice("no", "Không / No", correct=True)]
    ),
]


def _browser_state(widget: w.Widget) -> str:
    """Everything the browser would receive for the widget and its children."""
    return json.dumps([child.get_state() for child in widget.children], default=str)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_answer_reaches_the_browser_only_once_shown(lang: str) -> None:
    quiz = ClassQuiz("otp", {"vi": "Cả lớp", "en": "The class"}, QUESTIONS, language=lang)
    assert not quiz.live
    hidden = _browser_state(quiz)
    assert ("Mã là chìa khóa" if lang == "vi" else "It is the key") not in hidden
    quiz.radio.value = "bank"
    quiz.reveal_button.click()
    shown = quiz.answer.value
    assert (
        "Đáp án đúng: Chỉ mình bạn: Mã là chìa khóa."
        if lang == "vi"
        else "The right answer: Only you: It is the key."
    ) in shown
    assert quiz.radio.disabled, "no changing the answer once it is shown"
    quiz.next_button.click()
    assert quiz.radio.value is None and not quiz.radio.disabled and quiz.answer.value == ""
    assert ("Câu 2/2" if lang == "vi" else "Question 2 of 2") in quiz.progress.value
    assert [key for _, key in quiz.radio.options] == ["no"]


def test_choice_keys_must_be_distinct() -> None:
    with pytest.raises(ValueError, match="distinct"):
        ClassQuiz("x", "x", [ClassQuestion("?", [QuizChoice("a", "A"), QuizChoice("a", "B")])])
