"""Scam red flags: rules on vi (with and without diacritics) and en, measured on the course's message set."""

from __future__ import annotations

import dataclasses
import json
import re
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hocso.i18n import t
from hocso.safety.errors import MessageSetError
from hocso.safety.links import TRUSTED_DOMAINS, find_urls, inspect_url
from hocso.safety.phishing import (
    CHANNELS,
    FLAGS,
    STRONG_FLAGS,
    Message,
    brands,
    explain,
    load_messages,
    looks_like_scam,
    red_flags,
    verdict_text,
)
from hocso.safety.text import fold_diacritics

MESSAGES = load_messages()
MIN_ACCURACY = 0.85


def _accuracy(messages, transform=lambda text: text) -> float:
    right = sum(
        looks_like_scam(red_flags(transform(m.text), m.sender, m.channel)) == m.is_scam for m in messages
    )
    return right / len(messages)


def test_classification_accuracy_on_the_message_set(record_property: pytest.RecordProperty) -> None:
    accuracy = _accuracy(MESSAGES)
    record_property("accuracy", accuracy)
    print(f"red_flags accuracy on {len(MESSAGES)} messages: {accuracy:.3f}")
    assert accuracy >= MIN_ACCURACY
    for lang in ("vi", "en"):
        assert _accuracy([m for m in MESSAGES if m.lang == lang]) >= MIN_ACCURACY, lang


def test_accuracy_on_held_out_messages() -> None:
    """Messages written after the rules were frozen: 21 of 24 right when first measured (0.875).

    Since then the set has been looked at and three general rules changed (a finished-transfer notice
    is not a money request, a brand merely mentioned is not a brand claimed, "chuyển ... 5 triệu"),
    so it is no longer truly held out; fresh messages belong in hidden tests.
    """
    holdout = load_messages(Path(__file__).parents[2] / "hocso" / "safety" / "data" / "messages_holdout.json")
    assert len(holdout) >= 20 and not {m.id for m in holdout} & {m.id for m in MESSAGES}
    assert _accuracy(holdout) >= 0.8


def test_vietnamese_without_diacritics_is_classified_the_same() -> None:
    vietnamese = [m for m in MESSAGES if m.lang == "vi"]
    assert _accuracy(vietnamese, fold_diacritics) >= MIN_ACCURACY
    for message in vietnamese:
        with_marks = red_flags(message.text, message.sender, message.channel)
        without = red_flags(fold_diacritics(message.text), message.sender, message.channel)
        assert looks_like_scam(with_marks) == looks_like_scam(without), message.id


def test_flags_agree_with_the_labels() -> None:
    """Micro F1 of the flag codes against what a careful reader marked."""
    hits = found = labelled = 0
    for message in MESSAGES:
        flags = red_flags(message.text, message.sender, message.channel)
        hits += len(flags & set(message.red_flags))
        found += len(flags)
        labelled += len(message.red_flags)
    f1 = 2 * hits / (found + labelled)
    assert f1 >= 0.85


def test_legit_messages_have_no_strong_flag_labelled() -> None:
    for message in MESSAGES:
        if not message.is_scam:
            assert not STRONG_FLAGS & set(message.red_flags), message.id
        else:
            assert STRONG_FLAGS & set(message.red_flags), message.id


@pytest.mark.parametrize(
    ("text", "sender", "channel", "expected"),
    [
        (
            "[TB] Tài khoản VNeID của bạn sẽ bị khóa sau 24h. Cập nhật: http://vneid-capnhat.example",
            "VNEID-HOTRO",
            "sms",
            {"urgency", "threat", "impersonation", "suspicious_link", "sender_mismatch"},
        ),
        (
            "Tai khoan VNeID cua ban se bi khoa sau 24h. Cap nhat: http://vneid-capnhat.example",
            "VNEID-HOTRO",
            "sms",
            {"urgency", "threat", "impersonation", "suspicious_link", "sender_mismatch"},
        ),
        ("Việc nhẹ lương cao, làm tại nhà, hoa hồng 20%", None, None, {"too_good_to_be_true"}),
        ("Viec nhe luong cao, lam tai nha, hoa hong 20%", None, None, {"too_good_to_be_true"}),
        (
            "Tải ứng dụng Dịch vụ công bản mới theo link: http://203.0.113.7/dvc.apk",
            None,
            None,
            {"remote_app_install", "suspicious_link"},
        ),
        (
            "Your account will be suspended. Reply with the code we sent you.",
            None,
            None,
            {"threat", "otp_request"},
        ),
        ("Chuyển tiền vào tài khoản an toàn để phục vụ điều tra", None, "call", {"money_request"}),
        ("Tối nay về ăn cơm nhé", "Mẹ", "zalo", set()),
    ],
)
def test_flags_on_examples(text: str, sender: str | None, channel: str | None, expected: set[str]) -> None:
    assert red_flags(text, sender, channel) == expected


