"""Photo metadata: synthetic photos with EXIF, reading GPS and dates, and stripping everything."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from PIL import ExifTags, Image, ImageChops, ImageOps, ImageStat

from hocso.safety.errors import PhotoError
from hocso.safety.photos import make_sample_photo, read_photo_metadata, strip_metadata

TAKEN = datetime(2024, 5, 1, 8, 30, 15)


@pytest.fixture
def photo(tmp_path: Path) -> Path:
    return make_sample_photo(tmp_path / "ho-guom.jpg", 21.028511, 105.852122, TAKEN, software="Snapseed 2.0")


def test_reads_location_date_and_camera(photo: Path) -> None:
    meta = read_photo_metadata(photo)
    assert meta.has_location
    assert meta.latitude == pytest.approx(21.028511, abs=1e-6)
    assert meta.longitude == pytest.approx(105.852122, abs=1e-6)
    assert meta.taken == TAKEN
    assert (meta.make, meta.model, meta.software) == ("HocsoCam", "Demo 1", "Snapseed 2.0")
    assert read_photo_metadata(photo.read_bytes()) == meta
    assert "Snapseed 2.0" in meta.describe("vi")[1]
    assert meta.describe("en")[0].startswith("The photo has a GPS location")


def test_southern_and_western_coordinates_are_negative(tmp_path: Path) -> None:
    meta = read_photo_metadata(make_sample_photo(tmp_path / "x.jpg", -33.8568, -70.6483, TAKEN))
    assert meta.latitude == pytest.approx(-33.8568, abs=1e-6)
    assert meta.longitude == pytest.approx(-70.6483, abs=1e-6)
    assert meta.software is None


def test_strip_removes_every_tag_and_keeps_the_picture(photo: Path, tmp_path: Path) -> None:
    clean = strip_metadata(photo, tmp_path / "clean.jpg")
    meta = read_photo_metadata(clean)
    assert not meta.has_location and meta.taken is None and meta.make is None and meta.software is None
    with Image.open(clean) as after, Image.open(photo) as before:
        assert len(after.getexif()) == 0 and "exif" not in after.info
        assert after.size == before.size
        mean_difference = ImageStat.Stat(ImageChops.difference(after, before)).mean
        assert max(mean_difference) < 3  # re-encoded as JPEG: the same picture, tiny rounding


def test_strip_keeps_a_portrait_photo_upright(tmp_path: Path) -> None:
    """Issue 15 #10: a phone stores a portrait photo as landscape pixels plus Orientation 6; the old
    strip dropped the tag with the rest of the EXIF, so the clean copy showed lying on its side
    (64x48 instead of 48x64). The clean copy now holds the pixels turned upright and no tag at all."""
    source = make_sample_photo(tmp_path / "portrait.jpg", 21.03, 105.85, TAKEN, size=(64, 48), orientation=6)
    with Image.open(source) as before:
        assert before.size == (64, 48) and before.getexif()[ExifTags.Base.Orientation] == 6
        shown = ImageOps.exif_transpose(before)  # what a phone or browser displays
    assert shown.size == (48, 64)
    clean = strip_metadata(source, tmp_path / "portrait-clean.jpg")
    with Image.open(clean) as after:
        assert len(after.getexif()) == 0
        assert after.size == shown.size  # displays upright with no tag to read
        assert max(ImageStat.Stat(ImageChops.difference(after.convert("RGB"), shown)).mean) < 3
    assert not read_photo_metadata(clean).has_location


def test_strip_keeps_png_pixels_exactly(tmp_path: Path) -> None:
    source = make_sample_photo(tmp_path / "map.png", 10.7769, 106.7009, TAKEN)
    assert read_photo_metadata(source).has_location
    clean = strip_metadata(source, tmp_path / "map-clean.png")
    assert not read_photo_metadata(clean).has_location
    with Image.open(clean) as after, Image.open(source) as before:
        assert after.tobytes() == before.tobytes()


def test_not_a_photo_is_a_clear_error(tmp_path: Path) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("không phải ảnh", "utf-8")
    with pytest.raises(PhotoError, match=r"notes\.txt"):
        read_photo_metadata(text)
    with pytest.raises(PhotoError, match="uploaded bytes"):
        read_photo_metadata(b"\x00\x01")
