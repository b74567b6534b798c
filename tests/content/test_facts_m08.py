"""m08 (checking information): the issue 15 defects fixed in this module, each test failing on the old one.

Run on the committed notebook and data without a kernel (test_modules.py grades it with real nbgrader).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from widget_grading import REPO_ROOT, correct_answers, grading_cells, notebook, points_for

from hocso.notebook_meta import (
    cell_language,
    cell_track,
    hocso_meta,
    is_graded,
    is_rubric,
    is_solution,
    nbgrader_meta,
)

NB = notebook("m08", "m08_checking_info.ipynb")
DATA = REPO_ROOT / "notebooks" / "m08" / "data"
VERDICTS = {"reliable", "unreliable", "needs_checking"}


def _items(name: str) -> list[dict]:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def test_the_learner_judges_each_source_from_what_the_page_shows() -> None:
    """#10. Old: sources.json held pre-set booleans (author, date, cites, sensational) and the learner
    summed them in reliability_score/rank_sources, never judging a page. Now each card shows who
    published it, the date, the source cited, what others say and (for photos) the original's date,
    and the learner gives a verdict per card on a ChoiceBoard."""
    assert not (DATA / "sources.json").exists()
    cards = _items("graded_sources.json")
    for card in cards:
        assert set(card) <= {"id", "text", "title", "icon"}, card  # nothing pre-judged, no label
        for lang in ("vi", "en"):
            assert card["text"][lang].count("\n") >= 3, card["id"]  # the signals are on the card
    board = next(c for c in NB.cells if c.cell_type == "code" and '"m08-sources"' in c.source)
    assert "ChoiceBoard" in board.source and all(f'"{v}"' in board.source for v in VERDICTS)
    key = correct_answers("m08")["m08-sources"]
    assert set(key) == {card["id"] for card in cards} and set(key.values()) == VERDICTS
    photo_card = next(c for c in cards if "ảnh gốc" in c["text"]["vi"])
    assert key[photo_card["id"]] == "unreliable"  # the recycled photo's original date decides it


def test_recycled_photo_verdicts_follow_the_dates_on_screen() -> None:
    """#10 / recycled photo: old m08-recycled graded an is_recycled function. Now the date info is on
    screen and the verdict follows it: taken on an earlier day than the event and not the night
    before = old; same day or the night before = fits; no date and no older copy = can't tell."""
    key = correct_answers("m08")["m08-photos"]
    for item in _items("graded_photos.json"):
        text = item["text"]["vi"]
        taken = re.search(r"chụp ngày (\d\d)/(\d\d)/(\d{4})", text)
        if taken:
            day, month, year = (int(g) for g in taken.groups())
            expected = "fits" if (year, month) == (2025, 10) and day in (27, 28) else "old"
        else:
            expected = "old" if "từ năm" in text else "unknown"
        assert key[item["id"]] == expected, item["id"]


def test_lateral_reading_is_ordered_not_a_single_quiz(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Old m08-quiz: one practice quiz with correct=True in visible code, all or nothing. Now a StepOrder
    graded by pairs (stop first, decide last); one misplaced step keeps most of the points."""
    cells = grading_cells(NB)
    order = correct_answers("m08")["m08-lateral"]
    assert order[0] == "stop" and order[-1] == "decide"
    cell = cells["m08-lateral"]
    assert points_for(cell, {"m08-lateral": order}, tmp_path, monkeypatch) == 3
    swapped = [order[0], order[2], order[1], *order[3:]]
    assert points_for(cell, {"m08-lateral": swapped}, tmp_path, monkeypatch) == pytest.approx(2.7)
    assert not any("correct=True" in c.source for c in NB.cells)


def test_each_item_earns_its_own_share(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cells = grading_cells(NB)
    for qid, key in correct_answers("m08").items():
        if isinstance(key, list):
            continue
        cell = cells[qid]
        points = float(nbgrader_meta(cell)["points"])
        first = next(iter(key))
        assert points_for(cell, {qid: {first: key[first]}}, tmp_path, monkeypatch) == pytest.approx(
            points / len(key)
        )
        assert points_for(cell, {qid: key}, tmp_path, monkeypatch) == points
        assert points_for(cell, {}, tmp_path, monkeypatch) == 0


def test_graded_path_is_choices_not_code() -> None:
    """Issue 15: old graded path had reliability_score/rank_sources/is_recycled to write."""
    for cell in NB.cells:
        if is_solution(cell) and cell.cell_type == "code":
            assert cell_track(cell) == "go_further" and not is_graded(cell), cell.source[:60]
        if cell_track(cell) == "go_further":
            assert not is_graded(cell) and hocso_meta(cell)["level"] >= 4


def test_no_fallback_cells_no_stub_errors_and_rubric_outside_the_answer() -> None:
    """#5. Old [21]: 'Chỉ dùng khi không bấm được tiện ích' (released as raise NotImplementedError); old
    [31]: a model answer in the answer cell, the rubric in [29]/[30] beside the prompt."""
    for cell in NB.cells:
        assert "Chỉ dùng khi không bấm được tiện ích" not in cell.source
        assert "NotImplementedError" not in cell.source
    answer_at = next(i for i, c in enumerate(NB.cells) if c.cell_type == "markdown" and is_graded(c))
    assert NB.cells[answer_at].source == "Viết câu trả lời của bạn ở đây. / Write your answer here."
    assert all(is_rubric(NB.cells[answer_at + k]) for k in (1, 2))
    assert not any(("Thang điểm" in c.source or "Rubric" in c.source) for c in NB.cells if not is_rubric(c))


def test_references_cite_the_method_and_the_rules() -> None:
    """Old: no references. Now a vi/en pair citing SIFT/lateral reading, Circular 02/2025 and the fines decree."""
    index = next(i for i, c in enumerate(NB.cells) if c.source.startswith("## Nguồn tham khảo"))
    vi, en = NB.cells[index], NB.cells[index + 1]
    assert cell_language(vi) == "vi" and cell_language(en) == "en" and en.source.startswith("## References")
    for cell in (vi, en):
        for citation in (
            "SIFT",
            "Wineburg",
            "02/2025/TT-BGDĐT",
            "15/2020/NĐ-CP",
            "14/2022/NĐ-CP",
            "tinnhiemmang.vn",
        ):
            assert citation in cell.source, citation
