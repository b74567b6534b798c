"""Issue 15 defects in m04 (phishing and scams), each checked on the committed notebook, data and library.

Fast, static: reads the source notebook, its data, tests/content/partials/m04.py (the answers the
widgets save when every item is right) and runs hocso.safety.phishing; nbgrader itself runs in
test_modules.py. Each test says what it found on the old notebook, which it failed on.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import re
from pathlib import Path

import nbformat

from hocso.notebook_meta import hocso_meta, is_autograder_test, is_graded, is_rubric, nbgrader_meta
from hocso.safety.links import find_urls
from hocso.safety.phishing import brands, load_messages, looks_like_scam, red_flags
from hocso.safety.text import normalize_for_matching

ROOT = Path(__file__).resolve().parents[2]
FOLDER = ROOT / "notebooks" / "m04"
NOTEBOOK = nbformat.read(FOLDER / "m04_phishing.ipynb", as_version=4)
BANK_SENDERS = {s for b in brands() if b.kind == "bank" for s in b.senders}


def _partials():
    spec = importlib.util.spec_from_file_location("m04_partials", ROOT / "tests/content/partials/m04.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


CORRECT = getattr(_partials(), "CORRECT", {})  # the old partials had none


def graded_path() -> list:
    return [c for c in NOTEBOOK.cells if hocso_meta(c).get("track") != "go_further"]


def markdown(lang: str) -> str:
    return "\n".join(
        c.source for c in graded_path() if c.cell_type == "markdown" and hocso_meta(c).get("lang") == lang
    )


def inbox() -> list[dict]:
    return json.loads((FOLDER / "data" / "graded_inbox.json").read_text(encoding="utf-8"))


def grade_cell(question_id: str):
    return next(
        c for c in NOTEBOOK.cells if is_autograder_test(c) and f'answered("{question_id}"' in c.source
    )


# ---------------------------------------------------------------- defect 1: brandname SMS


def test_a_bank_message_with_a_link_is_taught_and_graded_as_fake_even_under_the_real_name() -> None:
    """Old: m04[24] taught "Tin thật của ngân hàng đến từ tên người gửi chính thức", exercise 2b/2d
    treated the official sender and domain as proof, and the graded inbox had no bank message with
    a link under the real name. Now the inbox has one, graded scam, and a bank notice without a link,
    graded safe; the library flags the first even from the official sender."""
    vi, en = markdown("vi"), markdown("en")
    assert "Tin thật của ngân hàng đến từ **tên người gửi chính thức**" not in vi
    assert "dù đúng tên người gửi" in vi and "even from the real sender name" in en
    bank_items = [i for i in inbox() if i["sender"] in BANK_SENDERS]
    with_link = [i for i in bank_items if find_urls(i["text"]["vi"])]
    without = [i for i in bank_items if not find_urls(i["text"]["vi"])]
    assert with_link and without
    for item in with_link:
        assert CORRECT["m04-inbox"][item["id"]] == "scam"
        for lang in ("vi", "en"):
            flags = red_flags(item["text"][lang], item["sender"], item["channel"])
            assert "suspicious_link" in flags and looks_like_scam(flags)
    for item in without:
        assert CORRECT["m04-inbox"][item["id"]] == "safe"
    # spot the red flags: the link is a red flag, the real sender name is not proof
    assert CORRECT["m04-flags"]["a1"] == "flag" and CORRECT["m04-flags"]["a3"] == "not"
    assert "Thông tư 50/2024/TT-NHNN" in grade_cell("m04-inbox").source


def test_no_practice_or_course_bank_message_with_a_link_is_labelled_legit() -> None:
    """Old: vi-l18 (a Riverside Bank e-mail with a link, from the bank's real domain) was labelled legit."""
    bank_domains = {d for b in brands() if b.kind == "bank" for d in b.domains}
    for path in (None, FOLDER / "data" / "practice_messages.json"):
        for message in load_messages(path):
            from_bank = message.sender in BANK_SENDERS or message.sender.rsplit("@", 1)[-1] in bank_domains
            if from_bank and find_urls(message.text):
                assert message.is_scam, message.id
                assert "suspicious_link" in red_flags(message.text, message.sender, message.channel)


def test_the_references_cite_circular_50_and_the_reporting_channels() -> None:
    """Old: m04 had no references cell."""
    for lang, heading in (("vi", "## Nguồn tham khảo"), ("en", "## References")):
        cell = next(
            c for c in graded_path() if c.source.startswith(heading) and hocso_meta(c).get("lang") == lang
        )
        for fact in (
            "50/2024/TT-NHNN",
            "156",
            "5656",
            "tinnhiemmang.vn",
            "1/3/2025" if lang == "vi" else "1 March 2025",
        ):
            assert fact in cell.source, (lang, fact)


# ---------------------------------------------------------------- defect 9: rule vs grading


def test_the_graded_inbox_follows_the_golden_rule() -> None:
    """Old: m04[6] said one red flag is enough to stop, yet vi-l04 (labelled "urgency") had to be
    marked safe. Now a message graded safe raises no red flag at all, and every scam raises a strong
    one, in both languages."""
    for item in inbox():
        for lang in ("vi", "en"):
            flags = red_flags(item["text"][lang], item["sender"], item["channel"])
            if CORRECT["m04-inbox"][item["id"]] == "safe":
                assert flags == set(), (item["id"], lang, flags)
            else:
                assert looks_like_scam(flags), (item["id"], lang, flags)
            if "OTP" in item["text"][lang] and CORRECT["m04-inbox"][item["id"]] == "scam":
                assert "otp_request" in flags, (item["id"], lang)  # "...đừng chia sẻ cho người khác" too


def test_the_learner_is_told_the_context_of_each_genuine_notice() -> None:
    """Old: vi-l01 asked the learner to accept a 1,250,000đ OTP for a purchase never mentioned. Now
    an OTP notice graded safe says, above it, that you have just made that very payment."""
    notices = [i for i in inbox() if "OTP" in i["text"]["vi"] and CORRECT["m04-inbox"][i["id"]] == "safe"]
    assert notices
    for item in notices:
        amount = re.search(r"\d{1,3}(?:\.\d{3})+", item["text"]["vi"]).group(0)
        assert amount in item["title"]["vi"], item["id"]
        assert "vừa" in item["title"]["vi"] and "just" in item["title"]["en"]


def test_a_deadline_is_not_urgency_in_the_go_further_rules() -> None:
    """Old: URGENT_WORDS held "cham nhat", so "Vui lòng nộp hồ sơ chậm nhất thứ Sáu" was urgent (and a
    hidden test required it)."""
    cell = next(c for c in NOTEBOOK.cells if "URGENT_WORDS = [" in c.source)
    assert hocso_meta(cell).get("track") == "go_further"
    tree = ast.parse(cell.source)
    words = next(
        ast.literal_eval(node.value)
        for node in tree.body
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "URGENT_WORDS"
    )
    folded = normalize_for_matching("Vui lòng nộp hồ sơ chậm nhất thứ Sáu tuần này.")
    assert not any(word in folded for word in words)
    courier = normalize_for_matching("Đơn hàng TH123456 sẽ được giao trong hôm nay.")
    assert not any(word in courier for word in words)


def test_the_golden_rule_says_stop_and_check_through_an_official_channel() -> None:
    """Old: the rule was "one sign is enough to stop" with nothing on dates or context."""
    vi = next(c.source for c in NOTEBOOK.cells if c.source.startswith("## Nguyên tắc vàng"))
    en = next(c.source for c in NOTEBOOK.cells if c.source.startswith("## The golden rule"))
    assert "kênh chính thức" in vi and "Đối chiếu với việc bạn vừa làm" in vi
    assert "official channel" in en and "Compare with what you have just done" in en


# ---------------------------------------------------------------- defect 6: names since 2024-2025


def test_a_district_police_caller_is_a_scam_and_is_explained() -> None:
    """Old: p02 ("công an quận") was a scam but nothing said that district police no longer exist."""
    item = next(i for i in inbox() if "Công an quận" in i["text"]["vi"])
    assert CORRECT["m04-inbox"][item["id"]] == "scam"
    assert "1/3/2025" in grade_cell("m04-inbox").source and "1 March 2025" in grade_cell("m04-inbox").source
    for message in load_messages(FOLDER / "data" / "practice_messages.json"):
        if "công an quận" in message.text.lower():
            assert message.is_scam and "1/3/2025" in message.explanation.vi, message.id
    assert "không còn công an cấp quận" in markdown("vi")
    assert "no district-level police" in markdown("en")


def test_m04_uses_the_current_names_of_the_card_and_the_tax_authority() -> None:
    """Old: the m04 brands kept "TongCucThue" as an official sender; the card terms were missing."""
    texts = [c.source for c in NOTEBOOK.cells] + [
        (FOLDER / "data" / name).read_text(encoding="utf-8")
        for name in ("graded_inbox.json", "graded_chat.json", "practice_messages.json")
    ]
    everything = "\n".join(texts)
    assert "CCCD" not in everything and "căn cước công dân" not in everything.lower()
    assert "thẻ căn cước" in everything and "số định danh cá nhân" in everything
    for cell in NOTEBOOK.cells:
        if "Tổng cục Thuế" in cell.source:  # only where the references say it was renamed
            assert "thay Tổng cục Thuế từ 1/3/2025" in cell.source
    tax = next(b for b in brands() if b.key == "tax")
    assert "TongCucThue" not in tax.senders and "CucThue" in tax.senders


# ---------------------------------------------------------------- defect 5 and the graded path


def test_no_fallback_cell_solution_or_code_exercise_on_the_graded_path() -> None:
    """Old: m04[14] "Chỉ dùng khi không bấm được tiện ích" (raise NotImplementedError on release), and
    exercises 2-4 graded learner-written functions and `my_choices = [...]`."""
    for cell in graded_path():
        assert "Chỉ dùng khi không bấm được tiện ích" not in cell.source
        assert "### BEGIN SOLUTION" not in cell.source and "raise NotImplementedError" not in cell.source
        assert "correct=True" not in cell.source
        if cell.cell_type == "code" and not is_graded(cell):
            assert not re.search(r"^\s*assert\b", cell.source, re.M)
    for cell in NOTEBOOK.cells:
        if is_autograder_test(cell):
            assert re.search(r"grade_(items|order|selection)\(", cell.source)
            assert hocso_meta(cell).get("level") in (1, 2, 3)
    go_further = [c for c in NOTEBOOK.cells if hocso_meta(c).get("track") == "go_further"]
    assert go_further and all(hocso_meta(c).get("level", 0) >= 4 and not is_graded(c) for c in go_further)
    for name in (
        "def is_urgent",
        "def sender_mismatch",
        "def impersonates",
        "def has_link_trick",
        "def report_156",
    ):
        assert all(name not in c.source for c in graded_path()), name


def test_the_reflection_rubric_sits_in_its_own_cell() -> None:
    """Old: the rubric was inside the answer cell, which release replaces."""
    cells = NOTEBOOK.cells
    index = next(i for i, c in enumerate(cells) if c.cell_type == "markdown" and is_graded(c))
    answer, rubric = cells[index], cells[index + 1]
    assert (
        nbgrader_meta(answer)["solution"]
        and "Rubric" not in answer.source
        and "Thang điểm" not in answer.source
    )
    assert is_rubric(rubric) and not nbgrader_meta(rubric) and "Rubric" in rubric.source


def test_the_first_graded_widget_is_the_phone_inbox() -> None:
    """The learner-lab browser test drives m04: its first graded widget is ChoiceBoard "m04-inbox"
    whose items offer scam/safe."""
    widget = next(
        c
        for c in NOTEBOOK.cells
        if c.cell_type == "code" and re.search(r"ChoiceBoard\(|StepOrder\(|Quiz\(", c.source)
    )
    assert '"m04-inbox"' in widget.source and "phone=True" in widget.source
    assert '{"scam":' in widget.source and '"safe":' in widget.source
    assert all("choices" not in item for item in inbox())  # the board's scam/safe for every message
    assert set(CORRECT["m04-inbox"].values()) == {"scam", "safe"}
    assert [i["id"] for i in inbox()] == list(CORRECT["m04-inbox"])


def test_points_are_split_per_item() -> None:
    """Old: the inbox scored each group of four messages all-or-nothing (test-ex1-scams, test-ex1-safe)."""
    for question, points in (("m04-inbox", 5), ("m04-flags", 4), ("m04-chat", 2), ("m04-report", 2)):
        cell = grade_cell(question)
        assert nbgrader_meta(cell)["points"] == points
        assert len(CORRECT[question]) * 0.5 == points
        assert f'grade_items("{question}", {points}, {{' in cell.source
        for item in CORRECT[question]:
            assert f'"{item}": Expect(' in cell.source
