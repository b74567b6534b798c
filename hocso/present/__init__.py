"""`hocso present`: the course's widget apps for a projector and learners' phones, served by Voila.

apps        which apps exist and their vi/en titles
server      Voila with warm kernels, hocso's template and pages, and what a visitor may send
caching     long browser caching of Voila's front-end files
classroom   the facilitator's shared state (next question, reveal answers) and its HTTP handler
pages       the gallery and the facilitator page
live        inside an app kernel: follow the classroom state, read-only
visitors    one id per browser (a signed cookie) and the kernel each visitor took
assistant   the course assistant for app kernels, its daily quota counted per visitor
"""

from __future__ import annotations

import os
from pathlib import Path

# Holds voila/templates/hocso. Kept here, away from the server, so `hocso lab` can find the template
# without importing Voila.
SHARE_DIR = Path(__file__).parent / "share"


def with_present_templates(jupyter_path: str | None) -> str:
    """`jupyter_path` (a JUPYTER_PATH value) with hocso's share dir first, where Voila looks for
    templates; unchanged if it is already first."""
    parts = [part for part in (jupyter_path or "").split(os.pathsep) if part]
    if parts[:1] == [str(SHARE_DIR)]:
        return os.pathsep.join(parts)
    return os.pathsep.join([str(SHARE_DIR), *parts])
