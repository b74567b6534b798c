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


LAW = "Luật 91/2025/QH15 có hiệu lực từ ngày 01/01/2026."


def test_dates_compared_as_dates_not_digit_runs() -> None:
    """Issue 15 #3. The old method ("every digit run of the answer appears in the source") accepted
    "01/01/2025" (its "2025" is in the law number 91/2025) and rejected "1/1/2026" ("1" is not a digit
    run of the source); check_claims flagged "1/1/2026" with mismatched_numbers ("1",)."""
    from hocso.safety.claims import agrees_with_source, facts, unmatched_facts

    assert agrees_with_source("Từ ngày 1/1/2026", LAW)
    assert agrees_with_source("có hiệu lực từ ngày 1 tháng 1 năm 2026", LAW)
    assert agrees_with_source("Từ 01-01-2026, Luật 91/2025 có hiệu lực", LAW)
    assert agrees_with_source("Luật có hiệu lực từ năm 2026", LAW)
    assert not agrees_with_source("Từ ngày 01/01/2025", LAW)
    assert unmatched_facts("Từ ngày 01/01/2025", LAW) == ["01/01/2025"]
    assert not agrees_with_source("Luật có hiệu lực từ năm 2025", LAW)  # 2025 is the law's number, not a date
    assert not agrees_with_source("Luật 92/2025/QH15", LAW)
    assert "doc:91/2025" in facts(LAW) and "num:2025" not in facts(LAW)
    assert agrees_with_source("Luật 91/2025/QH15 có hiệu lực từ ngày 1/1/2026 [3].", LAW)  # [3] cites
    ok, wrong = check_claims(
        [
            "Luật 91/2025/QH15 có hiệu lực từ ngày 1/1/2026",
            "Luật 91/2025/QH15 có hiệu lực từ ngày 01/01/2025",
        ],
        {"luat": LAW},
    )
    assert ok.verdict == "supported" and ok.mismatched_numbers == ()
    assert wrong.verdict == "needs_checking" and wrong.mismatched_numbers == ("01/01/2025",)


def test_numbers_are_whole_tokens() -> None:
    from hocso.safety.claims import agrees_with_source

    assert not agrees_with_source("Gọi số 5", "Phản ánh tới 156 hoặc 5656")
    assert not agrees_with_source("Gọi 113", "Phản ánh tới 156 hoặc 5656")
    assert agrees_with_source("Phản ánh tới 5656", "Phản ánh tới 156 hoặc 5656")
    assert agrees_with_source("trên 10.000.000 đồng", "Chuyển khoản trên 10000000 đồng")