def test_sender_mismatch_needs_a_claimed_brand() -> None:
    text = "PNBank: Tai khoan cua Quy khach vua dang nhap tren thiet bi moi."
    assert "sender_mismatch" not in red_flags(text, "PNBank", "sms")
    assert "sender_mismatch" in red_flags(text, "09xx xxx 123", "sms")
    assert "sender_mismatch" in red_flags(text, "alerts@pnbank-secure.example", "email")
    assert "sender_mismatch" not in red_flags(text, "alerts@pnbank.example", "email")
    assert "sender_mismatch" in red_flags("Tin nhan tu ngan hang", "PNBank-Secure", "sms")


def test_finished_transactions_are_not_money_requests() -> None:
    notice = "PNBank: Giao dich chuyen tien 2.000.000d den TK 9876xxx321 da thanh cong luc 10:42. So du: 7.560.000d."
    assert "money_request" not in red_flags(notice, "PNBank", "sms")
    ask = "Chuyển tiền 2 triệu vào tài khoản 9876xxx321 ngay, số dư sẽ được hoàn lại sau."
    assert "money_request" in red_flags(ask, None, "zalo")


@given(st.text(max_size=200), st.one_of(st.none(), st.text(max_size=20)), st.sampled_from([None, *CHANNELS]))
def test_any_message_gives_known_flags(text: str, sender: str | None, channel: str | None) -> None:
    assert red_flags(text, sender, channel) <= set(FLAGS)


def test_message_fields_keep_their_order() -> None:
    """Widgets build Message positionally."""
    names = [f.name for f in dataclasses.fields(Message)]
    assert names == [
        "id",
        "lang",
        "channel",
        "sender",
        "text",
        "label",
        "scam_type",
        "red_flags",
        "explanation",
    ]


def test_warnings_are_not_requests() -> None:
    advisory = "Công an không bao giờ yêu cầu chuyển tiền vào tài khoản an toàn hay cung cấp mã OTP."
    assert not looks_like_scam(red_flags(advisory, "CongAnHN", "sms"))


def test_every_flag_is_explained_in_both_languages() -> None:
    for flag in FLAGS:
        assert explain(flag, "vi") != explain(flag, "en")
        assert explain(flag, "vi") == t(f"safety.flag.{flag}", "vi")


def test_message_set_follows_the_brief() -> None:
    assert len(MESSAGES) >= 80
    assert len({m.id for m in MESSAGES}) == len(MESSAGES)
    langs = Counter(m.lang for m in MESSAGES)
    assert 0.55 <= langs["vi"] / len(MESSAGES) <= 0.65
    labels = Counter(m.label for m in MESSAGES)
    assert labels["scam"] == labels["legit"]
    assert {m.channel for m in MESSAGES} == {"sms", "email", "zalo", "call"}
    for message in MESSAGES:
        assert (
            message.explain("vi") == message.explanation.vi
            and message.explain("en") == message.explanation.en
        )
        assert message.scam_type if message.is_scam else message.scam_type is None


def test_message_set_holds_no_real_numbers_or_domains() -> None:
    official = set(TRUSTED_DOMAINS) | {d for b in brands() for d in b.domains}
    shorteners = {"bit.ly", "tinyurl.com", "rb.gy", "cutt.ly", "is.gd"}
    for message in MESSAGES:
        for text in (message.text, message.sender):
            assert not re.search(r"\d{4}[ .]?\d{3}[ .]?\d{3}", text.replace("x", "")), (
                message.id
            )  # no full phone numbers
        for url in find_urls(message.text):
            domain = inspect_url(url).registered_domain
            fictional = domain.endswith((".example", ".test")) or inspect_url(url).is_ip
            assert fictional or domain in official or domain in shorteners, (message.id, domain)


def test_load_messages_names_the_broken_item(tmp_path: Path) -> None:
    good = json.loads(
        Path(load_messages.__code__.co_filename)
        .with_name("data")
        .joinpath("messages.json")
        .read_text("utf-8")
    )
    items = good["messages"][:2]
    items[1] = {**items[1], "label": "maybe"}
    path = tmp_path / "set.json"
    path.write_text(json.dumps(items), "utf-8")
    with pytest.raises(MessageSetError, match="item 1"):
        load_messages(path)
    path.write_text("{not json", "utf-8")
    with pytest.raises(MessageSetError, match="cannot read"):
        load_messages(path)
    path.write_text(json.dumps([{**good["messages"][0], "red_flags": ["scary"]}]), "utf-8")
    with pytest.raises(MessageSetError, match="unknown red flags scary"):
        load_messages(path)


def test_verdict_text() -> None:
    assert "156" in verdict_text({"otp_request"}, "vi")
    assert verdict_text({"urgency"}, "en") == t("safety.verdict.legit", "en")


def test_mentioning_an_agency_is_not_speaking_for_it() -> None:
    invite = "Chào anh, Ủy ban phường mời anh dự ngày hội, hướng dẫn cài VNeID từ CH Play và App Store."
    assert red_flags(invite, "02xx xxx 455", "call") == set()
    fake = "Tôi là cán bộ VNeID, tài khoản định danh của anh bị lỗi."
    assert {"impersonation", "sender_mismatch"} <= red_flags(fake, "02xx xxx 455", "call")


