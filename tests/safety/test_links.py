"""Links: registered domain, look-alikes and short links, with tldextract strictly offline."""

from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hocso.i18n import t
from hocso.safety.links import (
    TRUSTED_DOMAINS,
    URL_WARNINGS,
    UrlError,
    expand_short_link,
    find_urls,
    inspect_url,
    is_lookalike,
    registered_domain,
)


@pytest.mark.parametrize(
    ("url", "domain"),
    [
        ("https://dichvucong.gov.vn.abc.example/x", "abc.example"),
        ("https://dichvucong.gov.vn/p/home", "dichvucong.gov.vn"),
        ("http://www.vietcombank.com.vn/vi", "vietcombank.com.vn"),
        ("vneid-capnhat.example/dang-nhap", "vneid-capnhat.example"),
        ("https://a.b.c.shop.co.uk:8443/?q=1", "shop.co.uk"),
        ("https://vietcombank.com.vn@evil.example/login", "evil.example"),
        ("http://103.45.67.89/VNeID.apk", "103.45.67.89"),
    ],
)
def test_registered_domain(url: str, domain: str) -> None:
    assert registered_domain(url) == domain


def test_report_takes_the_address_apart() -> None:
    report = inspect_url("https://login.dichvucong.gov.vn.abc.example:8080/x/y?token=1")
    assert (report.scheme, report.port, report.path, report.query) == ("https", 8080, "/x/y", "token=1")
    assert (report.subdomain, report.public_suffix) == ("login.dichvucong.gov.vn", "example")
    assert report.lookalike_of == "dichvucong.gov.vn"
    assert {"lookalike", "unusual_port", "many_subdomains"} <= set(report.warnings)
    assert set(report.warnings) <= set(URL_WARNINGS)


def test_official_sites_raise_no_warning() -> None:
    for domain in TRUSTED_DOMAINS:
        report = inspect_url(f"https://www.{domain}/")
        assert report.warnings == [], domain
        assert report.lookalike_of is None


@pytest.mark.parametrize(
    ("domain", "imitates"),
    [
        ("vietc0mbank.com.vn", "vietcombank.com.vn"),  # digit 0 for o
        ("vietcornbank.example", "vietcombank.com.vn"),  # rn for m
        ("vіetcombank.com.vn", "vietcombank.com.vn"),  # Cyrillic і
        ("vneid.gov.vn.xacthuc.example", "vneid.gov.vn"),  # brand in the subdomain
        ("vneid-capnhat.example", "vneid.gov.vn"),  # brand inside a longer name
        ("vietcombank.com", "vietcombank.com.vn"),  # right name, wrong ending
        ("dichvucongg.gov.vn", "dichvucong.gov.vn"),  # edit distance 1
        ("bidv-com.vn", "bidv.com.vn"),
        ("rnomo.vn", "momo.vn"),
    ],
)
def test_lookalikes(domain: str, imitates: str) -> None:
    assert is_lookalike(domain) == imitates


def test_punycode_is_decoded_before_comparing() -> None:
    spoof = "vietcombаnk"  # Cyrillic а
    encoded = "xn--" + spoof.encode("punycode").decode("ascii")
    report = inspect_url(f"https://{encoded}.com.vn/")
    assert report.is_punycode and "punycode" in report.warnings
    assert report.unicode_host == f"{spoof}.com.vn"
    assert report.lookalike_of == "vietcombank.com.vn"


@pytest.mark.parametrize(
    "domain", ["vneid.gov.vn", "www.vietcombank.com.vn", "google.com", "hocso.example", "1.2.3.4"]
)
def test_not_lookalikes(domain: str) -> None:
    assert is_lookalike(domain) is None


def test_short_links_expand_from_the_offline_table() -> None:
    report = inspect_url("https://bit.ly/vneid-capnhat")
    assert report.is_shortener and "shortener" in report.warnings
    assert report.expanded == "http://vneid-capnhat.example/dang-nhap"
    assert expand_short_link("bit.ly/unknown-code") is None
    assert expand_short_link("not a url at all ") is None


def test_raw_ip_and_userinfo() -> None:
    assert inspect_url("http://103.45.67.89/a.apk").is_ip
    assert "userinfo" in inspect_url("https://vneid.gov.vn@203.0.113.9/").warnings


def test_find_urls_in_messages() -> None:
    text = "Cập nhật tại http://vneid-capnhat.example/x ngay. Hoặc vào bit.ly/abc, hay www.abc.vn."
    assert find_urls(text) == ["http://vneid-capnhat.example/x", "bit.ly/abc", "www.abc.vn"]


def test_bad_input_is_a_clear_error() -> None:
    for text in ["", "   ", "http://", "https://exa mple.com"]:
        with pytest.raises(UrlError):
            inspect_url(text)


def test_every_warning_has_a_text() -> None:
    for code in URL_WARNINGS:
        assert t(f"safety.url_warning.{code}", "vi") != t(f"safety.url_warning.{code}", "en")


@given(st.text(max_size=60))
def test_any_text_gives_a_report_or_a_url_error(text: str) -> None:
    try:
        report = inspect_url(text)
    except UrlError:
        return
    assert report.registered_domain


@given(
    st.lists(st.from_regex(r"[a-z][a-z0-9-]{0,10}[a-z0-9]", fullmatch=True), min_size=1, max_size=4),
    st.from_regex(r"[a-z][a-z0-9]{2,10}", fullmatch=True),
    st.sampled_from(["example", "com.vn", "gov.vn", "co.uk", "test"]),
)
def test_registered_domain_is_the_label_before_the_suffix(subs: list[str], label: str, suffix: str) -> None:
    url = "https://" + ".".join([*subs, f"{label}.{suffix}"]) + "/path"
    assert registered_domain(url) == f"{label}.{suffix}"


def test_tldextract_never_touches_the_network() -> None:
    """In a fresh process with sockets disabled, the first lookup still works (bundled suffix list)."""
    code = (
        "import socket\n"
        "def refuse(*a, **k): raise OSError('network used')\n"
        "socket.socket.connect = refuse; socket.create_connection = refuse; socket.getaddrinfo = refuse\n"
        "from hocso.safety import links\n"
        "assert links._EXTRACT.suffix_list_urls == ()\n"
        "assert links.registered_domain('https://a.b.gov.vn.example.co.uk/') == 'example.co.uk'\n"
        "print('offline ok')\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "offline ok" in result.stdout


@pytest.mark.parametrize(
    "domain", ["hdbank.com.vn", "vnexpress.net", "shopee.vn", "tiki.vn", "dantri.com.vn", "vnpt.vn"]
)
def test_real_neighbours_are_not_lookalikes(domain: str) -> None:
    """Short bank names differ by two letters from each other (hdbank, mbbank): not a look-alike."""
    assert is_lookalike(domain) is None
