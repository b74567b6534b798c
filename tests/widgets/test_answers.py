"""Where answers are saved, how they are read back, and what a graded cell sees when they are not there."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hocso.widgets import answers
from hocso.widgets.answers import AnswerMissing, AnswersFileNotFound, load_answer, save_answer, saved_answers

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=10,
)


def test_saved_next_to_the_only_notebook(answers_in_tmp: Path) -> None:
    assert save_answer("inbox", {"sms-1": "scam"}) == answers_in_tmp.parent / answers_in_tmp.name
    assert load_answer("inbox") == {"sms-1": "scam"}
    document = json.loads(answers_in_tmp.read_text())
    assert document["format"] == answers.FORMAT and "inbox" in document["saved_at"]


def test_explicit_file_env_and_session_win_in_that_order(answers_in_tmp: Path, monkeypatch) -> None:
    (answers_in_tmp.parent / "other.ipynb").write_text("{}")
    with pytest.raises(AnswersFileNotFound, match="use_answers_file"):
        answers.answers_path()
    monkeypatch.setenv(answers.SESSION_ENV, "/somewhere/else/other.ipynb")
    assert answers.answers_path().name == "other.answers.json"
    answers.use_answers_file("chosen.answers.json")
    assert answers.answers_path() == Path("chosen.answers.json")
    monkeypatch.setenv(answers.ANSWERS_FILE_ENV, "env.answers.json")
    assert answers.answers_path() == Path("env.answers.json")
    assert answers.answers_path("arg.json") == Path("arg.json")


def test_session_name_of_a_notebook_elsewhere_is_ignored(answers_in_tmp: Path, monkeypatch) -> None:
    monkeypatch.setenv(answers.SESSION_ENV, "grader/instructor.ipynb")
    assert answers.answers_path() == Path.cwd() / answers_in_tmp.name


@pytest.mark.parametrize(
    ("content", "message"),
    [(None, "m99_demo.answers.json is missing"), ("{oops", "damaged"), ('["x"]', "not a hocso answers file")],
)
def test_missing_or_corrupt_file_is_a_clear_answer_missing(answers_in_tmp: Path, content, message) -> None:
    if content is not None:
        answers_in_tmp.write_text(content)
    with pytest.raises(AnswerMissing, match=message):
        load_answer("inbox")
    assert saved_answers() == {}


def test_unanswered_question_names_question_and_file(answers_in_tmp: Path) -> None:
    save_answer("quiz", ["a"])
    with pytest.raises(AnswerMissing, match=r"no answer saved for 'inbox' in m99_demo.answers.json"):
        load_answer("inbox")


def test_one_part_of_an_answer_for_partial_credit(answers_in_tmp: Path) -> None:
    save_answer("inbox", {"sms-1": "scam"})
    assert load_answer("inbox", "sms-1") == "scam"
    with pytest.raises(
        AnswerMissing, match=r"no answer saved for 'sms-2' of 'inbox' in m99_demo.answers.json"
    ):
        load_answer("inbox", "sms-2")


def test_saving_over_a_corrupt_file_keeps_it_aside(answers_in_tmp: Path) -> None:
    answers_in_tmp.write_text("{oops")
    save_answer("quiz", ["a"])
    assert load_answer("quiz") == ["a"]
    assert (answers_in_tmp.parent / (answers_in_tmp.name + ".corrupt")).read_text() == "{oops"


def test_no_temporary_files_are_left_and_file_is_readable_by_others(answers_in_tmp: Path) -> None:
    save_answer("a", 1)
    save_answer("b", 2)
    assert sorted(p.name for p in answers_in_tmp.parent.iterdir()) == [
        "m99_demo.answers.json",
        "m99_demo.ipynb",
    ]
    assert os.stat(answers_in_tmp).st_mode & 0o044 == 0o044


@settings(max_examples=40, deadline=None)
@given(question=st.text(min_size=1), value=JSON)
def test_any_json_answer_round_trips(question: str, value) -> None:
    path = Path.cwd() / "roundtrip.answers.json"
    save_answer(question, value, path)
    assert load_answer(question, answers_file=path) == value


def test_author_running_the_course_source_leaves_no_answers_file(tmp_path: Path, monkeypatch) -> None:
    """A file in notebooks/ would be released to learners and copied over their answers at autograde."""
    (tmp_path / "course_config").mkdir()
    (tmp_path / "course_config" / "course.toml").write_text("")
    module = tmp_path / "notebooks" / "m04"
    module.mkdir(parents=True)
    (module / "m04_phishing.ipynb").write_text("{}")
    monkeypatch.chdir(module)
    save_answer("inbox", {"sms-1": "scam"})
    assert load_answer("inbox") == {"sms-1": "scam"} and saved_answers() == {"inbox": {"sms-1": "scam"}}
    assert sorted(p.name for p in module.iterdir()) == ["m04_phishing.ipynb"]
    save_answer("inbox", 1, module / "explicit.answers.json")  # an explicit file is the author's choice
    assert (module / "explicit.answers.json").exists()
