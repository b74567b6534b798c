"""Claims and citations of an AI answer, checked against the course's sources."""

from __future__ import annotations

from hocso.safety.claims import check_citations, check_claims

SOURCES = {
    "so-tay": "Ngân hàng không bao giờ yêu cầu khách hàng cung cấp mã OTP. "
    "Chuyển khoản trên 10 triệu đồng cần xác thực sinh trắc học.",
    "nist": "NIST requires at least 15 characters for single-factor passwords. Composition rules are not allowed.",
}


def test_verdicts() -> None:
    verdicts = check_claims(
        [
            "Ngan hang khong bao gio yeu cau cung cap ma OTP",
            "Chuyển khoản trên 5 triệu đồng cần xác thực sinh trắc học",
            "NIST requires 15 characters for passwords",
            "VNeID có thể tải từ trang web bất kỳ",
            "Ngân hàng yêu cầu cung cấp số CCCD qua tin nhắn để khóa tài khoản",
        ],
        SOURCES,
    )
    assert [v.verdict for v in verdicts] == [
        "supported",
        "needs_checking",
        "supported",
        "unsupported",
        "needs_checking",
    ]
    assert verdicts[0].source == "so-tay" and verdicts[2].source == "nist"
    assert verdicts[1].mismatched_numbers == ("5",)
    assert verdicts[3].source is None and "vneid" in verdicts[3].missing_words
    assert verdicts[1].explain("vi") != verdicts[1].explain("en")


def test_citations_to_missing_sources() -> None:
    answer = "Ngân hàng không hỏi OTP [1]. Mật khẩu dài [3]. Xem thêm (Nguồn: so-tay) và (Source: Báo ABC)."
    verdicts = check_citations(answer, ["so-tay", "nist"])
    assert [(v.key, v.exists) for v in verdicts] == [
        ("1", True),
        ("3", False),
        ("so-tay", True),
        ("Báo ABC", False),
    ]
    assert verdicts[1].citation == "[3]" and answer[verdicts[1].position :].startswith("[3]")
    assert "[3]" in verdicts[1].explain("vi")


def test_citations_by_name() -> None:
    verdicts = check_citations("Theo [nist] và [wikipedia], ...", SOURCES)
    assert [(v.key, v.exists) for v in verdicts] == [("nist", True), ("wikipedia", False)]
