"""Benchmark `hocso grade collect --from`: a Moodle download of N learners (one folder each, with
`__MACOSX` junk) matched through a roster of Vietnamese names.

Phases, each timed in this process:
  anchor   `zipfile.ZipFile.extractall` of the same zip into a scratch folder: the least any collect does
  first    collect_submissions into an empty `submitted/` (every learner new)
  again    the same download once more (every learner unchanged, so nothing is rewritten)

Usage: python bench/collect.py [--quick] [--learners N]
The last line is the headline: `collect: learners=<n> first_s=<s> again_s=<s> anchor_s=<s> ratio=<first/anchor>`.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100 learners")
    parser.add_argument("--learners", type=int, default=500)
    args = parser.parse_args()
    learners = 100 if args.quick else args.learners
    with tempfile.TemporaryDirectory(prefix="hocso-bench-collect-") as scratch:
        work = Path(scratch)
        os.environ["HOCSO_HOME"] = str(work / "home")
        shutil.copytree(REPO / "course_config", work / "course" / "course_config")
        shutil.copytree(REPO / "notebooks", work / "course" / "notebooks")
        sys.path.insert(0, str(REPO / "tests"))
        from graders.conftest import NOTEBOOK, make_course

        from hocso.config import course_runtime_dir
        from hocso.graders.collect import collect_submissions
        from hocso.roster import load_roster

        course = make_course(work / "course")
        notebook = (course_runtime_dir(course) / "release" / "gx" / NOTEBOOK).read_bytes()
        names = [f"{FAMILY[i % len(FAMILY)]} Văn Học Viên {i:05d}" for i in range(learners)]
        roster_file = work / "roster.csv"
        rows = "".join(f"hv{i:05d};{name};Staff;Đại đội {i % 7}\n" for i, name in enumerate(names))
        roster_file.write_bytes(("\ufefflearner_id;name;group;unit\n" + rows).encode("utf-8"))
        export = work / "moodle.zip"
        with zipfile.ZipFile(export, "w") as archive:
            for i, name in enumerate(names):
                folder = f"{name}_{10000 + i}_assignsubmission_file_"
                archive.writestr(f"{folder}/{NOTEBOOK}", notebook)
                archive.writestr(f"__MACOSX/{folder}/._{NOTEBOOK}", b"\x00\x05\x16\x07")
        roster = load_roster(roster_file, course)

        started = time.perf_counter()
        with tempfile.TemporaryDirectory(dir=work) as target, zipfile.ZipFile(export) as archive:
            archive.extractall(target)
        anchor = time.perf_counter() - started
        started = time.perf_counter()
        first = collect_submissions(course, "gx", export, roster)
        first_s = time.perf_counter() - started
        started = time.perf_counter()
        again = collect_submissions(course, "gx", export, roster)
        again_s = time.perf_counter() - started
        assert len(first.collected) == learners and not any(c.changed for c in again.collected)
    print(
        f"collect: learners={learners} first_s={first_s:.2f} again_s={again_s:.2f} "
        f"anchor_s={anchor:.2f} ratio={first_s / anchor:.1f}"
    )


if __name__ == "__main__":
    main()
