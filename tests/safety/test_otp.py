"""One-time codes: pyotp against RFC 6238, and telling a code request from a bank's own notice."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from hocso.i18n import t
from hocso.safety.errors import SafetyError
from hocso.safety.otp import asks_for_otp, otp_advice, random_secret, seconds_left, totp_now

RFC_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"  # base32 of "12345678901234567890", RFC 6238 appendix B


def test_totp_matches_rfc_6238_vectors() -> None:
    assert totp_now(RFC_SECRET, at=59, digits=8) == "94287082"
    assert totp_now(RFC_SECRET, at=1111111109, digits=8) == "07081804"
    assert totp_now(RFC_SECRET, at=datetime.fromtimestamp(59, tz=UTC)) == "287082"


def test_code_changes_every_thirty_seconds() -> None:
    secret = random_secret()
    assert totp_now(secret, at=30) == totp_now(secret, at=59)
    assert seconds_left(59) == 1
    assert seconds_left(60) == 30
    assert 1 <= seconds_left() <= 30


@pytest.mark.parametrize(
    "message",
    [
        "Anh đọc giúp em mã OTP vừa gửi về máy nhé",
        "Anh doc giup em ma OTP vua gui ve may nhe",
        "Cung cấp mã xác thực cho cán bộ để hoàn tất hồ sơ",
        "Chị ơi em lỡ gửi nhầm mã về số chị, chị đọc lại giúp em với",
        "Please send me the code you just received",
        "What is the code on your screen?",
        "Hi, I accidentally sent my verification code to your number. Can you forward it?",
        "Nhập mã OTP vào trang sau để nhận quà",
        "Mở ứng dụng và gửi mã OTP cho em nhé",
    ],
)
def test_requests_for_a_code(message: str) -> None:
    assert asks_for_otp(message)


@pytest.mark.parametrize(
    "message",
    [
        "Ma OTP cua quy khach la 123456. Khong chia se ma nay cho bat ky ai.",
        "Mã OTP của quý khách là 123456. Không chia sẻ mã này cho bất kỳ ai.",
        "Your verification code is 482913. Never share this code with anyone.",
        "Vietcombank: Ma xac thuc giao dich 123456, het han sau 3 phut. Tuyet doi KHONG cung cap ma cho bat ky ai.",
        "Ngân hàng không bao giờ yêu cầu khách hàng cung cấp mật khẩu hay mã OTP.",
        "Tối nay về ăn cơm nhé",
        "Send me the slides from the meeting",
    ],
)
def test_notices_and_ordinary_messages_are_not_requests(message: str) -> None:
    assert not asks_for_otp(message)


# Issue 15 defect 2: "do not share it with anyone else" inside a request, a request typed without
# diacritics and a code not named "OTP" are all requests for the code. The old rule skipped every
# sentence holding a warning and knew no "6 số", so the first and third came out safe.
ISSUE_15_REQUESTS = [
    "Chị ơi em là nhân viên ngân hàng, chị đọc mã OTP cho em, tuyệt đối không chia sẻ cho người khác nhé",
    "Chi doc ma OTP cho em nhe",
    "Chị đọc giúp em 6 số vừa nhận nhé",
]


@pytest.mark.parametrize(
    "message",
    [
        *ISSUE_15_REQUESTS,
        "Đừng sợ chị đọc mã OTP cho em",
        "Không chia sẻ cho ai nhưng chị đọc mã OTP cho em nhé",
        "Để không bị khóa tài khoản, chị đọc mã OTP cho em",
        "Read me the 6 digits you just got, and never share them with anyone else",
    ],
)
def test_a_request_is_a_request_whatever_else_it_says(message: str) -> None:
    assert asks_for_otp(message)


@pytest.mark.parametrize(
    "message",
    [
        "Tôi đã mua 6 số vé số",
        "Gửi anh 4 số cuối tài khoản để đối chiếu hóa đơn",
        "Your code is 123456. Never share it.",
    ],
)
def test_numbers_that_are_not_a_code_are_not_requests(message: str) -> None:
    assert not asks_for_otp(message)


def test_a_request_after_a_warning_still_counts() -> None:
    assert asks_for_otp(
        "Không chia sẻ mã cho người lạ. Nhưng em là nhân viên ngân hàng, chị đọc mã OTP cho em."
    )


def test_a_bad_secret_is_a_clear_error() -> None:
    with pytest.raises(SafetyError, match="base32"):
        totp_now("not base32 at all!!", at=0)


def test_advice_follows_the_message() -> None:
    assert otp_advice("Đọc mã OTP cho em nhé", "vi") == t("safety.otp.request", "vi")
    assert otp_advice("Your code is 123456. Never share it.", "en") == t("safety.otp.notice", "en")
