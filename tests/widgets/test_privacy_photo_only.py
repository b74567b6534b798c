"""PrivacyCheckup's photo-only form (m07 practice beside a graded settings screen): no settings, no Check."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from hocso.i18n import t
from hocso.safety.photos import make_sample_photo, read_photo_metadata
from hocso.widgets import PrivacyCheckup


def test_photo_only_shows_the_location_and_strips_it_without_any_setting(
    tmp_path: Path, language: str
) -> None:
    photo = make_sample_photo(tmp_path / "camp.jpg", lat=21.39, lon=103.02, taken=datetime(2025, 9, 2, 6, 15))
    checkup = PrivacyCheckup(photo=photo, settings=False, language=language, save=False)
    shown = [child for child in checkup.children if hasattr(child, "value") and isinstance(child.value, str)]
    assert not checkup.choices and checkup.value == {}
    assert checkup.check_button not in checkup.children and checkup.advice not in checkup.children
    assert not any(t("widgets.privacy.title", language) in child.value for child in shown)
    assert checkup.photo_metadata.has_location and "21.39000" in checkup.photo_info.value
    checkup.strip_button.click()
    assert not read_photo_metadata(tmp_path / "camp.clean.jpg").has_location
    assert t("widgets.privacy.no_location", language) in checkup.photo_info.value
