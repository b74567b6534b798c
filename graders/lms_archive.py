"""Every file of an LMS download, read in place: a folder, a zip, and zips inside either, to any depth.

Originals are only read. A zip is unpacked into a scratch folder with Python's `zipfile` (which
keeps every member inside the folder it is extracted to), each file keeping the time the archive
records for it, because that time decides which of two submissions is the newest. Names that a
Windows or macOS zip tool stored in UTF-8 without saying so are read as UTF-8, so Vietnamese names
survive. An archive that would unpack to more than `MAX_UNPACKED_BYTES` is refused.
"""

from __future__ import annotations

import os
import shutil
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from hocso.graders.errors import SubmissionError

__all__ = ["MAX_UNPACKED_BYTES", "ExportFile", "export_files"]

MAX_UNPACKED_BYTES = 2 * 1024**3
MAX_DEPTH = 4  # a zip in a zip in a zip in a zip


@dataclass(frozen=True)
class ExportFile:
    """One file of the download: where it is readable now, and its path as the LMS named it."""

    path: Path
    relative: PurePosixPath  # inside the download; a nested zip counts as a folder of its name
    mtime: float


def export_files(source: Path, scratch: Path) -> Iterator[ExportFile]:
    """Every regular file of `source` (a folder or a zip); zips inside are opened into `scratch`."""
    if not source.exists():
        raise SubmissionError(f"{source} does not exist; give the LMS download folder or zip")
    if source.is_file():
        yield from _unpack(source, PurePosixPath(), scratch, 0)
    else:
        yield from _walk(source, PurePosixPath(), scratch, 0)


def _walk(folder: Path, prefix: PurePosixPath, scratch: Path, depth: int) -> Iterator[ExportFile]:
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or path.is_symlink():
            continue
        relative = prefix / path.relative_to(folder).as_posix()
        if path.suffix.lower() == ".zip" and depth < MAX_DEPTH and zipfile.is_zipfile(path):
            yield from _unpack(path, relative.with_suffix(""), scratch, depth + 1)
        else:
            yield ExportFile(path, relative, path.stat().st_mtime)


def _unpack(archive_path: Path, prefix: PurePosixPath, scratch: Path, depth: int) -> Iterator[ExportFile]:
    target = scratch / f"zip{len(list(scratch.iterdir())) if scratch.exists() else 0}"
    target.mkdir(parents=True)
    try:
        with zipfile.ZipFile(archive_path) as archive:
            members = [info for info in archive.infolist() if not info.is_dir()]
            if sum(info.file_size for info in members) > MAX_UNPACKED_BYTES:
                raise SubmissionError(
                    f"{archive_path} would unpack to more than {MAX_UNPACKED_BYTES // 1024**3} GB; "
                    "download the submissions again, or in parts"
                )
            for info in members:
                info.filename = _utf8_name(info)
                written = Path(archive.extract(info, target))
                stamp = time.mktime((*info.date_time, 0, 0, -1))
                os.utime(written, (stamp, stamp))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError) as error:
        shutil.rmtree(target, ignore_errors=True)
        raise SubmissionError(
            f"{archive_path} is not a readable zip file ({error}); download it again"
        ) from None
    yield from _walk(target, prefix, scratch, depth)


def _utf8_name(info: zipfile.ZipInfo) -> str:
    if info.flag_bits & 0x800:  # the archive says its names are UTF-8: zipfile decoded them already
        return info.filename
    try:
        return info.filename.encode("cp437").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename
