"""Options several `hocso` commands share, defined once (issue 23: no option retyped per command)."""

from __future__ import annotations

from pathlib import Path

import click

course_option = click.option(
    "--course",
    "course_path",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Course folder (default: the one around the current folder, or $HOCSO_COURSE).",
)
