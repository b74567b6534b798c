"""Issue 15 defects in m11 (verifying AI output and deepfakes), each checked on the committed notebook,
its data and tests/content/partials/m11.py (the answers the widgets save when every item is right).

Static and fast; nbgrader itself runs in test_modules.py.
"""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import nbformat

from hocso.notebook_meta import hocso_meta, is_autograder_test, is_graded, is_rubric, is_solution
from hocso.safety.claims import agrees_with_source

ROOT = Path(__file__).resolve().parents[2]
FOLDER = ROOT / "notebooks" / "m11"
NOTEBOOK = nbformat.read(FOLDER / "m11_verify_ai.ipynb", as_version=4)


def _correct() -> dict:
    spec = importlib.util.spec_from_file_location("m11_partials", ROOT / "tests/content/partials/m11.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.CORRECT


def _data(name: str):
    return json.loads((FOLDER / "data" / name).read_text(encoding="utf-8"))


def graded_path():
    return [c for c in NOTEBOOK.cells if hocso_meta(c).get("track") != "go_further"]


def test_police_video_call_is_not_answered_by_calling_back() -> None:
    """#10. Old: verify_call returned CALL_BACK_KNOWN_NUMBER for any call asking for money or an OTP,
    and data/calls.json labelled the fake police video call k2 so. Now a "police" call means: hang up,
    go to the ward or commune police in person, report to 156; a "relative" call means: call back."""
    key = _correct()["m11-calls"]
    calls = {c["id"]: c["text"]["vi"] for c in _data("graded_calls.json")}
    police = {cid for cid, text in calls.items() if "công an" in text.lower()}
    relatives = {cid for cid, text in calls.items() if re.search(r"con trai|cháu|mẹ", text)}
    assert len(police) >= 3 and len(relatives) >= 2
    assert all(key[cid] == "go_to_police" for cid in police)
    assert all(key[cid] in ("call_back", "carry_on") for cid in relatives)
    assert any(key[cid] == "call_back" for cid in relatives)
    assert not (FOLDER / "data/calls.json").exists()
    text = "\n".join(c.source for c in NOTEBOOK.cells)
    assert "CALL_BACK_KNOWN_NUMBER" not in text and "verify_call" not in text
    lesson = next(c.source for c in NOTEBOOK.cells if c.get("id") == "cell-023-vi")
    assert (
        "không làm việc qua cuộc gọi video" in lesson and "công an phường, xã" in lesson and "156" in lesson
    )
    board = next(c.source for c in NOTEBOOK.cells if 'ChoiceBoard("m11-calls"' in c.source)
    assert "go_to_police" in board and "call_back" in board


def test_no_district_police() -> None:
    """#6. Since 1/3/2025 there is no district-level police: a "công an quận" caller is a red flag."""
    key = _correct()["m11-calls"]
    district = [c["id"] for c in _data("graded_calls.json") if "công an quận" in c["text"]["vi"]]
    assert district and all(key[cid] == "go_to_police" for cid in district)
    text = "\n".join(c.source for c in NOTEBOOK.cells if c.cell_type == "markdown")
    assert "01/03/2025" in text and "CCCD" not in text


def test_citations_checked_as_dates_and_a_different_skill_from_m09() -> None:
    """#3. Old: m11 [13]-[16] `wrong_numbers` was m09's digit-run check again ("1/1/2026" failed
    against "01/01/2026"). Now m11 grades citations (exists / says so / says otherwise), "1/1/2026 [3]"
    counts as matching its source, and neither m09 nor m11 grades a function."""
    key = _correct()["m11-citations"]
    sources = {k: v["vi"] for k, v in _data("sources.json").items()}
    claims = _data("ai_answer.json")["claims"]
    dated = [cid for cid, c in claims.items() if "1/1/2026" in c["text"]["vi"]]
    assert dated and all(key[cid] == "matches" for cid in dated)
    assert all(agrees_with_source(claims[cid]["text"]["vi"], sources[claims[cid]["cites"]]) for cid in dated)
    assert "missing" in key.values() and any(c["cites"] not in sources for c in claims.values())
    m09 = nbformat.read(ROOT / "notebooks/m09/m09_ai_basics.ipynb", as_version=4)
    for notebook in (NOTEBOOK, m09):
        assert not [
            c
            for c in notebook.cells
            if c.cell_type == "code" and is_solution(c) and hocso_meta(c).get("track") != "go_further"
        ]
    questions = {
        nb: {
            m.group(1)
            for c in n.cells
            if is_autograder_test(c)
            for m in re.finditer(r'answered\("([^"]+)"', c.source)
        }
        for nb, n in (("m09", m09), ("m11", NOTEBOOK))
    }
    assert questions["m09"] and questions["m11"] and not questions["m09"] & questions["m11"]
    assert "wrong_numbers" not in "\n".join(c.source for c in NOTEBOOK.cells)


def test_release_safe_cells() -> None:
    """#5. Old: [20] "Chỉ dùng khi không bấm được tiện ích" became raise NotImplementedError() in the
    release, the rubric sat in the prompt cells, and ClaimChecker(expected=...) showed the labels."""
    text = "\n".join(c.source for c in NOTEBOOK.cells)
    assert "Chỉ dùng khi không bấm được tiện ích" not in text and "NotImplementedError" not in text
    assert "correct=True" not in text
    for cell in graded_path():
        assert "BEGIN SOLUTION" not in cell.source and "expected=" not in cell.source
    assert "label" not in json.dumps(_data("ai_answer.json"))
    answers = [i for i, c in enumerate(NOTEBOOK.cells) if is_graded(c) and is_solution(c)]
    assert len(answers) == 1
    assert NOTEBOOK.cells[answers[0]].source == "Viết câu trả lời của bạn ở đây. / Write your answer here."
    assert is_rubric(NOTEBOOK.cells[answers[0] + 1])
