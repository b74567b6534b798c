"""The workspace manifest: which folder of a learner's workspace holds which module.

Its own small module, so a learner's kernel (the progress panel) reads it without importing nbgrader.
"""

from __future__ import annotations

import json
from pathlib import Path

MANIFEST = ".hocso-workspace.json"  # hidden: the lab does not serve dot files


def find_workspace(start: Path) -> Path | None:
    """The workspace root at or above `start` (a kernel's cwd is a module folder inside it)."""
    for folder in (start, *start.parents):
        if (folder / MANIFEST).is_file():
            return folder
    return None


def read_modules(root: Path) -> dict[str, str]:
    """folder name -> module id; empty when the manifest is missing or unreadable."""
    try:
        document = json.loads((root / MANIFEST).read_text(encoding="utf-8"))
        return {str(k): str(v) for k, v in document["modules"].items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}
