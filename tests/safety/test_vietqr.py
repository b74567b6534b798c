"""VietQR: CRC-16, TLV parsing with errors that point at the tag, and tamper detection (hypothesis)."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from hocso.errors import HocsoError
from hocso.safety.vietqr import (
    BANKS,
    VietQrError,
    build_vietqr,
    crc16_ccitt,
    crc_ok,
    needs_biometric,
    parse_tlv,
    parse_vietqr,
)

# Written out by hand from the VietQR layout; its CRC checked with the bitwise reference below.
SAMPLE = (
    "000201010212"
    "38540010A00000072701240006970436011001234567890208QRIBFTTA"
    "5303704540550000"
    "5802VN"
    "62270823Thanh toan don hang 123"
    "6304698E"
)


def test_crc16_ccitt_false_check_value() -> None:
    assert crc16_ccitt("123456789") == "29B1"  # the catalogue check value of CRC-16/CCITT-FALSE
    assert crc16_ccitt("") == "FFFF"


def _reference_crc(data: bytes) -> int:
    """The textbook bitwise CRC-16/CCITT-FALSE, to check the library call against."""
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) & 0xFFFF if crc & 0x8000 else (crc << 1) & 0xFFFF
    return crc


@given(st.text(max_size=200))
def test_crc16_agrees_with_the_bitwise_definition(text: str) -> None:
    assert crc16_ccitt(text) == f"{_reference_crc(text.encode('utf-8')):04X}"
    assert crc16_ccitt(SAMPLE[:-4]) == f"{_reference_crc(SAMPLE[:-4].encode()):04X}" == SAMPLE[-4:]


def test_parse_a_known_payload() -> None:
    payment = parse_vietqr(SAMPLE)
    assert payment.crc_ok
    assert (payment.bank_bin, payment.bank_name, payment.account) == ("970436", "Vietcombank", "0123456789")
    assert (payment.amount, payment.currency, payment.country) == (50000, "704", "VN")
    assert (payment.service, payment.guid, payment.dynamic) == ("QRIBFTTA", "A000000727", True)
    assert payment.message == "Thanh toan don hang 123"
    assert build_vietqr("970436", "0123456789", 50000, "Thanh toan don hang 123") == SAMPLE


def test_static_code_without_amount() -> None:
    payload = build_vietqr("970422", "9704229999", service="QRIBFTTC")
    payment = parse_vietqr(payload)
    assert payment.amount is None and payment.message is None and not payment.dynamic
    assert payment.bank_name == "MB" and payment.service == "QRIBFTTC"


def test_tlv_positions() -> None:
    fields = parse_tlv(SAMPLE)
    assert [f.tag for f in fields] == ["00", "01", "38", "53", "54", "58", "62", "63"]
    assert fields[2].position == 12 and fields[2].length == 54


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ("0002010", r"truncated field at position 6"),
        ("000201AB0212", r"tag 'AB' at position 6"),
        ("000201012X12", r"tag 01 at position 6 has length '2X'"),
        ("00020101021238990010", r"tag 38 at position 12 says 99 characters"),
        (SAMPLE.replace("A000000727", "A000000999"), r"tag 38\.00 at position 16"),
        (SAMPLE.replace("0006970436", "0206970436"), r"tag 38\.01\.00 \(bank BIN\) is missing"),
        ("000201010211" + "6304ABCD", r"tag 38 .* is missing"),
        (SAMPLE.replace("540550000", "5405-5000"), r"tag 54 \(amount\) at position"),
    ],
)
def test_malformed_payloads_name_tag_and_position(payload: str, message: str) -> None:
    with pytest.raises(VietQrError, match=message) as error:
        parse_vietqr(payload)
    assert isinstance(error.value, HocsoError)


def test_tampered_account_fails_the_crc() -> None:
    tampered = SAMPLE.replace("0123456789", "0123456780")
    assert not crc_ok(tampered)
    assert parse_vietqr(tampered).crc_ok is False
    assert not crc_ok(SAMPLE[:-4] + SAMPLE[-4:].lower())  # the CRC must be upper-case hex
    assert not crc_ok("6304")


@pytest.mark.parametrize(
    ("amount", "today", "needed"),
    [
        (10_000_000, 0, False),
        (10_000_001, 0, True),
        (5_000_000, 15_000_000, False),
        (5_000_000, 15_000_001, True),
    ],
)
def test_biometric_rule(amount: int, today: int, needed: bool) -> None:
    assert needs_biometric(amount, today) is needed


def test_builder_rejects_what_a_code_cannot_hold() -> None:
    with pytest.raises(VietQrError, match="service"):
        build_vietqr("970436", "1", service="QRPAY")
    with pytest.raises(VietQrError, match="at most 99"):
        build_vietqr("970436", "1", message="x" * 120)
    with pytest.raises(VietQrError, match="positive"):
        build_vietqr("970436", "1", amount=-5)


payments = st.tuples(
    st.one_of(st.sampled_from(sorted(BANKS)), st.from_regex(r"9704\d\d", fullmatch=True)),
    st.from_regex(r"[0-9]{6,19}", fullmatch=True),
    st.one_of(st.none(), st.integers(min_value=1, max_value=10**12)),
    st.one_of(
        st.none(),
        st.text(
            alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 ",
            min_size=1,
            max_size=40,
        ),
    ),
    st.sampled_from(["QRIBFTTA", "QRIBFTTC"]),
)


@given(payments)
def test_built_payloads_parse_back(payment: tuple) -> None:
    bank, account, amount, message, service = payment
    parsed = parse_vietqr(build_vietqr(bank, account, amount, message, service))
    assert parsed.crc_ok
    assert (parsed.bank_bin, parsed.account, parsed.amount, parsed.message, parsed.service) == payment


@given(payments, st.data())
def test_any_single_changed_character_is_caught(payment: tuple, data: st.DataObject) -> None:
    payload = build_vietqr(*payment)
    index = data.draw(st.integers(min_value=0, max_value=len(payload) - 1))
    char = data.draw(st.characters(min_codepoint=32, max_codepoint=126))
    assume(char != payload[index])
    tampered = payload[:index] + char + payload[index + 1 :]
    assert not crc_ok(tampered)
    try:
        parsed = parse_vietqr(tampered)
    except VietQrError:
        return
    assert not parsed.crc_ok


@given(st.text(max_size=80))
def test_any_text_parses_or_raises_vietqr_error(text: str) -> None:
    try:
        parsed = parse_vietqr(text)
    except VietQrError as error:
        assert str(error).startswith("VietQR: tag") or "truncated" in str(error)
        return
    assert parsed.crc_ok == crc_ok(text.strip())
