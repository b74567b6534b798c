"""Take-home handouts: per module, one printable A4 page (rules, red flags, whom to call) for families.

Source: `notebooks/<module>/handout.toml` (hocso.handouts.model); page and PDF: hocso.handouts.page.
Errors: HandoutError (a CourseConfigError) names the file and the field.
"""

from hocso.handouts.model import (
    HANDOUT_FILE,
    Contact,
    Handout,
    HandoutError,
    HandoutText,
    handout_path,
    load_handout,
)
from hocso.handouts.page import FORMATS, Format, handout_html, write_handouts

__all__ = [
    "FORMATS",
    "HANDOUT_FILE",
    "Contact",
    "Format",
    "Handout",
    "HandoutError",
    "HandoutText",
    "handout_html",
    "handout_path",
    "load_handout",
    "write_handouts",
]
