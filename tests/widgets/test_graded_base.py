"""The graded-widget base and the widgets built on it: saved the moment an answer changes, restored when
the cell runs again (a kernel restart is a new widget reading the same file), "saved" only when true,
and no answer key in what a graded widget shows."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hocso.widgets import BoardItem, ChoiceBoard, PrivacyCheckup, Quiz, QuizChoice, StepOrder
from hocso.widgets.answers import saved_answers

ITEMS = [
    BoardItem("g1", {"vi": "Tin một", "en": "Message one"}, title="SMS · PNBank", icon="📱"),
    BoardItem("g2", {"vi": "Tin hai", "en": "Message two"}),
]
CHOICES = {"scam": {"vi": "Lừa đảo", "en": "Scam"}, "safe": {"vi": "An toàn", "en": "Safe"}}


def test_a_choice_is_on_disk_the_moment_it_is_made(answers_in_tmp: Path, language: str) -> None:
    board = ChoiceBoard("m99-board", ITEMS, CHOICES, language=language)
    assert not answers_in_tmp.exists()  # creating a widget never writes
    board.toggles["g1"].value = "scam"
    document = json.loads(answers_in_tmp.read_text(encoding="utf-8"))
    assert document["answers"]["m99-board"] == {"g1": "scam"}
    assert document["language"] == language
    assert board.saved and ("Đã lưu lúc" if language == "vi" else "Saved at") in board.save_status.value


def test_a_new_kernel_shows_the_saved_choices(answers_in_tmp: Path, language: str) -> None:
    first = ChoiceBoard("m99-board", ITEMS, CHOICES, language=language)
    first.value = {"g1": "scam", "g2": "safe"}
    again = ChoiceBoard("m99-board", ITEMS, CHOICES, language=language)  # the cell run after a restart
    assert again.value == {"g1": "scam", "g2": "safe"}
    assert again.toggles["g2"].value == "safe"
    assert again.saved


def test_saved_is_not_claimed_when_the_write_fails(tmp_path: Path, language: str) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("")
    board = ChoiceBoard(
        "m99-board", ITEMS, CHOICES, language=language, answers_file=blocked / "x.answers.json"
    )
    board.toggles["g1"].value = "safe"  # the folder cannot be made: the write fails
    assert not board.saved
    assert "⚠" in board.save_status.value and "✔" not in board.save_status.value


def test_an_answer_of_another_shape_is_not_restored(answers_in_tmp: Path) -> None:
    Quiz("m99-q", "?", [QuizChoice("a", "A"), QuizChoice("b", "B")]).radio.value = "a"
    board = ChoiceBoard("m99-q", ITEMS, CHOICES)  # same id, a list saved where a dict is expected
    assert board.value == {} and not board.saved


def test_a_graded_quiz_shows_no_verdict_and_saves_each_change(answers_in_tmp: Path, language: str) -> None:
    quiz = Quiz("m99-q", "?", [QuizChoice("a", "A"), QuizChoice("b", "B")], multiple=True, language=language)
    assert quiz.graded and quiz.check_button not in quiz.children
    quiz.boxes[1].value = True
    assert saved_answers()["m99-q"] == ["b"]
    assert quiz.check() is None and quiz.feedback.value == ""


def test_step_order_saves_places_and_flags_a_repeat(answers_in_tmp: Path, language: str) -> None:
    steps = {"bank": {"vi": "Gọi ngân hàng", "en": "Call the bank"}, "police": "Công an", "156": "156"}
    order = StepOrder("m99-steps", steps, language=language)
    order.places["bank"].value = 1
    order.places["police"].value = 1
    assert saved_answers()["m99-steps"] == ["bank", "", ""]
    assert "⚠" in order.warning.value
    order.places["police"].value = 2
    assert order.warning.value == ""
    assert saved_answers()["m99-steps"] == ["bank", "police", ""]
    again = StepOrder("m99-steps", steps)  # after a restart: every step shows its place again
    assert again.value == ["bank", "police", ""] and again.places["156"].value is None


def test_long_choices_are_one_per_line(answers_in_tmp: Path) -> None:
    """On a phone a row of sentence-long buttons ran together: long choices become radio buttons."""
    import ipywidgets as w

    sentences = {
        "hang_up": {
            "vi": "Cúp máy và tự gọi lại số bạn đã biết",
            "en": "Hang up and call back the number you know",
        },
        "send": {"vi": "Chuyển tiền ngay cho kịp", "en": "Send the money at once"},
    }
    board = ChoiceBoard("m99-calls", ITEMS, sentences)
    assert all(isinstance(control, w.RadioButtons) for control in board.toggles.values())
    board.toggles["g1"].value = "hang_up"
    assert saved_answers()["m99-calls"] == {"g1": "hang_up"}
    assert all(isinstance(c, w.ToggleButtons) for c in ChoiceBoard("m99-b", ITEMS, CHOICES).toggles.values())


def test_items_file_errors_name_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "graded_items.json"
    bad.write_text('[{"text": "no id"}]', encoding="utf-8")
    with pytest.raises(ValueError, match=r"graded_items\.json"):
        ChoiceBoard("m99-board", bad, CHOICES)


def test_existing_widgets_save_on_change_through_the_base(answers_in_tmp: Path) -> None:
    privacy = PrivacyCheckup("m99-privacy")
    privacy.choices["find_by_phone"].value = "off"
    assert saved_answers()["m99-privacy"] == {"find_by_phone": "off"}
    assert PrivacyCheckup("m99-privacy").value == {"find_by_phone": "off"}


def test_widgets_and_checks_speak_the_editions_language(
    answers_in_tmp: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    """An English edition (release writes metadata.hocso.edition) speaks English in a kernel whose
    server default is Vietnamese, before any answer is saved."""
    from hocso.widgets.grading import answered

    monkeypatch.setenv("HOCSO_LANG", "vi")
    notebook = answers_in_tmp.with_name("m99_demo.ipynb")
    notebook.write_text(json.dumps({"metadata": {"hocso": {"edition": {"language": "en"}}}, "cells": []}))
    board = ChoiceBoard("m99-board", ITEMS, CHOICES)
    assert board.lang == "en" and "Choose for each item" in board.children[0].value
    answered("m99-board", 2)
    assert "0 of 2 items answered" in capfd.readouterr().out
    notebook.write_text("{}")  # not an edition: the server's language
    assert ChoiceBoard("m99-board", ITEMS, CHOICES).lang == "vi"
