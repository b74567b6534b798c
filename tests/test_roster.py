"""Roster files: the happy path with Vietnamese names and a BOM, and every kind of mistake at once."""

from __future__ import annotations

import pickle
import unicodedata
from pathlib import Path

import pytest

from hocso.config import Course
from hocso.roster import Learner, RosterError, load_roster

GOOD = (
    "learner_id,name,group,unit\n"
    "hv001,Nguyễn Thị Hương,citizens,Phường Bến Nghé\n"
    "hv002,Trần Văn Đức,soldiers,Đại đội 1\n"
    "hv003,Lê Minh Châu,leaders,Đại đội 1\n"
)


def write(tmp_path: Path, text: str, *, bom: bool = False, name: str = "roster.csv") -> Path:
    path = tmp_path / name
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


@pytest.mark.parametrize("bom", [False, True])
def test_reads_vietnamese_names_with_or_without_bom(tmp_path: Path, course: Course, bom: bool) -> None:
    roster = load_roster(write(tmp_path, GOOD, bom=bom), course)
    assert len(roster) == 3
    assert roster["hv001"] == Learner("hv001", "Nguyễn Thị Hương", "citizens", "Phường Bến Nghé")
    assert [learner.learner_id for learner in roster] == ["hv001", "hv002", "hv003"]
    assert roster.groups == ("citizens", "leaders", "soldiers")
    assert roster.units == ("Phường Bến Nghé", "Đại đội 1")
    assert "hv002" in roster and "hv999" not in roster and roster.get("hv999") is None
    assert roster.in_unit("Đại đội 1").ids == ("hv002", "hv003")
    assert roster.in_group("leaders").ids == ("hv003",)


def test_columns_in_any_order_extra_columns_and_blank_lines(tmp_path: Path, course: Course) -> None:
    text = "Unit,Group,Note,Learner_ID,Name\nĐại đội 2,technical,x,hv9,Phạm Quang\n\n"
    roster = load_roster(write(tmp_path, text), course)
    assert roster["hv9"] == Learner("hv9", "Phạm Quang", "technical", "Đại đội 2")


def test_default_groups_come_from_the_course(tmp_path: Path, repo_root: Path, monkeypatch) -> None:
    monkeypatch.setenv("HOCSO_COURSE", str(repo_root))
    assert len(load_roster(write(tmp_path, GOOD))) == 3


def test_every_problem_is_reported_at_once_with_line_numbers(tmp_path: Path, course: Course) -> None:
    text = (
        "learner_id,name,group,unit\n"
        "hv001,Nguyễn A,citizens,U1\n"
        "hv001,Nguyễn B,citizens,U1\n"  # line 3: duplicate id
        "hv002,Trần C,sailors,U1\n"  # line 4: unknown group
        ",Lê D,staff,U2\n"  # line 5: empty id
        "hv003,Lê E,staff,\n"  # line 6: empty unit
    )
    path = write(tmp_path, text)
    with pytest.raises(RosterError) as caught:
        load_roster(path, course)
    lines = {problem.line: problem.message for problem in caught.value.problems}
    assert sorted(lines) == [3, 4, 5, 6]
    assert "duplicate learner_id 'hv001' (first on line 2)" in lines[3]
    assert "unknown group 'sailors'" in lines[4] and "citizens" in lines[4]
    assert "learner_id is empty" in lines[5]
    assert "unit is empty" in lines[6]
    message = str(caught.value)
    assert "4 problems" in message and f"{path}:3:" in message and f"{path}:4:" in message


def test_missing_columns_are_named(tmp_path: Path, course: Course) -> None:
    with pytest.raises(RosterError) as caught:
        load_roster(write(tmp_path, "learner_id,name\nhv1,A\n"), course)
    [problem] = caught.value.problems
    assert problem.line == 1 and "missing columns group, unit" in problem.message


def test_missing_column_and_row_problems_together(tmp_path: Path, course: Course) -> None:
    text = "learner_id,name,group\nhv1,A,staff\nhv1,B,nobody\n"
    with pytest.raises(RosterError) as caught:
        load_roster(write(tmp_path, text), course)
    assert [p.line for p in caught.value.problems] == [1, 3, 3]


def test_multiline_quoted_name_keeps_line_numbers_right(tmp_path: Path, course: Course) -> None:
    text = 'learner_id,name,group,unit\nhv1,"A\nB",staff,U\nhv2,C,nobody,U\n'
    with pytest.raises(RosterError) as caught:
        load_roster(write(tmp_path, text), course)
    assert [p.line for p in caught.value.problems] == [4]


@pytest.mark.parametrize(
    ("content", "expected"),
    [(b"", "the file is empty"), (b"\xff\xfeh\x00", "not UTF-8")],
)
def test_unreadable_files(tmp_path: Path, course: Course, content: bytes, expected: str) -> None:
    path = tmp_path / "roster.csv"
    path.write_bytes(content)
    with pytest.raises(RosterError, match=expected):
        load_roster(path, course)


def test_missing_file(tmp_path: Path, course: Course) -> None:
    with pytest.raises(RosterError, match="does not exist"):
        load_roster(tmp_path / "nope.csv", course)


def test_error_pickles_with_its_problems(tmp_path: Path, course: Course) -> None:
    with pytest.raises(RosterError) as caught:
        load_roster(write(tmp_path, "learner_id\n\n"), course)
    copy = pickle.loads(pickle.dumps(caught.value))
    assert copy.problems == caught.value.problems and str(copy) == str(caught.value)


@pytest.mark.parametrize("delimiter", [",", ";"])
def test_excel_vi_vn_files_bom_semicolon_and_any_case_group(
    tmp_path: Path, course: Course, delimiter
) -> None:
    text = GOOD.replace(",", delimiter).replace("citizens", "Citizens").replace("leaders", "LEADERS")
    roster = load_roster(write(tmp_path, text, bom=True), course)
    assert roster["hv001"].group == "citizens" and roster["hv003"].group == "leaders"
    assert roster["hv002"].name == "Trần Văn Đức"


def _cp1258(text: str) -> bytes:
    """How Windows writes Vietnamese in its ANSI code page: a precomposed letter where the code
    page has one (â, ơ, đ...), else the letter and a combining tone mark."""
    out = b""
    for char in text:
        try:
            out += char.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", char)
            tone = next(c for c in parts if c in "\u0300\u0301\u0303\u0309\u0323")
            letter = unicodedata.normalize("NFC", parts.replace(tone, ""))
            out += letter.encode("cp1258") + tone.encode("cp1258")
    return out


def test_excel_ansi_vietnamese_code_page(tmp_path: Path, course: Course) -> None:
    path = tmp_path / "roster.csv"
    path.write_bytes(_cp1258(GOOD.replace(",", ";")))
    assert load_roster(path, course)["hv001"].name == "Nguyễn Thị Hương"


def test_find_by_id_email_or_name_without_diacritics(tmp_path: Path, course: Course) -> None:
    text = "learner_id,name,group,unit,email\n" + "".join(
        line + f",{line.split(',')[0]}@donvi.gov.vn\n" for line in GOOD.splitlines()[1:]
    )
    roster = load_roster(write(tmp_path, text), course)
    assert roster["hv001"].email == "hv001@donvi.gov.vn"
    for text_naming_hv002 in (
        "HV002",
        "hv002@donvi.gov.vn",
        "Trần Văn Đức",
        "tran van duc",
        "tranvanduc",
        "Duc Tran Van",
    ):
        assert roster.find(text_naming_hv002) == roster["hv002"], text_naming_hv002
    assert roster.find("Trần Văn") is None and roster.find("") is None
