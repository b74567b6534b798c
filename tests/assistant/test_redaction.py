"""Redaction: each kind, things that must stay, property tests, and the labelled set's targets."""

from __future__ import annotations

import importlib.util
import string
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hocso.assistant.redaction import PLACEHOLDER, luhn_valid, redact


@pytest.mark.parametrize(
    ("text", "kind", "secret"),
    [
        ("Số điện thoại của tôi là 0912345678.", "phone", "0912345678"),
        ("Gọi +84 912 345 678 nhé", "phone", "912 345 678"),
        ("Zalo: 0987.654.321", "phone", "0987.654.321"),
        ("CCCD 001099012345 của tôi", "cccd", "001099012345"),
        ("Số CMND cũ: 012345678", "cmnd", "012345678"),
        ("Thẻ 4111 1111 1111 1111 hết hạn 12/27", "card", "4111 1111 1111 1111"),
        ("STK 19033445566 Techcombank", "bank_account", "19033445566"),
        ("My bank account is 0071000123456 at Vietcombank", "bank_account", "0071000123456"),
        ("Email: lan.nguyen@example.vn", "email", "lan.nguyen@example.vn"),
        ("Mã OTP của bạn là 483920", "otp", "483920"),
        ("483920 là mã xác thực, không chia sẻ", "otp", "483920"),
        ("your verification code is 5531", "otp", "5531"),
        ("mật khẩu của tôi là Hoa@1990", "password", "Hoa@1990"),
        ("password: hunter22", "password", "hunter22"),
        ("Mật khẩu 'Hoa@1990' có mạnh không?", "password", "Hoa@1990"),
        ("Pass wifi nhà mình: 12345678abc", "password", "12345678abc"),
    ],
)
def test_each_kind_is_hidden_and_named(text: str, kind: str, secret: str) -> None:
    report = redact(text)
    assert secret not in report.text
    assert kind in report.kinds
    assert PLACEHOLDER[kind] in report.text


@pytest.mark.parametrize(
    "text",
    [
        "Tôi quên mật khẩu rồi, phải làm sao?",
        "Mã OTP là gì?",
        "Giá 12.990.000 đ, chuyển 500000 đồng",
        "Năm 2024 có nhiều vụ lừa đảo",
        "The password field was empty.",
        "Bài m04 có 3 bài tập, 10 điểm",
        "Gọi tổng đài 1900 545 413 của ngân hàng",  # a public hotline, not a person's number
        "Mã bưu chính của Hà Nội là 100000.",
    ],
)
def test_ordinary_text_is_left_alone(text: str) -> None:
    report = redact(text)
    assert report.text == text
    assert not report.changed


def test_report_never_keeps_secrets_and_masks_them() -> None:
    report = redact("mật khẩu là Sunflower99! và OTP 123456, gọi 0912345678")
    assert "Sunflower99!" not in repr(report)
    assert "123456" not in repr(report)
    assert "0912345678" not in repr(report)
    masked = {r.kind: r.masked for r in report.redactions}
    assert masked["password"] == masked["otp"] == "••••••"
    assert masked["phone"].startswith("09") and masked["phone"].endswith("78")


def test_summary_is_bilingual() -> None:
    report = redact("gọi 0912345678")
    assert "số điện thoại" in report.summary("vi")
    assert "phone number" in report.summary("en")
    assert "No personal data" in redact("hello").summary("en")


_VN_PREFIXES = [
    "090",
    "091",
    "093",
    "094",
    "096",
    "097",
    "098",
    "086",
    "088",
    "070",
    "079",
    "083",
    "032",
    "038",
]


@st.composite
def vn_phone(draw: st.DrawFn) -> str:
    number = draw(st.sampled_from(_VN_PREFIXES)) + draw(st.text("0123456789", min_size=7, max_size=7))
    style = draw(st.integers(0, 2))
    if style == 1:
        return f"{number[:4]} {number[4:7]} {number[7:]}"
    if style == 2:
        return "+84" + number[1:]
    return number


_FILLER = st.text(string.ascii_letters + " ,áàảãạđêôơư", max_size=30).map(lambda s: f" {s.strip()} ")


@settings(max_examples=150, deadline=None)
@given(before=_FILLER, phone=vn_phone(), after=_FILLER)
def test_any_vietnamese_phone_in_any_sentence_is_hidden(before: str, phone: str, after: str) -> None:
    report = redact(f"{before}{phone}{after}")
    digits = "".join(d for d in phone if d.isdigit())
    assert digits[-7:] not in "".join(d for d in report.text if d.isdigit())


@st.composite
def luhn_card(draw: st.DrawFn) -> str:
    prefix = draw(st.sampled_from(["4", "5", "9704"]))
    body = prefix + draw(st.text("0123456789", min_size=15 - len(prefix), max_size=15 - len(prefix)))
    for check in "0123456789":
        if luhn_valid(body + check):
            return body + check
    raise AssertionError("a Luhn check digit always exists")


@settings(max_examples=100, deadline=None)
@given(card=luhn_card(), spaced=st.booleans())
def test_any_luhn_card_is_hidden(card: str, spaced: bool) -> None:
    shown = " ".join(card[i : i + 4] for i in range(0, 16, 4)) if spaced else card
    report = redact(f"Số thẻ {shown} bị trừ tiền")
    assert card[4:12] not in report.text.replace(" ", "")


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_redaction_never_fails_and_is_idempotent(text: str) -> None:
    once = redact(text)
    assert redact(once.text).text == once.text
    for item in once.redactions:
        assert 0 <= item.start < item.end <= len(text) or text != once.text


def test_labelled_set_meets_the_targets(bench_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spec = importlib.util.spec_from_file_location("bench_redaction", bench_dir / "redaction.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "bench_redaction", module)  # dataclasses look their module up
    spec.loader.exec_module(module)
    cases = module.load_cases()
    assert len(cases) >= 150
    assert {c["lang"] for c in cases} == {"vi", "en"}
    score = module.evaluate(cases)
    assert score.recall >= 0.95
    assert score.precision >= 0.90


def test_an_otp_next_to_an_account_number_is_named_as_an_otp() -> None:
    report = redact("Số tài khoản 0123456789 và mã OTP 482913, em đọc giúp chị")
    assert report.text == "Số tài khoản [BANK_ACCOUNT] và mã OTP [OTP], em đọc giúp chị"
    assert redact("Mã OTP của tài khoản là 482913").text == "Mã OTP của tài khoản là [OTP]"


def test_id_numbers_are_named_as_the_law_names_them_since_2024() -> None:
    """Since 1/7/2024 the card is the 'thẻ căn cước' and its 12 digits the 'số định danh cá nhân'
    (Law on Identification 2023); the preview once said 'số căn cước công dân' and '[CCCD]'."""
    from hocso.i18n import t

    report = redact("CCCD 001099012345 của tôi")
    assert "[CCCD]" not in report.text and PLACEHOLDER["cccd"] in report.text
    assert "số định danh cá nhân" in t("assistant.redaction.kind.cccd", "vi")
    assert "căn cước công dân" not in t("assistant.redaction.kind.cccd", "vi")
