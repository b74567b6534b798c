"""m07 (privacy, VNeID, location): the issue 15 defects fixed in this module, each test failing on the old one.

Run on the committed notebook and data without a kernel (test_modules.py grades it with real nbgrader).
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from PIL import Image
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
from hocso.safety.photos import make_sample_photo

NB = notebook("m07", "m07_privacy.ipynb")
DATA = REPO_ROOT / "notebooks" / "m07" / "data"
TEXT = [c.source for c in NB.cells if c.cell_type == "markdown"]
DATA_TEXT = [p.read_text(encoding="utf-8") for p in sorted(DATA.glob("*.json"))]


def test_decree_356_under_law_91_replaces_decree_13() -> None:
    """#6. Old [2]/[3]: 'Nghị định 13/2023/NĐ-CP và Luật ... 91/2025' as the rules in force; no 356/2025."""
    everything = "\n".join(TEXT)
    assert "91/2025/QH15" in everything and "356/2025/NĐ-CP" in everything
    for text in TEXT:
        if "13/2023" in text:
            assert "356/2025" in text and ("thay thế" in text or "replaced" in text), text


def test_identity_card_and_personal_id_number_names() -> None:
    """#6. Old: 'số CCCD', 'ID card (CCCD) number', 'căn cước công dân (CCCD)' as today's names."""
    everything = "\n".join(TEXT + DATA_TEXT + [c.source for c in NB.cells if c.cell_type == "code"])
    for old in ("số CCCD", "số căn cước công dân", "CCCD number", "(CCCD) number", "ảnh CCCD"):
        assert old not in everything, old
    assert "số định danh cá nhân" in everything and "thẻ căn cước" in everything
    assert "personal identification number" in everything
    for text in TEXT:  # CCCD only as the old name, next to the new one
        if "CCCD" in text:
            assert "01/07/2024" in text or "1 July 2024" in text, text


def test_no_district_police_since_march_2025() -> None:
    """#6. Old: no word that a 'công an quận' caller is itself a red flag; now taught and graded (scam call)."""
    vi = next(t for t in TEXT if "không còn công an cấp huyện" in t)
    assert "01/03/2025" in vi
    assert any("no district-level police" in t and "1 March 2025" in t for t in TEXT)
    call = next(
        i
        for i in json.loads((DATA / "graded_vneid.json").read_text("utf-8"))
        if "công an quận" in i["text"]["vi"]
    )
    key = grading_cells(NB)["m07-vneid"].source
    assert f'"{call["id"]}": Expect(\n        "hang_up"' in key
    assert not any("Tổng cục Thuế" in t for t in TEXT + DATA_TEXT)


def test_references_cite_the_laws() -> None:
    """Old: no references cell. Now a vi/en pair citing Law 91/2025/QH15, Decree 356/2025 and the 2023 Law on Identification."""
    index = next(i for i, c in enumerate(NB.cells) if c.source.startswith("## Nguồn tham khảo"))
    vi, en = NB.cells[index], NB.cells[index + 1]
    assert cell_language(vi) == "vi" and cell_language(en) == "en" and en.source.startswith("## References")
    for cell in (vi, en):
        for citation in ("91/2025/QH15", "356/2025/NĐ-CP", "26/2023/QH15", "App Store", "CH Play"):
            assert citation in cell.source, citation


def test_each_setting_earns_its_own_share(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 15: old m07-privacy gave 1 point for all five settings together (all or nothing).
    Now every graded exercise pays each item its share: one right item earns points / items."""
    correct = correct_answers("m07")
    cells = grading_cells(NB)
    assert set(cells) >= {"m07-settings", "m07-posts", "m07-photo", "m07-vneid"}
    assert nbgrader_meta(cells["m07-settings"])["points"] == 5
    for qid, key in correct.items():
        cell = cells[qid]
        points = float(nbgrader_meta(cell)["points"])
        first = next(iter(key))
        assert points_for(cell, {qid: {first: key[first]}}, tmp_path, monkeypatch) == pytest.approx(
            points / len(key)
        )
        assert points_for(cell, {qid: key}, tmp_path, monkeypatch) == points
        assert points_for(cell, {}, tmp_path, monkeypatch) == 0


def test_graded_path_is_choices_not_code() -> None:
    """Issue 15: old graded path had has_gps/strip_exif/find_id_numbers/risky_posts to write, and a
    labelled posts.json; the posts are now judged on screen from unlabelled data."""
    for cell in NB.cells:
        if is_solution(cell) and cell.cell_type == "code":
            assert cell_track(cell) == "go_further" and not is_graded(cell), cell.source[:60]
        if cell_track(cell) == "go_further":
            assert not is_graded(cell) and hocso_meta(cell)["level"] >= 4
    assert not (DATA / "posts.json").exists()
    posts = json.loads((DATA / "graded_posts.json").read_text("utf-8"))
    assert len(posts) == 8
    for path in DATA.glob("graded_*.json"):
        for item in json.loads(path.read_text("utf-8")):
            assert set(item) <= {"id", "text", "title", "icon", "choices"}, (path.name, item)


def test_no_fallback_cells_no_stub_errors_and_rubric_outside_the_answer() -> None:
    """#5. Old [34]: 'Chỉ dùng khi không bấm được tiện ích' solution cell (released as raise
    NotImplementedError); old [44]: the answer cell held a model answer and [42]/[43] the rubric beside
    the prompt, which release replaced."""
    for cell in NB.cells:
        assert "Chỉ dùng khi không bấm được tiện ích" not in cell.source
        assert "NotImplementedError" not in cell.source
    answer_at = next(i for i, c in enumerate(NB.cells) if c.cell_type == "markdown" and is_graded(c))
    answer = NB.cells[answer_at]
    assert answer.source == "Viết câu trả lời của bạn ở đây. / Write your answer here."
    assert all(is_rubric(NB.cells[answer_at + k]) for k in (1, 2))
    assert "Thang điểm" in NB.cells[answer_at + 1].source and "Rubric" in NB.cells[answer_at + 2].source
    assert not any(("Thang điểm" in c.source or "Rubric" in c.source) for c in NB.cells if not is_rubric(c))


def test_go_further_strip_exif_keeps_a_portrait_photo_upright(tmp_path: Path) -> None:
    """#10. Old m07-strip-code copied the pixels only, so an orientation-6 portrait came out 64x48 (on its side)."""
    cell = next(c for c in NB.cells if c.cell_type == "code" and "def strip_exif" in c.source)
    scope: dict[str, object] = {"Image": Image}
    exec(compile(cell.source, "<strip_exif>", "exec"), scope)
    portrait = make_sample_photo(
        tmp_path / "p.jpg", 21.0, 105.8, datetime(2025, 1, 1), size=(64, 48), orientation=6
    )
    clean = tmp_path / "clean.jpg"
    scope["strip_exif"](portrait, clean)  # type: ignore[operator]
    with Image.open(clean) as after:
        assert after.size == (48, 64) and len(after.getexif()) == 0
