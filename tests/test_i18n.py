"""The catalog has every text in Vietnamese and English, and language choice behaves."""

from __future__ import annotations

import pytest

from hocso import i18n
from hocso.i18n import catalog, current_language, missing_translations, normalize_language, set_language, t


def test_every_key_exists_in_both_languages() -> None:
    assert catalog(), "the catalog is empty"
    assert missing_translations() == []


def test_every_text_formats_with_its_own_placeholders() -> None:
    import string

    for key, texts in catalog().items():
        names = [{f for _, f, _, _ in string.Formatter().parse(texts(lang)) if f} for lang in ("vi", "en")]
        assert names[0] == names[1], f"{key}: vi and en use different placeholders {names}"


def test_language_choice(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(i18n, "_chosen", None)
    assert current_language() == "vi"
    monkeypatch.setenv("HOCSO_LANG", "en_US")
    assert current_language() == "en"
    assert t("core.lab.open", url="X") == "Open this address in your browser: X"
    set_language("vi")
    assert t("core.lab.open", url="X").startswith("Mở địa chỉ")
    assert t("core.lab.open", "en", url="X").startswith("Open")
    monkeypatch.setattr(i18n, "_chosen", None)


def test_unknown_language_and_key_are_clear() -> None:
    with pytest.raises(ValueError, match="choose one of: vi, en"):
        normalize_language("fr")
    with pytest.raises(i18n.UnknownTextKey):
        t("core.no.such.key", "en")
