"""One bilingual text type (issue 23): config, the i18n catalog, widgets and apps all hold a `Localized`."""

from __future__ import annotations

from pathlib import Path

import pytest

from hocso import i18n
from hocso.config import Localized
from hocso.widgets.look import localized


def test_an_authors_text_becomes_one_localized() -> None:
    both = Localized(vi="Xin chào", en="Hello")
    assert Localized.of(both) is both
    assert Localized.of({"vi": "Xin chào", "en": "Hello"}) == both
    assert Localized.of("Hi")("vi") == Localized.of("Hi")("en") == "Hi"
    assert Localized.of({"vi": "Chỉ tiếng Việt"})("en") == "Chỉ tiếng Việt"  # rather than nothing
    assert localized({"vi": "Xin chào", "en": "Hello"}, "en") == "Hello"


def test_a_text_in_an_unknown_language_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match=r"\['vn'\]; use vi and en"):
        Localized.of({"vn": "Xin chào", "en": "Hello"})


def test_every_catalog_entry_is_a_localized() -> None:
    entries = i18n.catalog()
    assert entries and all(isinstance(entry, Localized) for entry in entries.values())
    assert i18n.t("core.lab.open", "en", url="X") == entries["core.lab.open"]("en").format(url="X")


def test_a_catalog_entry_without_both_languages_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "demo.toml").write_text(
        '[greeting]\nvi = "Xin chào"\n\n[bye]\nvi = "Tạm biệt"\nfr = "Salut"\n'
    )
    monkeypatch.setattr(i18n, "CATALOG_DIR", tmp_path)
    i18n.catalog.cache_clear()
    i18n._tables.cache_clear()
    try:
        assert i18n.missing_translations() == [
            "demo.greeting: missing en",
            "demo.bye: missing en",
            "demo.bye: unknown language 'fr'",
        ]
        with pytest.raises(i18n.IncompleteCatalog, match=r"demo\.greeting: missing en"):
            i18n.catalog()
    finally:
        monkeypatch.undo()
        i18n.catalog.cache_clear()
        i18n._tables.cache_clear()
