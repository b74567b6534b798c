"""What a file's path in an LMS download says: which notebook it is a copy of and who may have sent it.

The layouts hocso reads (each also inside a zip, inside a zip in a zip, or in any folder):

    Moodle           `Nguyễn Văn An_10234_assignsubmission_file_/m04_phishing.ipynb` (one folder per
                     participant: full name, participant id), or flat with the file name after it
    Canvas           `nguyenvanan_12345_678901_m04_phishing.ipynb` (name run together, user id,
                     submission id; `_late_` after the name when late; a resubmission `…-1.ipynb`)
    Google Classroom `Nguyễn Văn An - m04_phishing.ipynb` (the name, " - ", the file's name)
    Microsoft Teams  `Submitted files/Nguyễn Văn An/m04/m04_phishing.ipynb` (a folder per learner)
    plain            `<learner id>/<notebook>`, `<learner id>_<notebook>`, `<learner id>-<notebook>`

Browsers' and file managers' copies (`m04_phishing (1).ipynb`, `m04_phishing - Copy.ipynb`,
`… - Bản sao.ipynb`) are the same notebook. Junk that macOS and Windows add to archives
(`__MACOSX/`, `._*`, `.DS_Store`, `Thumbs.db`, `desktop.ini`, `~$*`) and checkpoints are not files
of anyone. Who a hint names is decided against the roster (`hocso.roster.Roster.find`), not here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Literal

__all__ = ["ANSWERS_SUFFIX", "NamedFile", "is_junk", "learner_hints", "read_name"]

ANSWERS_SUFFIX = ".answers.json"
FileKind = Literal["notebook", "answers"]

_JUNK_PARTS = {"__macosx", ".ds_store", "thumbs.db", "desktop.ini", ".ipynb_checkpoints", "$recycle.bin"}
# "(1)" from browsers, "-1" from Canvas resubmissions, " - Copy"/" - Bản sao" from Windows Explorer
_COPY_MARK = re.compile(
    r"(?:\s*\((?P<paren>\d+)\)|-(?P<dash>\d+)|\s+-\s+(?:copy|bản sao)(?:\s*\((?P<copy>\d+)\))?)$", re.I
)
_MOODLE = re.compile(r"^(?P<name>.+?)_(?P<id>\d+)_assignsubmission_[a-z]+_?(?P<rest>.*)$")
_CANVAS = re.compile(r"^(?P<name>[^_\s]+?)(?:_late)?_(?P<id>\d+)_(?P<submission>\d+)_?(?P<rest>.*)$", re.I)
_CLASSROOM = re.compile(r"^(?P<name>.+?) - (?P<rest>.*)$")
LayoutName = Literal["moodle", "canvas", "classroom", "folder", "prefix", "renamed"]
_NAMED_LAYOUTS: tuple[tuple[re.Pattern[str], LayoutName], ...] = (
    (_MOODLE, "moodle"),
    (_CANVAS, "canvas"),
    (_CLASSROOM, "classroom"),
)


@dataclass(frozen=True)
class NamedFile:
    """A file of the export that is a copy of one of the course's notebooks (or its answers file)."""

    notebook: str  # the course notebook's file name, e.g. m04_phishing.ipynb
    kind: FileKind
    hints: tuple[str, ...]  # texts that may name the learner, the most telling first
    attempt: int  # the copy or resubmission number (0: the original)
    # which layout named the learner first ("renamed": found by content; None: nothing named one)
    layout: LayoutName | None


def is_junk(relative: PurePosixPath) -> bool:
    """A file that no learner sent: archive and desktop leftovers, hidden files, checkpoints."""
    return any(part.casefold() in _JUNK_PARTS or part.startswith((".", "~$")) for part in relative.parts)


def read_name(relative: PurePosixPath, notebooks: tuple[str, ...]) -> NamedFile | None:
    """The notebook (of `notebooks`, every notebook of the course) that `relative` is a copy of, and
    its hints; None when its name is none of them."""
    kinds: tuple[tuple[FileKind, str], ...] = (("notebook", ".ipynb"), ("answers", ANSWERS_SUFFIX))
    for kind, suffix in kinds:
        stem, attempt = _without_copy_mark(relative.name, suffix)
        if stem is None:
            continue
        for notebook in sorted(notebooks, key=len, reverse=True):
            wanted = notebook.removesuffix(".ipynb")
            if stem.casefold() == wanted.casefold():
                prefix = ""
            elif stem.casefold().endswith(wanted.casefold()) and stem[: -len(wanted)][-1:] in "_- ":
                prefix = stem[: -len(wanted)].rstrip("_- ")
            else:
                continue
            hints, layout = learner_hints(prefix, relative.parent)
            return NamedFile(notebook, kind, hints, attempt, layout)
    return None


def _without_copy_mark(name: str, suffix: str) -> tuple[str | None, int]:
    if name.casefold().endswith(suffix):
        stem = name[: -len(suffix)]
    elif suffix == ANSWERS_SUFFIX and (m := re.match(r"^(.*)\.answers(-\d+| \(\d+\))\.json$", name, re.I)):
        stem = m.group(1) + m.group(2)  # Canvas and browsers mark the last extension: x.answers-1.json
    else:
        return None, 0
    attempt = 0
    while match := _COPY_MARK.search(stem):
        attempt = max(attempt, int(next((g for g in match.groups() if g), "1")))
        stem = stem[: match.start()]
    return stem, attempt


def learner_hints(prefix: str, folder: PurePosixPath) -> tuple[tuple[str, ...], LayoutName | None]:
    """Texts naming the learner: from the file name's prefix, then each folder from the nearest."""
    hints: list[str] = []
    layout: LayoutName | None = None
    places: list[tuple[str, LayoutName]] = [
        (prefix, "prefix"),
        *((p, "folder") for p in reversed(folder.parts)),
    ]
    for text, where in places:
        if not text:
            continue
        for pattern, name in _NAMED_LAYOUTS:
            if match := pattern.match(text):
                hints.append(match.group("name"))
                layout = layout or name
                break
        hints.append(text)
        layout = layout or where
    return tuple(dict.fromkeys(hints)), layout
