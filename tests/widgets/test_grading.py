"""Scoring saved answers in hidden tests: per-item partial credit, reasons in the learner's language,
nothing on stderr and no exception whatever the answers file holds (nbgrader gives 0 for either)."""

from __future__ import annotations

from pathlib import Path

import pytest

from hocso.widgets.answers import save_answer
from hocso.widgets.grading import Expect, answered, grade_items, grade_order, grade_selection

KEY = {
    "g1": Expect("scam", vi="Ngân hàng không gửi link.", en="Banks send no links.", label="SMS 1"),
    "g2": Expect("safe", vi="Tin báo số dư, không link.", en="A balance notice, no link."),
    "g3": Expect("scam", vi="Đòi OTP.", en="Asks for the OTP.", also=("report",)),
    "g4": Expect("safe", vi="Lịch họp.", en="A meeting notice."),
}


def test_each_item_earns_its_share_with_its_reason(
    answers_in_tmp: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    save_answer("m99-inbox", {"g1": "scam", "g2": "scam", "g3": "report"}, language="vi")
    assert grade_items("m99-inbox", 4, KEY) == 2
    out, err = capfd.readouterr()
    assert err == ""
    assert "✅ Đúng · SMS 1: Ngân hàng không gửi link." in out
    assert "❌ Chưa đúng · g2: Tin báo số dư, không link." in out
    assert "⬜ Chưa trả lời · g4: Lịch họp." in out
    assert "Điểm: 2/4" in out


def test_feedback_follows_the_language_the_learner_worked_in(
    answers_in_tmp: Path, capfd: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOCSO_LANG", "vi")
    save_answer("m99-inbox", {"g1": "safe"}, language="en")
    assert grade_items("m99-inbox", 2, KEY) == 0
    out = capfd.readouterr().out
    assert "❌ Not right · SMS 1: Banks send no links." in out and "Points: 0/2" in out


@pytest.mark.parametrize(
    "content",
    [
        None,
        "",
        "{not json",
        '{"format": "other"}',
        '{"format": "hocso-answers/1", "answers": {"m99-inbox": [1, 2]}}',
    ],
)
def test_missing_or_damaged_answers_score_zero_without_a_traceback(
    answers_in_tmp: Path, capfd: pytest.CaptureFixture[str], content: str | None
) -> None:
    if content is not None:
        answers_in_tmp.write_text(content, encoding="utf-8")
    assert grade_items("m99-inbox", 4, KEY) == 0
    assert grade_selection("m99-inbox", 2, {"a": Expect(True, vi="x", en="x")}) == 0
    assert grade_order("m99-inbox", 2, ["a", "b"], vi="x", en="x") == 0
    assert answered("m99-inbox", 4) is None  # nothing to show as a bare value under the sentence
    out, err = capfd.readouterr()
    assert err == "" and "Traceback" not in out and "❌" in out


def test_selection_credits_each_option_and_a_blank_answer_nothing(answers_in_tmp: Path) -> None:
    key = {
        "never": Expect(True, vi="Không ai.", en="Nobody."),
        "bank": Expect(False, vi="Ngân hàng không hỏi.", en="Banks never ask."),
        "police": Expect(False, vi="Công an không hỏi.", en="Police never ask."),
    }
    assert grade_selection("m99-q", 3, key) == 0
    save_answer("m99-q", ["never", "bank"])
    assert grade_selection("m99-q", 3, key) == 2
    save_answer("m99-q", ["never"])
    assert grade_selection("m99-q", 3, key) == 3


def test_order_credits_pairs_in_the_right_order(answers_in_tmp: Path) -> None:
    right = ["bank", "police", "156", "keep"]
    save_answer("m99-steps", right)
    assert grade_order("m99-steps", 3, right, vi="", en="") == 3
    save_answer("m99-steps", ["police", "bank", "156", "keep"])  # one swap: 5 of 6 pairs
    assert grade_order("m99-steps", 3, right, vi="", en="") == 2.5
    save_answer("m99-steps", list(reversed(right)))
    assert grade_order("m99-steps", 3, right, vi="", en="") == 0
    save_answer("m99-steps", ["bank", "", "", ""])
    assert grade_order("m99-steps", 3, right, vi="", en="") == 0


def test_answered_counts_without_revealing(answers_in_tmp: Path, capfd: pytest.CaptureFixture[str]) -> None:
    save_answer("m99-inbox", {"g1": "scam", "g2": "safe"}, language="vi")
    answered("m99-inbox", 4)
    answered("m99-inbox", ["g1", "g2"])
    out = capfd.readouterr().out
    assert "❌ Mới trả lời 2/4 mục" in out and "✅ Đã trả lời đủ 2/2 mục" in out
    assert "scam" not in out and "safe" not in out


def test_selection_lines_say_chosen_or_left_out(
    answers_in_tmp: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    key = {
        "manager": Expect(True, vi="Trình quản lý mật khẩu nhớ giúp bạn.", en="A manager remembers for you."),
        "change": Expect(False, vi="Không cần đổi định kỳ.", en="No forced periodic changes."),
        "mfa": Expect(True, vi="Bật xác thực hai bước.", en="Turn on two-step login."),
    }
    save_answer("m99-habits", ["manager", "change"], language="en")
    assert grade_selection("m99-habits", 3, key) == 1
    out = capfd.readouterr().out
    assert "✅ Right to choose it · manager" in out
    assert "❌ This one should not be chosen · change" in out
    assert "❌ This one should be chosen · mfa" in out
    save_answer("m99-habits", ["manager", "mfa"], language="vi")
    grade_selection("m99-habits", 3, key)
    assert "✅ Đúng, không chọn · change" in capfd.readouterr().out
