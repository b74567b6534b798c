"""PhishingInbox, ClaimChecker and PrivacyCheckup at state level in both languages."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from hocso.config import Localized
from hocso.i18n import t
from hocso.safety.phishing import Message, explain
from hocso.safety.photos import make_sample_photo, read_photo_metadata
from hocso.widgets import ClaimChecker, PhishingInbox, PrivacyCheckup, load_answer


def _message(
    mid: str, lang: str, label: str, text: str, flags: tuple[str, ...], channel: str = "sms"
) -> Message:
    return Message(
        mid,
        lang,
        channel,
        "+84 912 000 000",
        text,
        label,
        None,
        flags,
        Localized(vi=f"Giải thích {mid}", en=f"Why {mid}"),
    )


MESSAGES = [
    _message(
        "vi-1",
        "vi",
        "scam",
        "Tài khoản bị khóa! Xác minh ngay tại http://vcb-xacminh.top",
        ("urgency", "suspicious_link"),
    ),
    _message("vi-2", "vi", "legit", "Mã OTP của bạn là 123456. Không chia sẻ mã này.", (), "email"),
    _message(
        "en-1",
        "en",
        "scam",
        "Your parcel is held. Pay the fee at http://post-fee.example now",
        ("money_request",),
    ),
    _message("en-2", "en", "legit", "Your order has shipped.", (), "zalo"),
]


def test_inbox_flags_check_and_saved_answers(language: str) -> None:
    inbox = PhishingInbox("inbox", MESSAGES, language=language)
    scam, legit = (m.id for m in MESSAGES if m.lang == language)
    assert list(inbox.flags) == [scam, legit]
    inbox.flags[scam].value = "scam"
    assert load_answer("inbox") == {scam: "scam"}  # saved as soon as it is flagged
    result = inbox.check()
    assert (result.right, result.total, result.unanswered_ids) == (1, 2, (legit,))
    assert '<mark style="' in inbox.cards[scam].value  # the link in a scam is highlighted
    first_flag = next(m for m in MESSAGES if m.id == scam).red_flags[0]
    assert explain(first_flag, language) in inbox.reveals[scam].value
    inbox.flags[legit].value = "scam"
    inbox.check_button.click()
    assert inbox.result.wrong_ids == (legit,) and "✖" in inbox.reveals[legit].value
    assert t("widgets.inbox.score", language, right=1, total=2) in inbox.summary.value
    assert PhishingInbox("inbox", MESSAGES, language=language).value == {scam: "scam", legit: "scam"}


def test_inbox_shows_every_message_when_none_is_in_its_language() -> None:
    only_vi = [m for m in MESSAGES if m.lang == "vi"]
    assert list(PhishingInbox("x", only_vi, language="en", save=False).flags) == ["vi-1", "vi-2"]


def test_inbox_reads_a_message_set_file(tmp_path: Path) -> None:
    import json

    path = tmp_path / "set.json"
    on_disk = [  # the message-set file keeps explain_vi / explain_en (Message.explanation is a Localized)
        {k: v for k, v in m.__dict__.items() if k != "explanation"}
        | {"red_flags": list(m.red_flags), "explain_vi": m.explanation.vi, "explain_en": m.explanation.en}
        for m in MESSAGES
    ]
    path.write_text(json.dumps(on_disk))
    assert len(PhishingInbox("x", path, language="en", save=False).messages) == 2


SOURCES = {
    "Handbook": "Banks never ask for your OTP code. Transfers over 10 million dong need face confirmation."
}
CLAIMS = {
    "c1": {"vi": "Banks never ask for OTP codes.", "en": "Banks never ask for OTP codes."},
    "c2": "Transfers over 5 million need a face scan.",
    "c3": "The moon is made of cheese.",
}


def test_claim_checker_marks_against_the_automatic_verdicts(language: str) -> None:
    checker = ClaimChecker("claims", CLAIMS, SOURCES, answer="An AI answer.", language=language)
    assert checker.expected == {"c1": "supported", "c2": "needs_checking", "c3": "unsupported"}
    checker.marks["c1"].value = "supported"
    checker.marks["c2"].value = "supported"
    checker.marks["c3"].value = "unsupported"
    checker.check_button.click()
    assert checker.result == {"c1": True, "c2": False, "c3": True}
    assert t("widgets.claims.score", language, right=2, total=3) in checker.summary.value
    assert t("widgets.claims.needs_checking", language) in checker.feedback["c2"].value
    assert load_answer("claims") == {"c1": "supported", "c2": "supported", "c3": "unsupported"}


def test_claim_checker_author_verdicts_win_and_bad_ones_are_refused(language: str) -> None:
    checker = ClaimChecker(
        "claims", CLAIMS, SOURCES, expected={"c2": "unsupported"}, language=language, save=False
    )
    assert checker.expected["c2"] == "unsupported"
    with pytest.raises(ValueError, match="unknown verdicts"):
        ClaimChecker("claims", CLAIMS, SOURCES, expected={"c2": "maybe"})


def test_privacy_settings_check_and_saved(language: str) -> None:
    checkup = PrivacyCheckup(language=language)
    checkup.choices["phone_visible"].value = "only_me"
    checkup.choices["location_in_posts"].value = "on"
    checkup.check_button.click()
    assert checkup.result["phone_visible"] and not checkup.result["location_in_posts"]
    assert t("widgets.privacy.score", language, safe=1, total=5) in checkup.advice.value
    assert load_answer("privacy") == {"phone_visible": "only_me", "location_in_posts": "on"}


def test_privacy_photo_location_revealed_then_removed(tmp_path: Path, language: str) -> None:
    photo = make_sample_photo(
        tmp_path / "beach.jpg", lat=16.06778, lon=108.22083, taken=datetime(2024, 5, 1, 9, 30)
    )
    checkup = PrivacyCheckup(photo=photo, language=language, save=False)
    assert checkup.photo_metadata.has_location
    assert "16.06778" in checkup.photo_info.value and "01/05/2024 09:30" in checkup.photo_info.value
    checkup.strip_button.click()
    clean = tmp_path / "beach.clean.jpg"
    assert not read_photo_metadata(clean).has_location and not checkup.clean_metadata.has_location
    assert t("widgets.privacy.no_location", language) in checkup.photo_info.value


def test_privacy_unreadable_photo_is_explained(language: str) -> None:
    checkup = PrivacyCheckup(photo=b"not an image", language=language, save=False)
    assert (
        checkup.photo_metadata is None and checkup.strip_button.disabled and "✖" in checkup.photo_info.value
    )


def test_inbox_on_the_course_message_set_picks_messages_by_id(language: str) -> None:
    everything = PhishingInbox("x", language=language, save=False)
    assert everything.messages and all(m.lang == language for m in everything.messages)
    chosen = [m.id for m in everything.messages[:3]]
    inbox = PhishingInbox("x", only=chosen, language=language, save=False)
    assert [m.id for m in inbox.messages] == chosen
    for message in inbox.messages:
        inbox.flags[message.id].value = "scam" if message.is_scam else "safe"
    assert inbox.check().right == 3
    with pytest.raises(ValueError, match="no messages with ids"):
        PhishingInbox("x", only=["nope"], save=False)