# Issue 15, defect 1: a bank message with a link is fake even under the real brandname (Circular
# 50/2024/TT-NHNN art. 17.3; fake base stations send SMS under real bank brandnames). The old rules
# trusted the official sender and domain: both messages below gave no flag at all.
BANK_WITH_LINK = [
    (
        "SenVangBank: Quy khach duoc tang 500.000d. Nhan qua tai https://senvangbank.example/uu-dai",
        "SenVangBank",
        "sms",
    ),
    (
        "Riverside Bank thông báo lãi suất mới. Chi tiết tại https://riversidebank.example/lai-suat.",
        "thongbao@riversidebank.example",
        "email",
    ),
]


@pytest.mark.parametrize(("text", "sender", "channel"), BANK_WITH_LINK)
def test_a_bank_message_with_a_link_is_flagged_even_from_the_official_sender(
    text: str, sender: str, channel: str
) -> None:
    flags = red_flags(text, sender, channel)
    assert "suspicious_link" in flags and looks_like_scam(flags)


def test_a_genuine_bank_notice_without_a_link_stays_clean() -> None:
    notice = "SenVangBank: TK 0451xxx789 +6.500.000d luc 08:15 01/12. ND: LUONG THANG 11. SD: 14.320.000d."
    assert red_flags(notice, "SenVangBank", "sms") == set()


def test_no_legit_bank_message_carries_a_link() -> None:
    """vi-l18, a bank e-mail with a link, was labelled legit (fails on the old data)."""
    bank_senders = {s for b in brands() if b.kind == "bank" for s in b.senders}
    bank_domains = {d for b in brands() if b.kind == "bank" for d in b.domains}
    for message in MESSAGES:
        from_bank = message.sender in bank_senders or message.sender.rsplit("@", 1)[-1] in bank_domains
        if from_bank and find_urls(message.text):
            assert message.is_scam, message.id


# Issue 15, defect 9: a date in an ordinary notice is not urgency. The old rules flagged both
# ("chậm nhất", "trong hôm nay"), and vi-l04, graded safe, was labelled with the red flag "urgency".
def test_a_deadline_or_a_delivery_date_is_not_urgency() -> None:
    assert "urgency" not in red_flags(
        "Vui lòng nộp hồ sơ chậm nhất thứ Sáu tuần này.", "Phòng Tổ chức", "email"
    )
    courier = next(m for m in MESSAGES if m.id == "vi-l04")
    assert courier.red_flags == () and red_flags(courier.text, courier.sender, courier.channel) == set()
    assert "urgency" in red_flags("Cập nhật ngay trong hôm nay, nếu không tài khoản sẽ bị khóa.", None, "sms")
    assert "urgency" in red_flags("Nộp phí chậm nhất trong 2 giờ tới.", None, "sms")


# Issue 15, defect 6: the course's own data uses today's names: "thẻ căn cước" (since 1/7/2024) and
# "số định danh cá nhân" instead of CCCD, "Cục Thuế" instead of "Tổng cục Thuế" (since 1/3/2025).
# Old data: vi-s11 and h-vi-s05 said CCCD, the tax brand's official sender list had TongCucThue.
def test_data_uses_current_names() -> None:
    holdout = load_messages(Path(__file__).parents[2] / "hocso" / "safety" / "data" / "messages_holdout.json")
    for message in [*MESSAGES, *holdout]:
        for text in (message.text, message.explanation.vi, message.sender):
            folded = fold_diacritics(text).lower()
            assert "cccd" not in folded and "can cuoc cong dan" not in folded, message.id
            assert "tong cuc thue" not in folded and "chi cuc thue" not in folded, message.id
    tax = next(b for b in brands() if b.key == "tax")
    assert "TongCucThue" not in tax.senders
    police = next(b for b in brands() if b.key == "police")
    assert "cong an quan" in police.names  # a "district police" caller claims to be police
    assert "số CCCD" not in explain("personal_data_request", "vi")


@pytest.mark.parametrize(
    "text",
    [
        "…chị đọc mã OTP cho em, tuyệt đối không chia sẻ cho người khác nhé",
        "Chi doc ma OTP cho em nhe",
        "Chị đọc giúp em 6 số vừa nhận nhé",
        "Hệ thống vừa gửi mã OTP về máy chị. Chị đọc mã đó cho em nhé, còn tuyệt đối đừng chia sẻ mã cho người khác ạ.",
    ],
)
def test_a_request_for_the_otp_is_a_scam_whatever_it_adds(text: str) -> None:
    """m04's inbox grades "read me the code, never share it with anyone else" as a scam (issue 15 #2,
    via hocso.safety.otp.asks_for_otp); the old rules dropped the sentence as a warning (no flag)."""
    flags = red_flags(text, "09xx xxx 318", "call")
    assert "otp_request" in flags and looks_like_scam(flags)
