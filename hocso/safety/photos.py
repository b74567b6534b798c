"""Photo metadata (modules m07, m08): where and when a photo was taken, and how to remove it.

A phone writes GPS coordinates, the date and the camera into every photo (EXIF). Posting it can show
where a soldier is stationed or where a family lives; the date can also reveal a "new" viral photo
as an old one. Pillow reads and rewrites EXIF; stripping re-saves the pixels only, turned upright first,
because a phone stores a portrait photo as landscape pixels plus an Orientation tag that goes with the EXIF.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction
from pathlib import Path

from PIL import ExifTags, Image, ImageOps, UnidentifiedImageError

from hocso.config.models import LanguageCode
from hocso.i18n import t
from hocso.safety.errors import PhotoError

_GPS = ExifTags.IFD.GPSInfo
_EXIF = ExifTags.IFD.Exif
_DATE_FORMAT = "%Y:%m:%d %H:%M:%S"


@dataclass(frozen=True)
class PhotoMetadata:
    """What a photo tells about itself; None where the photo says nothing."""

    latitude: float | None
    longitude: float | None
    taken: datetime | None
    make: str | None
    model: str | None
    software: str | None
    width: int
    height: int

    @property
    def has_location(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    def describe(self, lang: LanguageCode | None = None) -> list[str]:
        """What this photo gives away, in plain sentences."""
        lines = [t("safety.photo.location" if self.has_location else "safety.photo.no_location", lang)]
        if self.software:
            lines.append(t("safety.photo.software", lang, software=self.software))
        return lines


def read_photo_metadata(source: str | Path | bytes) -> PhotoMetadata:
    """Location (decimal degrees), date taken, camera and editing software of a photo."""
    with _open(source) as image:
        exif = image.getexif()
        gps = exif.get_ifd(_GPS)
        details = exif.get_ifd(_EXIF)
        lat = _degrees(gps.get(ExifTags.GPS.GPSLatitude), gps.get(ExifTags.GPS.GPSLatitudeRef))
        lon = _degrees(gps.get(ExifTags.GPS.GPSLongitude), gps.get(ExifTags.GPS.GPSLongitudeRef))
        taken = details.get(ExifTags.Base.DateTimeOriginal) or exif.get(ExifTags.Base.DateTime)
        return PhotoMetadata(
            latitude=lat if lon is not None else None,
            longitude=lon if lat is not None else None,
            taken=_date(taken),
            make=_text(exif.get(ExifTags.Base.Make)),
            model=_text(exif.get(ExifTags.Base.Model)),
            software=_text(exif.get(ExifTags.Base.Software)),
            width=image.width,
            height=image.height,
        )


def strip_metadata(src: str | Path | bytes, dst: str | Path) -> Path:
    """Save a copy of `src` at `dst` with the same picture and no EXIF, GPS, XMP or comments.

    The pixels are turned the way the photo's Orientation tag says before the tag is dropped, so a
    portrait photo stays upright (without this it would show lying on its side)."""
    target = Path(dst)
    with _open(src) as image:
        upright = ImageOps.exif_transpose(image)
        clean = Image.frombytes(upright.mode, upright.size, upright.tobytes())  # pixels only, no info dict
        if upright.mode == "P" and (palette := upright.getpalette()):
            clean.putpalette(palette)
        fmt = image.format or _format_for(target)
        options = {"quality": 95} if fmt == "JPEG" else {}
        clean.save(target, format=fmt, **options)
    return target


def make_sample_photo(
    path: str | Path,
    lat: float,
    lon: float,
    taken: datetime,
    software: str | None = None,
    make: str = "HocsoCam",
    model: str = "Demo 1",
    size: tuple[int, int] = (64, 48),
    orientation: int | None = None,
) -> Path:
    """Write a small synthetic JPEG with GPS, date and camera EXIF, for course data and tests.

    `orientation` sets the EXIF Orientation tag (6: a phone held upright, pixels stored sideways)."""
    target = Path(path)
    image = Image.new("RGB", size)
    image.putdata([((x * 4) % 256, (y * 5) % 256, 128) for y in range(size[1]) for x in range(size[0])])
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = make
    exif[ExifTags.Base.Model] = model
    exif[ExifTags.Base.DateTime] = taken.strftime(_DATE_FORMAT)
    if software:
        exif[ExifTags.Base.Software] = software
    if orientation is not None:
        exif[ExifTags.Base.Orientation] = orientation
    exif.get_ifd(_EXIF)[ExifTags.Base.DateTimeOriginal] = taken.strftime(_DATE_FORMAT)
    exif[_GPS] = {
        ExifTags.GPS.GPSLatitudeRef: "N" if lat >= 0 else "S",
        ExifTags.GPS.GPSLatitude: _dms(abs(lat)),
        ExifTags.GPS.GPSLongitudeRef: "E" if lon >= 0 else "W",
        ExifTags.GPS.GPSLongitude: _dms(abs(lon)),
    }
    image.save(target, format=_format_for(target), exif=exif, quality=95)
    return target


def _open(source: str | Path | bytes) -> Image.Image:
    try:
        image = Image.open(io.BytesIO(source) if isinstance(source, bytes) else source)
        image.load()
    except (OSError, UnidentifiedImageError) as error:
        name = "the uploaded bytes" if isinstance(source, bytes) else str(source)
        raise PhotoError(f"cannot read {name} as a photo: {error}") from None
    return image


def _format_for(path: Path) -> str:
    return {".png": "PNG", ".webp": "WEBP", ".tif": "TIFF", ".tiff": "TIFF"}.get(path.suffix.lower(), "JPEG")


def _dms(value: float) -> tuple[Fraction, Fraction, Fraction]:
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    seconds = round((value - degrees - minutes / 60) * 3600 * 10000)
    return (Fraction(degrees), Fraction(minutes), Fraction(seconds, 10000))


def _degrees(dms: object, ref: object) -> float | None:
    if not dms or not isinstance(dms, tuple) or len(dms) != 3:
        return None
    try:
        d, m, s = (float(part) for part in dms)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    value = d + m / 60 + s / 3600
    return -value if str(ref).upper() in {"S", "W"} else value


def _date(value: object) -> datetime | None:
    try:
        return datetime.strptime(str(value).strip("\x00 "), _DATE_FORMAT) if value else None
    except ValueError:
        return None


def _text(value: object) -> str | None:
    text = str(value).strip("\x00 ") if value is not None else ""
    return text or None
