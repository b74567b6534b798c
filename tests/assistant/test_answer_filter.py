"""The output check for generated replies on graded cells, against the real course's answer key."""

from __future__ import annotations

from hocso.assistant.answer_filter import AnswerKey, answer_key_for, filter_answer
from hocso.config import Course

# m04's hidden tests explain exercise 2's first answer with these words (vi and en).
KEY_VI = (
    "Ngân hàng không gửi SMS hay email có link (Thông tư 50/2024/TT-NHNN). "
    "Link trong tin ngân hàng là dấu hiệu giả, dù tên người gửi đúng."
)
KEY_EN = "Banks send no SMS or e-mail with links (Circular 50/2024/TT-NHNN)."


def test_the_answer_key_comes_from_hidden_tests_and_solutions_of_the_author_notebooks(course: Course) -> None:
    key = answer_key_for(course)
    sources = {item.source.split(" cell ")[0] for item in key.items}
    assert "m04/m04_phishing.ipynb" in sources
    assert key.find(KEY_EN) is not None
    assert key.find("Think about who sent the message and whether it asks you to act fast.") is None


def test_a_reply_that_copies_the_key_loses_those_sentences_and_says_why(course: Course) -> None:
    reply = f"Good question! {KEY_VI.replace('Ngân hàng', 'ngan hang')} Chúc bạn làm bài tốt."
    checked = filter_answer(reply, answer_key_for(course), "vi")
    assert checked.withheld and checked.reasons == ("answer_key",)
    assert "50/2024" not in checked.text and "dấu hiệu giả" not in checked.text
    assert "đáp án của bài có chấm điểm" in checked.text
    assert checked.matched == ("m04/m04_phishing.ipynb cell 23",)


def test_solution_code_is_cut_even_with_an_empty_key() -> None:
    reply = "Try this:\n```python\ndef is_strong(pw):\n    return len(pw) >= 12\n```"
    checked = filter_answer(reply, AnswerKey([]), "en")
    assert checked.reasons == ("solution_code",)
    assert "return len" not in checked.text


def test_a_hint_passes_unchanged(course: Course) -> None:
    hint = "Look at who sent the message. Does it ask you to act fast? Re-read the section on red flags."
    checked = filter_answer(hint, answer_key_for(course), "en")
    assert not checked.withheld and checked.text == hint
