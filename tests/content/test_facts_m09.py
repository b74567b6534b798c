"""Issue 15 defects in m09 (how AI assistants work and fail), each checked on the committed notebook/data.

Fast, static: reads the source notebook, its data and tests/content/partials/m09.py (the answers the
widgets save when every item is right); nbgrader itself runs in test_modules.py.
"""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import nbformat

from hocso.notebook_meta import hocso_meta, is_graded, is_rubric, is_solution
from hocso.safety.claims import agrees_with_source

ROOT = Path(__file__).resolve().parents[2]
FOLDER = ROOT / "notebooks" / "m09"
NOTEBOOK = nbformat.read(FOLDER / "m09_ai_basics.ipynb", as_version=4)
SOURCE = (  # the source exercise 2 shows on screen
    "Luật Bảo vệ dữ liệu cá nhân số 91/2025/QH15 có hiệu lực từ ngày 01/01/2026. "
    "Nghị định 356/2025/NĐ-CP quy định chi tiết Luật này, cũng có hiệu lực từ ngày 01/01/2026, "
    "và thay thế Nghị định 13/2023/NĐ-CP."
)


def _partials():
    spec = importlib.util.spec_from_file_location("m09_partials", ROOT / "tests/content/partials/m09.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def graded_path():
    return [c for c in NOTEBOOK.cells if hocso_meta(c).get("track") != "go_further"]


def test_fact_check_compares_dates_as_dates() -> None:
    """#3. Old: exercise 3 [16]-[19] graded `agree_with_reference` ("every digit run of the answer is in
    the source"), which accepts "Từ ngày 01/01/2025" (2025 is in "91/2025") and rejects "1/1/2026".
    Now the graded claims include both traps and the key agrees with hocso.safety.claims."""
    items = {
        item["id"]: item["text"]["vi"]
        for item in json.loads((FOLDER / "data/graded_claims.json").read_text())
    }
    key = _partials().CORRECT["m09-claims"]
    dated = {cid: text for cid, text in items.items() if re.search(r"\d{1,2}/\d{1,2}/\d{4}", text)}
    assert any("1/1/2026" in text and "01/01" not in text for text in dated.values())
    assert any("01/01/2025" in text for text in dated.values())
    for cid, text in dated.items():
        assert (key[cid] == "supported") == agrees_with_source(text, SOURCE), cid
    shown = " ".join(c.source for c in NOTEBOOK.cells if c.get("id") == "m09-claims-vi").replace("\n> ", " ")
    assert all(sentence in shown for sentence in re.split(r"(?<=\.) ", SOURCE))
    assert agrees_with_source("Từ ngày 1/1/2026", SOURCE)
    assert not agrees_with_source("Từ ngày 01/01/2025", SOURCE)
    code = "\n".join(c.source for c in graded_path() if c.cell_type == "code")
    assert "agree_with_reference" not in code and 're.findall(r"\\d+"' not in code


def test_release_safe_cells() -> None:
    """#5. Old: [23] "Chỉ dùng khi không bấm được tiện ích" became `raise NotImplementedError()` in the
    release; the rubric sat inside the answer cell [31]-[33]; ClaimChecker carried `expected=` labels."""
    text = "\n".join(c.source for c in NOTEBOOK.cells)
    assert "Chỉ dùng khi không bấm được tiện ích" not in text
    assert "NotImplementedError" not in text and "correct=True" not in text
    for cell in graded_path():
        assert "BEGIN SOLUTION" not in cell.source
        if cell.cell_type == "code":
            assert "expected=" not in cell.source and "assert " not in cell.source
    answers = [i for i, c in enumerate(NOTEBOOK.cells) if is_graded(c) and is_solution(c)]
    assert answers
    for index in answers:
        cell = NOTEBOOK.cells[index]
        assert "Thang điểm" not in cell.source and "Rubric" not in cell.source
        assert is_rubric(NOTEBOOK.cells[index + 1])


def test_current_names() -> None:
    """#6. The decree in force is 356/2025/NĐ-CP (Decree 13/2023 only as the one it replaced); the card is
    the "thẻ căn cước" and its number the "số định danh cá nhân". Old: the module never named them."""
    text = "\n".join(c.source for c in NOTEBOOK.cells if c.cell_type == "markdown")
    assert "356/2025/NĐ-CP" in text and "thẻ căn cước" in text and "số định danh cá nhân" in text
    for line in text.splitlines():
        if "13/2023" in line:
            assert re.search(r"thay thế|replac", line), line
    assert "CCCD" not in text and "chứng minh nhân dân" not in text.lower()
