"""Reading a certificate's code from an image of its QR code (a phone photo or a scan).

zxing-cpp (maintained bindings of the ZXing C++ library, wheels for every platform, no system
library needed) finds and decodes the QR code; Pillow opens the image.
"""

from __future__ import annotations

from pathlib import Path

import zxingcpp
from PIL import Image, UnidentifiedImageError

from hocso.certificates.signing import PREFIX


def code_from_image(path: Path) -> str | None:
    """The hocso certificate code in the image, or None when no such QR code is found."""
    try:
        with Image.open(path) as image:
            found = zxingcpp.read_barcodes(image.convert("RGB"))
    except (OSError, UnidentifiedImageError):
        return None
    for barcode in found:
        if barcode.text.upper().startswith(PREFIX + "."):
            return barcode.text
    return None
