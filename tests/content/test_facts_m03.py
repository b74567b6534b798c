"""Issue 15 defects in m03 (two-step login and OTP codes), each checked on the committed notebook,
its data and hocso.safety.otp. Each comment says what the test found on the old module."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

import hocso.widgets.grading as grading
from hocso.notebook_meta import (
    cell_track,
    hocso_meta,
    is_autograder_test,
    is_rubric,
    is_solution,
    nbgrader_meta,
)
from hocso.safety.otp import asks_for_otp

MODULE = Path(__file__).resolve().parents[2] / "notebooks" / "m03"
NOTEBOOK = MODULE / "m03_otp.ipynb"

# The three requests of issue 15, defect 2.
ISSUE_REQUESTS = [
    "chị đọc mã OTP cho em, tuyệt đối không chia sẻ cho người khác nhé",
    "Chi doc ma OTP cho em nhe",
    "Chị đọc giúp em 6 số vừa nhận nhé",
]


def cells() -> list[dict[str, Any]]:
    notebook = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    for cell in notebook["cells"]:
        cell["source"] = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
    return notebook["cells"]


def graded_keys(monkeypatch: pytest.MonkeyPatch) -> dict[str, dict[str, grading.Expect]]:
    """Every `grade_items` key of the notebook's test cells, read by running them with a recording stub."""
    keys: dict[str, dict[str, grading.Expect]] = {}

    def record(question_id: str, points: float, key: dict[str, grading.Expect], **_: Any) -> float:
        keys[question_id] = dict(key)
        return 0.0

    monkeypatch.setattr(grading, "grade_items", record)
    monkeypatch.setattr(grading, "answered", lambda *args, **kwargs: True)
    monkeypatch.setattr(grading, "grade_order", lambda *args, **kwargs: 0.0)
    for cell in cells():
        if is_autograder_test(cell) and "grade_items" in cell["source"]:
            exec(compile(cell["source"], str(NOTEBOOK), "exec"), {})
    return keys


@pytest.mark.parametrize("message", ISSUE_REQUESTS)
def test_the_library_catches_the_issue_requests(message: str) -> None:
    # Old hocso.safety.otp skipped any sentence holding "không chia sẻ" and knew no "6 số": the first
    # and third came out safe.
    assert asks_for_otp(message)


def test_the_graded_key_marks_the_issue_requests_as_scams(monkeypatch: pytest.MonkeyPatch) -> None:
    # Old notebook: exercise 3 graded an `asks_for_otp` whose NOTICE_WORDS made any "không chia sẻ"
    # safe (hidden test [25] rewarded it), and "doc ma" / "6 số" matched no REQUEST_WORDS, so all three
    # requests were safe. There was no data/graded_otp_messages.json: this test failed on reading it.
    items = json.loads((MODULE / "data" / "graded_otp_messages.json").read_text(encoding="utf-8"))
    key = graded_keys(monkeypatch)["m03-inbox"]
    found = []
    for request in ISSUE_REQUESTS:
        matching = [item["id"] for item in items if request.lower() in item["text"]["vi"].lower()]
        assert matching, f"no graded message holds {request!r}"
        found += matching
    for item_id in found:
        assert key[item_id].answer == "scam", f"{item_id} is not graded as a request for the OTP"
    for item in items:  # and the library agrees with the whole key, in both languages
        wants = key[item["id"]].answer == "scam"
        assert asks_for_otp(item["text"]["vi"]) == wants, item["id"]
        assert asks_for_otp(item["text"]["en"]) == wants, item["id"]


def test_no_rule_treats_a_do_not_share_phrase_as_safe() -> None:
    # Old notebook: NOTICE_WORDS = ["không chia sẻ", ...] excused a message from being a request.
    source = "\n".join(cell["source"] for cell in cells())
    assert "NOTICE_WORDS" not in source
    assert not (MODULE / "data" / "otp_messages.csv").exists()  # its labels taught the same rule


def test_the_graded_path_needs_no_code() -> None:
    # Old notebook: 3 of 8 points (time_step, totp) and 3 more (asks_for_otp) graded Python the
    # learner wrote, and release turned those solution cells into `raise NotImplementedError()`.
    for cell in cells():
        if cell["cell_type"] == "code" and is_solution(cell):
            assert cell_track(cell) == "go_further", nbgrader_meta(cell).get("grade_id")
            assert not nbgrader_meta(cell).get("grade")
        if cell_track(cell) == "go_further":
            assert not nbgrader_meta(cell).get("grade"), "the go-further section is not graded"
            assert (hocso_meta(cell).get("level") or 0) >= 4
        if is_autograder_test(cell):
            assert "assert " not in cell["source"]
            assert re.search(r"grade_(items|order|selection)\(", cell["source"])


def test_the_rubric_is_not_in_the_answer_cell() -> None:
    # Old notebook: the reflection's answer cell held "Thang điểm / Rubric", which release replaces.
    all_cells = cells()
    answers = [
        i
        for i, c in enumerate(all_cells)
        if c["cell_type"] == "markdown" and nbgrader_meta(c).get("solution")
    ]
    assert answers
    for index in answers:
        assert not re.search(r"thang điểm|rubric", all_cells[index]["source"], re.I)
        assert is_rubric(all_cells[index + 1]) and "Thang điểm" in all_cells[index + 1]["source"]
        assert not nbgrader_meta(all_cells[index + 1])


def test_a_district_police_caller_is_a_red_flag(monkeypatch: pytest.MonkeyPatch) -> None:
    # Old notebook: no word of the 1 March 2025 reform (no district-level police), so a "công an
    # quận" caller looked official. Now every graded item with one is a scam and says why.
    items = json.loads((MODULE / "data" / "graded_otp_messages.json").read_text(encoding="utf-8"))
    calls = json.loads((MODULE / "data" / "graded_otp_call.json").read_text(encoding="utf-8"))
    keys = graded_keys(monkeypatch)
    district = [i["id"] for i in items if "công an quận" in i["text"]["vi"]]
    assert district
    for item_id in district:
        assert keys["m03-inbox"][item_id].answer == "scam"
        assert "1/3/2025" in keys["m03-inbox"][item_id].vi and "1 March 2025" in keys["m03-inbox"][item_id].en
    opening = next(c for c in calls if "công an quận" in c["text"]["vi"])
    assert keys["m03-call"][opening["id"]].answer == "suspect"
    source = "\n".join(cell["source"] for cell in cells()).lower()
    for outdated in ("tổng cục thuế", "cmnd", "chứng minh nhân dân", "căn cước công dân"):
        assert outdated not in source
