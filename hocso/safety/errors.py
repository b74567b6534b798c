"""Errors of the safety analyses.

HocsoError
└── SafetyError          a safety analysis cannot work on its input
    ├── VietQrError      a VietQR / EMVCo payload is malformed (names the tag and position)
    ├── PhotoError       a file is not a readable image
    └── MessageSetError  a message-set JSON file does not follow the schema
"""

from __future__ import annotations

from hocso.errors import HocsoError


class SafetyError(HocsoError):
    """A safety analysis cannot work on its input; the message says which part is wrong."""


class VietQrError(SafetyError):
    """A VietQR payload is malformed."""


class PhotoError(SafetyError):
    """A photo cannot be read or written."""


class MessageSetError(SafetyError):
    """A message set does not follow the schema."""
