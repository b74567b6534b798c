"""Redaction: each kind, labels in the course language, things that must stay, property tests, and the
labelled set's targets."""

from __future__ import annotations

import importlib.util
import string
import sys
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from hocso.assistant.redaction import label, luhn_valid, redact


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
        ("mk fb của em là abc@12345 có dễ đoán không", "password", "abc@12345"),
        (
            "Nhà em ở số 12 ngõ 34 phố Huế, phường Hai Bà Trưng, Hà Nội, giao tới đó.",
            "address",
            "ngõ 34 phố Huế",
        ),
        ("dia chi nha toi la so 7 hem 22 duong Le Loi, quan 1", "address", "duong Le Loi"),
        ("I live at 9 Alley 15, Hoang Hoa Tham Street, Ba Dinh, Hanoi.", "address", "Hoang Hoa Tham"),
        ("Xe tôi biển số 29A-123.45 bị nhắn phạt nguội", "plate", "29A-123.45"),
        ("Biển kiểm soát 59-X3 456.78 của em trai tôi", "plate", "59-X3 456.78"),
        ("Tôi sinh ngày 12/03/1990, có nên dùng làm mật khẩu?", "dob", "12/03/1990"),
        ("I was born on 21 June 1982", "dob", "21 June 1982"),
        ("Số hộ chiếu của tôi là C1234567", "passport", "C1234567"),
        ("Mã số thuế cá nhân của tôi là 8012345678", "tax_code", "8012345678"),
        ("Họ bảo đọc mã CVV 123 ở mặt sau thẻ", "cvv", "123"),
        ("Tên tôi là Nguyễn Thị Lan, tôi bị lừa", "name", "Lan"),
        ("tôi tên là phạm thu hà, cán bộ xã", "name", "thu hà"),
        ("My name is Nguyen Van Binh and I work here", "name", "Binh"),
        ("Số của tôi là không chín một hai ba bốn năm sáu bảy tám", "phone", "sáu bảy tám"),
        ("Call me on zero nine one two three four five six seven eight.", "phone", "six seven"),
        ("Email của tôi là lan(at)gmail(dot)com", "email", "lan(at)gmail"),
        ("mail: minhanh a còng gmail chấm com", "email", "minhanh"),
    ],
)
def test_each_kind_is_hidden_and_named(text: str, kind: str, secret: str) -> None:
    report = redact(text, "vi")
    assert secret not in report.text
    assert kind in report.kinds
    assert label(kind, "vi") in report.text


def test_labels_are_in_the_course_language_as_m10_teaches() -> None:
    text = "Tên tôi là Nguyễn Thị Lan, số 0912345678, CCCD 001099012345"
    assert redact(text, "vi").text == "Tên tôi là [HỌ TÊN], số [SĐT], CCCD [SỐ ĐỊNH DANH]"
    assert redact(text, "en").text == "Tên tôi là [NAME], số [PHONE], CCCD [ID NUMBER]"
    again = redact(redact(text, "vi").text, "en")
    assert not again.changed  # labels of either language are left as they are


@pytest.mark.parametrize(
    "text",
    [
        "Order #100234567 has not arrived yet, is the shipping SMS fake?",
        "Đơn hàng số 240512987 trên Shopee bị hủy.",
        "Mã sản phẩm 893456789012 in trên hộp sữa.",
        "Tracking number 784512369854 from the courier, is it real?",
        "Sản phẩm SKU 100200300 còn hàng không?",
        "mk là viết tắt của mật khẩu à?",
        "Lớp học bắt đầu lúc 14:30 ngày 20/11/2026 tại phòng 204.",
        "Trụ sở công an quận Hoàn Kiếm ở đâu?",
        "My name is not important, just tell me about OTPs.",
        "Một, hai, ba, bốn, mọi người cùng hô nào!",
        "Look at vietcombank.com.vn for the real site.",
        "Hạn nộp bài là ngày 15/12/2026.",
    ],
)
def test_order_product_and_other_numbers_that_name_a_thing_stay(text: str) -> None:
    """Before: 'Order #100234567' became [CMND], a product code [CCCD], 'mk là viết' a password."""
    assert redact(text).text == text


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
    report = redact("Số tài khoản 0123456789 và mã OTP 482913, em đọc giúp chị", "en")
    assert report.text == "Số tài khoản [BANK ACCOUNT] và mã OTP [OTP], em đọc giúp chị"
    assert redact("Mã OTP của tài khoản là 482913", "vi").text == "Mã OTP của tài khoản là [MÃ OTP]"


def test_id_numbers_are_named_as_the_law_names_them_since_2024() -> None:
    """Since 1/7/2024 the card is the 'thẻ căn cước' and its 12 digits the 'số định danh cá nhân'
    (Law on Identification 2023); the preview once said 'số căn cước công dân' and '[CCCD]'."""
    from hocso.i18n import t

    report = redact("CCCD 001099012345 của tôi", "vi")
    assert "[CCCD]" not in report.text and "[SỐ ĐỊNH DANH]" in report.text
    assert "số định danh cá nhân" in t("assistant.redaction.kind.cccd", "vi")
    assert "căn cước công dân" not in t("assistant.redaction.kind.cccd", "vi")


_SPOKEN = {
    "vi": ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"],
    "en": ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"],
}


@settings(max_examples=50, deadline=None)
@given(phone=vn_phone(), lang=st.sampled_from(["vi", "en"]), separator=st.sampled_from([" ", ", ", "-"]))
def test_any_phone_number_spelled_out_in_words_is_hidden(phone: str, lang: str, separator: str) -> None:
    digits = "0" + "".join(d for d in phone if d.isdigit())[-9:]
    spoken = separator.join(_SPOKEN[lang][int(d)] for d in digits)
    report = redact(f"Gọi cho tôi theo số {spoken} nhé" if lang == "vi" else f"Call me on {spoken} please")
    assert spoken not in report.text
    assert _SPOKEN[lang][int(digits[-1])] not in report.text.split()[-2:]


@settings(max_examples=50, deadline=None)
@given(
    user=st.from_regex(r"[a-z][a-z0-9._]{1,12}[a-z0-9]", fullmatch=True),
    at=st.sampled_from(["(at)", " [at] ", " (at) ", "{at}", " a còng "]),
    dot=st.sampled_from(["(dot)", " [dot] ", " chấm ", "."]),
    domain=st.sampled_from(["gmail", "yahoo", "outlook", "hocso"]),
)
@example(user="a._0", at="(at)", dot="(dot)", domain="gmail")  # a part after a dot began with "_": kept
def test_any_obfuscated_email_is_hidden(user: str, at: str, dot: str, domain: str) -> None:
    address = f"{user}{at}{domain}{dot}com"
    assert user not in redact(f"Email của tôi là {address}, có bị lộ không?").text


@pytest.mark.timeout(60)
@pytest.mark.parametrize(
    "text", ["ngo 1 " * 600, "ngõ 1, " * 500, "a." * 1000 + "!", "my name is " * 350, "1/" * 1500]
)
def test_long_repetitive_questions_are_redacted_without_runaway_backtracking(text: str) -> None:
    """A learner (or an attacker) may paste 4,000 characters: 'ngo 1 ngo 1 …' once took 2^n steps."""
    assert redact(text[:4000]).text
