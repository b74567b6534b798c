"""The committed course loads, and every kind of mistake gets a message naming file, key and fix."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from hocso.config import CourseConfigError, load_course


def test_committed_course_loads(course) -> None:
    assert course.id == "hocso-101"
    assert [m.id for m in course.modules] == [f"m{n:02d}" for n in range(1, 19)] + ["m00", "m99"]
    assert [m.kind for m in course.modules][-2:] == ["pre_test", "post_test"]  # the placement tests
    assert course.info.default_language in course.info.languages == ("vi", "en")
    # six domains of the Circular plus domain 0 of Decision 757: 24 + 2 competences, 8 levels, 5 groups
    assert [d.code for d in course.framework.domains] == [str(n) for n in range(7)]
    assert len(course.framework.competences) == 26
    assert len(course.framework.levels) == 8
    assert course.framework.group_ids == ("leaders", "staff", "technical", "soldiers", "citizens")
    assert course.framework.group("citizens").targets["3"] == 1


def test_models_are_immutable(course) -> None:
    with pytest.raises(Exception, match="frozen"):
        course.modules[0].points = 99  # type: ignore[misc]


FIRST_POINTS = re.compile(r"^points = \d+\n", re.MULTILINE)  # the first module's, whatever it is worth


def _edit(root: Path, file: str, old: str | re.Pattern[str], new: str) -> None:
    path = root / "course_config" / file
    text = path.read_text(encoding="utf-8")
    if isinstance(old, re.Pattern):
        assert old.search(text), f"fixture pattern {old.pattern!r} not found in {file}"
        path.write_text(old.sub(new, text, count=1), encoding="utf-8")
        return
    assert old in text, f"fixture text {old!r} not found in {file}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


BROKEN_VARIANTS = [
    # (file, old text, new text, expected fragments of the message)
    (
        "course.toml",
        'id = "hocso-101"',
        'id = "Hocso 101"',
        ["course.toml", "course.id", "'Hocso 101'", "pattern"],
    ),
    (
        "course.toml",
        'default_language = "vi"',
        'default_language = "fr"',
        ["course.default_language", "'fr'", "'vi' or 'en'"],
    ),
    (
        "course.toml",
        "pass_mark = 0.6",
        "pass_mark = 1.5",
        ["course.pass_mark", "1.5", "less than or equal to 1"],
    ),
    (
        "course.toml",
        "[late_policy]",
        "[late_policy]\nmercy = true",
        ["late_policy.mercy", "unknown key", "grace_minutes"],
    ),
    (
        "course.toml",
        'competences = ["5.1", "1.3"]',
        'competences = ["5.1", "9.9"]',
        ["modules[0].competences[1]", "'9.9'", "not a competence", "4.2"],
    ),
    ("course.toml", FIRST_POINTS, "points = -3\n", ["modules[0].points", "-3", "greater than 0"]),
    (
        "course.toml",
        'notebooks = ["m01_welcome.ipynb"]',
        'notebooks = ["m01/welcome.txt"]',
        ["modules[0].notebooks", "not a notebook file name"],
    ),
    ("course.toml", ", citizens = 1 }", " }", ["modules[0].target_levels", "missing: ['citizens']"]),
    ("course.toml", "citizens = 1 }", "citizens = 9 }", ["modules[0].target_levels", "9", "allowed: 1 to 8"]),
    ("course.toml", 'id = "m02"', 'id = "m01"', ["module id 'm01' appears more than once"]),
    (
        "course.toml",
        "timeout_seconds = 15",
        'timeout_seconds = "soon"',
        ["assistant.timeout_seconds", "'soon'", "number"],
    ),
    ("course.toml", "[assistant]", '[assistant]\nbase_url = "ftp://x"', ["assistant.base_url", "http://"]),
    ("course.toml", "[course]", "[course", ["course.toml", "not valid TOML", "line"]),
    (
        "framework.toml",
        'code = "CB2"',
        'code = "CB2"\nnumber_two = 2',
        ["framework.toml", "levels[1].number_two", "unknown key", "code, name, number"],
    ),
    (
        "framework.toml",
        '{ code = "4.4"',
        '{ code = "5.9"',
        ["framework.toml", "competence 5.9 is listed under domain 4"],
    ),
    (
        "framework.toml",
        'targets = { "0" = 2, "1" = 2,',
        'targets = { "1" = 2,',
        ["group 'citizens'", "missing: ['0']"],
    ),
]


@pytest.mark.parametrize(("file", "old", "new", "fragments"), BROKEN_VARIANTS, ids=lambda v: str(v)[:30])
def test_broken_config_names_the_problem(course_copy: Path, file, old, new, fragments) -> None:
    _edit(course_copy, file, old, new)
    with pytest.raises(CourseConfigError) as caught:
        load_course(course_copy)
    message = str(caught.value)
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} missing from:\n{message}"


def test_all_problems_reported_at_once(course_copy: Path) -> None:
    _edit(course_copy, "course.toml", "pass_mark = 0.6", "pass_mark = 7")
    _edit(course_copy, "course.toml", FIRST_POINTS, "points = 0\n")
    _edit(course_copy, "framework.toml", 'code = "CB1"', 'code = "CB1"\nextra = 1')
    with pytest.raises(CourseConfigError) as caught:
        load_course(course_copy)
    assert len(caught.value.problems) == 3
    assert {p.file.name for p in caught.value.problems} == {"course.toml", "framework.toml"}


def test_missing_files_are_named(tmp_path: Path, course_copy: Path) -> None:
    with pytest.raises(CourseConfigError, match=re.escape(str(tmp_path / "course_config" / "course.toml"))):
        load_course(tmp_path)
    (course_copy / "course_config" / "framework.toml").unlink()
    with pytest.raises(CourseConfigError, match=r"framework\.toml: file not found"):
        load_course(course_copy)


def test_course_found_from_a_subfolder_and_env(
    course_copy: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(course_copy / "notebooks")
    assert load_course().root == course_copy
    monkeypatch.chdir(tmp_path)
    with pytest.raises(CourseConfigError, match="no course found"):
        load_course()
    monkeypatch.setenv("HOCSO_COURSE", str(course_copy))
    assert load_course().root == course_copy


def test_config_error_survives_pickling(course_copy: Path) -> None:
    import pickle

    _edit(course_copy, "course.toml", "pass_mark = 0.6", "pass_mark = 7")
    with pytest.raises(CourseConfigError) as caught:
        load_course(course_copy)
    clone = pickle.loads(pickle.dumps(caught.value))
    assert str(clone) == str(caught.value) and clone.problems == caught.value.problems
