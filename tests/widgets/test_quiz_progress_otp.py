"""Quiz, ProgressPanel, OtpDemo and PasswordMeter driven at state level in both languages."""

from __future__ import annotations

import pytest

from hocso.config import Course
from hocso.i18n import t
from hocso.widgets import OtpDemo, PasswordMeter, ProgressPanel, Quiz, QuizChoice, load_answer

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def _quiz(language: str, multiple: bool = False) -> Quiz:
    return Quiz(
        "q",
        {"vi": "Câu hỏi?", "en": "Question?"},
        [
            QuizChoice("a", {"vi": "Một", "en": "One"}, correct=True, why={"vi": "Vì vậy", "en": "Because"}),
            QuizChoice("b", {"vi": "Hai", "en": "Two"}),
            QuizChoice("c", {"vi": "Ba", "en": "Three"}, correct=multiple),
        ],
        multiple=multiple,
        explanation={"vi": "Giải thích", "en": "Explanation"},
        language=language,
    )


def test_quiz_single_choice_feedback_and_saved_answer(language: str) -> None:
    quiz = _quiz(language)
    assert quiz.check() is None and t("widgets.quiz.nothing_chosen", language) in quiz.feedback.value
    quiz.radio.value = "b"
    quiz.check_button.click()
    assert quiz.result is not None and not quiz.result.correct and quiz.result.wrong == ("b",)
    assert t("widgets.quiz.not_yet", language) in quiz.feedback.value
    quiz.radio.value = "a"
    quiz.check_button.click()
    assert quiz.result.correct and "✔" in quiz.feedback.value
    assert ("Because" if language == "en" else "Vì vậy") in quiz.feedback.value
    assert load_answer("q") == ["a"]


def test_quiz_multiple_choice_partial_then_right_and_restored(language: str) -> None:
    quiz = _quiz(language, multiple=True)
    quiz.boxes[0].value = True
    quiz.check_button.click()
    assert quiz.result.missed == ("c",) and not quiz.result.correct
    quiz.boxes[2].value = True
    quiz.check_button.click()
    assert quiz.result.correct and load_answer("q") == ["a", "c"]
    assert _quiz(language, multiple=True).value == (
        "a",
        "c",
    )  # re-running the cell restores, never overwrites


def test_quiz_rejects_authoring_mistakes() -> None:
    with pytest.raises(ValueError, match="distinct keys"):
        Quiz("q", "?", [QuizChoice("a", "A", True), QuizChoice("a", "B")])


def test_progress_panel_names_from_the_framework(course: Course, language: str) -> None:
    panel = ProgressPanel({"4.2": 0.9, "1.2": 0.5, "6.3": 0.0}, course=course, language=language)
    name = next(c.name for d in course.framework.domains for c in d.competences if c.code == "4.2")
    assert getattr(name, language) in panel.rows.value
    assert [panel.status(c) for c in ("4.2", "1.2", "6.3")] == ["done", "started", "not_started"]
    for status, icon in (("done", "✔"), ("started", "⚠"), ("not_started", "✖")):
        assert f"{icon} {t(f'widgets.progress.{status}', language)}" in panel.rows.value
    panel.update("6.3", 2.0)
    assert panel.value["6.3"] == 1.0 and panel.status("6.3") == "done"
    assert t("widgets.progress.empty", language) in ProgressPanel({}, language=language).rows.value


def test_otp_demo_shows_the_code_and_sharing_it_unlocks_the_account(language: str) -> None:
    now = [1_700_000_000.0]
    demo = OtpDemo(SECRET, language=language, clock=lambda: now[0], live=False)
    assert demo.value in demo.phone.value and len(demo.value) == 6
    assert t("widgets.otp.seconds_left", language, seconds=10) in demo.phone.value  # 1_700_000_000 % 30 == 20
    demo.share_button.click()
    assert demo.result == "shared" and demo.value in demo.outcome.value and "✖" in demo.outcome.value
    now[0] += 30
    demo.refresh()
    assert demo.value in demo.phone.value
    demo.refuse_button.click()
    assert demo.result == "refused" and t("widgets.otp.safe", language) in demo.outcome.value


def test_password_meter_scores_without_keeping_the_password(language: str) -> None:
    meter = PasswordMeter(user_inputs=("Nguyen", "1990"), language=language)
    assert meter.value is None and t("widgets.password.empty", language) in meter.meter.value
    meter.password.value = "nguyen1990"
    assert meter.value is not None and meter.value <= 1 and "context_word" in meter.problems
    assert "✖" in meter.meter.value and "nguyen1990" not in repr(meter.result)
    meter.password.value = "con mèo tím nhảy qua cầu tre gió"
    assert (
        meter.value == 4
        and not meter.problems
        and t("widgets.password.good_advice", language) in meter.advice.value
    )
    meter.show.value = True
    assert meter.visible.value == meter.password.value
    meter.show.value = False
    assert meter.visible.value == ""
