"""UrlInspector and QrPayCheck at state level in both languages, with property tests over their input."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hocso.i18n import t
from hocso.safety.vietqr import BANKS, build_vietqr
from hocso.widgets import QrPayCheck, UrlInspector

PROPERTY = settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def test_url_inspector_highlights_the_registered_domain_of_a_lookalike(language: str) -> None:
    inspector = UrlInspector(language=language)
    inspector.value = "https://vietcombank.com.vn.xacminh-taikhoan.top/dang-nhap"
    inspector.inspect_button.click()
    report = inspector.result
    assert report is not None and report.registered_domain == "xacminh-taikhoan.top"
    assert "xacminh-taikhoan.top</span>" in inspector.address.value
    assert t("widgets.url.careful", language, domain="xacminh-taikhoan.top") in inspector.verdict.value
    assert t("widgets.url.part.registered_domain", language) in inspector.parts.value


def test_url_inspector_official_site_is_good_and_garbage_is_explained(language: str) -> None:
    inspector = UrlInspector("https://dichvucong.gov.vn/p/home", language=language)
    assert inspector.result.warnings == [] and "✔" in inspector.verdict.value
    inspector.value = "   "
    inspector.inspect_button.click()
    assert inspector.result is None and t("widgets.url.not_a_link", language) in inspector.verdict.value


def test_url_inspector_shows_punycode_host_as_displayed(language: str) -> None:
    inspector = UrlInspector("https://xn--vietcombnk-4ib.vn/", language=language)
    assert "punycode" in inspector.result.warnings
    assert t("widgets.url.part.unicode_host", language) in inspector.parts.value


@PROPERTY
@given(text=st.text(max_size=60))
def test_url_inspector_never_crashes_on_any_text(text: str) -> None:
    inspector = UrlInspector(text or "x", language="en")
    assert (inspector.result is None) == (inspector.error is not None)
    assert inspector.verdict.value


def test_qr_pay_check_reads_a_valid_code(language: str) -> None:
    payload = build_vietqr("970436", "0123456789", 12_000_000, "HOADON 42")
    check = QrPayCheck(payload, expected_account="0123456789", language=language)
    assert check.result.account == "0123456789" and check.problems == ()
    assert bytes(check.image.value).startswith(b"\x89PNG")
    assert "Vietcombank" in check.details.value and "12.000.000 đ" in check.details.value
    assert t("widgets.qr.biometric", language) in check.verdict.value


def test_qr_pay_check_catches_a_pasted_over_code(language: str) -> None:
    sticker = build_vietqr("970422", "999988887777", 50_000)
    check = QrPayCheck(language=language, expected_account="0123456789")
    check.value = sticker
    check.check_button.click()
    assert check.problems == ("wrong_account",)
    assert t("widgets.qr.problem.wrong_account", language, expected="0123456789") in check.verdict.value
    check.value = "not a qr payload"
    check.check_button.click()
    assert check.result is None and check.problems == ("unreadable",)


@PROPERTY
@given(
    bank=st.sampled_from(sorted(BANKS)),
    account=st.from_regex(r"[0-9]{6,19}", fullmatch=True),
    amount=st.none() | st.integers(1, 10**11),
    message=st.none() | st.from_regex(r"[A-Za-z0-9 ]{1,25}", fullmatch=True),
    data=st.data(),
)
def test_qr_pay_check_shows_what_was_built_and_flags_any_changed_character(
    bank: str, account: str, amount: int | None, message: str | None, data: st.DataObject
) -> None:
    payload = build_vietqr(bank, account, amount, message)
    check = QrPayCheck(payload, language="vi")
    assert check.problems == () and (check.result.account, check.result.amount) == (account, amount)
    position = data.draw(st.integers(0, len(payload) - 1))
    replacement = data.draw(st.sampled_from("0123456789ABCDEF").filter(lambda c: c != payload[position]))
    check.value = payload[:position] + replacement + payload[position + 1 :]
    check.check_button.click()
    assert check.problems in (("crc",), ("unreadable",))


@pytest.mark.parametrize("language", ["vi", "en"])
def test_qr_pay_check_can_hide_the_raw_payload(language: str) -> None:
    check = QrPayCheck(build_vietqr("970436", "0123456789"), show_payload=False, language=language)
    assert (
        check.payload.layout.display == "none" and t("widgets.qr.no_amount", language) in check.details.value
    )
