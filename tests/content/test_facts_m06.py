"""Issue 15 defects in m06 (paying by QR safely), each checked on the committed notebook, data and config.

Fast, static: reads the source notebook, its data, course.toml and tests/content/partials/m06.py (the
answers the widgets save when every item is right); nbgrader itself runs in test_modules.py.
"""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import nbformat

from hocso.config import load_course
from hocso.notebook_meta import hocso_meta, is_autograder_test, is_graded, is_rubric, is_solution
from hocso.safety.vietqr import needs_biometric

ROOT = Path(__file__).resolve().parents[2]
FOLDER = ROOT / "notebooks" / "m06"
NOTEBOOK = nbformat.read(FOLDER / "m06_qr_payments.ipynb", as_version=4)


def _partials():
    spec = importlib.util.spec_from_file_location("m06_partials", ROOT / "tests/content/partials/m06.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def graded_path():
    return [c for c in NOTEBOOK.cells if hocso_meta(c).get("track") != "go_further"]


def items(name: str) -> list[dict]:
    return json.loads((FOLDER / "data" / name).read_text(encoding="utf-8"))


def question_of(cell) -> str:
    return re.search(r'grade_(?:items|selection|order)\(\s*"([^"]+)"', cell.source).group(1)


def widget_text(question: str) -> str:
    """The widget cell that asks `question`, and the data file it shows."""
    for cell in graded_path():
        if cell.cell_type == "code" and not is_graded(cell) and f'"{question}"' in cell.source:
            data = re.search(r'"(data/[^"]+\.json)"', cell.source)
            return cell.source + ((FOLDER / data.group(1)).read_text(encoding="utf-8") if data else "")
    raise AssertionError(f"no widget asks {question}")


def test_every_competence_of_m06_is_assessed_by_doing_and_2_3_by_a_public_service_task() -> None:
    """#8. Old: 2.3 (citizenship through digital services) was claimed by test-ex1-short/long and
    test-ex2-account/amount, which graded read_fields/payee, TLV parsing the learner wrote; no public
    service was ever used. Now 2.3 is graded on paying a fee through dichvucong.gov.vn (the portal to
    choose, the payment step's payee), and every competence course.toml lists for m06 has such a cell."""
    module = next(m for m in load_course(ROOT).modules if m.id == "m06")
    tests = [c for c in graded_path() if is_autograder_test(c)]
    assessed = {hocso_meta(c)["competence"] for c in tests}
    assert set(module.competences) <= assessed
    civic = [c for c in tests if hocso_meta(c)["competence"] == "2.3"]
    assert sum(c.metadata["nbgrader"]["points"] for c in civic) >= 3
    for cell in civic:
        assert "hocso.widgets.grading" in cell.source, cell.id
        text = widget_text(question_of(cell))
        assert "dichvucong.gov.vn" in text and "VNeID" in text, cell.id
        assert (hocso_meta(cell).get("level") or 0) <= module.target_levels["citizens"], cell.id
    key = _partials().CORRECT["m06-fees"]
    for item in items("graded_fees.json"):
        text = item["text"]["vi"]
        official = "Bạn tự gõ dichvucong.gov.vn" in text and (
            "Kho bạc Nhà nước" in text or "Sở Tư pháp" in text
        )
        assert (key[item["id"]] == "pay") == official, item["id"]


def test_graded_path_is_practice_not_programming() -> None:
    """Issue 15 and #5. Old: 9 of 11 points graded read_fields / payee / crc_matches / qr_verdict
    written by the learner, with bare asserts (m06[28]-[49]); "raise NotImplementedError" came with
    every cleared cell. Now every graded cell scores a saved widget answer; code is in Go further only."""
    cells = graded_path()
    assert not [c.id for c in cells if c.cell_type == "code" and is_solution(c)]
    assert "NotImplementedError" not in "\n".join(c.source for c in cells)
    for cell in [c for c in cells if is_autograder_test(c)]:
        assert not re.search(r"^\s*assert\b", cell.source, re.M), cell.id
        hidden = cell.source.split("### BEGIN HIDDEN TESTS")[1].split("### END HIDDEN TESTS")[0]
        assert re.match(r"\s*grade_(items|selection|order)\(", hidden), cell.id
    graded_ids = set(_partials().CORRECT)
    for cell in cells:
        if cell.cell_type == "code" and "correct=True" in cell.source:
            assert not [qid for qid in graded_ids if f'"{qid}"' in cell.source], cell.id
    for cell in NOTEBOOK.cells:
        if hocso_meta(cell).get("track") == "go_further":
            assert not is_graded(cell) and hocso_meta(cell).get("level", 0) >= 4, cell.id


def test_reflection_rubric_sits_outside_the_answer_cell() -> None:
    """#5. Old: m06[64], the reflection's answer cell, held the rubric, which release replaces by
    "YOUR ANSWER HERE". Now the answer cell holds only the placeholder and rubric cells follow it."""
    cells = NOTEBOOK.cells
    answers = [i for i, c in enumerate(cells) if c.cell_type == "markdown" and is_graded(c)]
    assert answers
    for index in answers:
        assert not re.search(r"rubric|thang điểm", cells[index].source, re.I)
        following = cells[index + 1 : index + 3]
        assert all(is_rubric(c) and not is_graded(c) for c in following)
        assert {hocso_meta(c).get("lang") for c in following} == {"vi", "en"}


def test_payment_screens_key_follows_the_checks_taught() -> None:
    """New graded data (the old qr_codes.csv carried its labels). The payment screens hold no answer,
    and the key says "pay" exactly when the receiver's name, account and amount match the shop."""
    key = _partials().CORRECT["m06-pay"]
    for name in ("graded_payments.json", "graded_fees.json", "graded_biometric.json"):
        for item in items(name):
            assert set(item) <= {"id", "text", "title", "icon", "choices"}, (name, item["id"])
    for item in items("graded_payments.json"):
        text = item["text"]["vi"]
        if "Người nhận:" not in text:  # a web page, not a transfer screen
            assert key[item["id"]] == "stop", item["id"]
            continue
        sign_name, _bank, sign_account = re.search(r"Biển của quán ghi: (.+)", text).group(1).split(" · ")
        bill = re.search(r"(?:Hóa đơn|Bạn mua hàng): ([\d.]+) đ", text).group(1)
        shown = {
            f: re.search(rf"{f}: (.+)", text).group(1) for f in ("Người nhận", "Số tài khoản", "Số tiền")
        }
        matches = (
            shown["Người nhận"] == sign_name
            and shown["Số tài khoản"] == sign_account
            and shown["Số tiền"].split(" đ")[0] == bill
        )
        assert (key[item["id"]] == "pay") == matches, item["id"]


def test_biometric_rule_is_cited_and_the_key_agrees_with_it() -> None:
    """Facts of the curriculum README. Old: m06[51] stated the 10M/20M rule with no source. Now the
    notebook cites Decision 2345/QĐ-NHNN and Circular 50/2024/TT-NHNN, and the biometric board's
    "normal" cases are exactly those hocso.safety.vietqr.needs_biometric asks a face scan for."""
    text = "\n".join(c.source for c in NOTEBOOK.cells if c.cell_type == "markdown")
    for fact in (
        "2345/QĐ-NHNN",
        "1/7/2024",
        "10 triệu",
        "20 triệu",
        "50/2024/TT-NHNN",
        "A000000727",
        "NAPAS",
        "EMVCo",
        "tinnhiemmang.vn",
        "dichvucong.gov.vn",
        "156",
        "5656",
    ):
        assert fact in text, fact
    key = _partials().CORRECT["m06-biometric"]
    assert needs_biometric(12_500_000) and key["b1"] == "normal"
    assert needs_biometric(8_000_000, daily_total_vnd=15_000_000) and key["b4"] == "normal"
    assert not needs_biometric(8_000_000)
    assert key["b2"] == key["b3"] == key["b5"] == "scam"
    assert _partials().CORRECT["m06-pay"]["p5"] == "pay" and needs_biometric(12_500_000)


def test_no_outdated_names() -> None:
    """#6, as a guard: m06 already said "công an xã/phường" (it passed on the old notebook too) and
    keeps it so: no district police, no "CCCD"/"căn cước công dân", no "Tổng cục Thuế", no Decree 13/2023;
    the card it names is the "thẻ căn cước"."""
    text = "\n".join(c.source for c in NOTEBOOK.cells)
    text += "".join(p.read_text(encoding="utf-8") for p in sorted((FOLDER / "data").iterdir()))
    for word in ("công an quận", "công an huyện", "CCCD", "căn cước công dân", "Tổng cục Thuế", "13/2023"):
        assert word.lower() not in text.lower(), word
    assert "thẻ căn cước" in text and "công an xã/phường" in text
