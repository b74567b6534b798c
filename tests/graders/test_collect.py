"""`hocso grade collect --from` on LMS downloads as Moodle, Canvas, Google Classroom and Microsoft
Teams name them, with a roster of Vietnamese names: who is collected, from which file, every message,
and the widget answers scored by autograde."""

from __future__ import annotations

import hashlib
import json
import os
import time
import zipfile
from pathlib import Path, PurePosixPath

import nbformat
import pytest
from click.testing import CliRunner
from nbformat.v4 import new_code_cell, new_notebook
from nbgrader.api import Gradebook

from hocso.cli import cli
from hocso.config import course_runtime_dir, gradebook_url, load_course
from hocso.graders.autograde import autograde_submissions
from hocso.graders.collect import collect_submissions
from hocso.graders.lms_layouts import is_junk, read_name
from hocso.graders.release import release_module
from hocso.i18n import t
from hocso.roster import load_roster
from hocso.widgets.answers import save_answer

WIDGETS = "gw_widgets.ipynb"
OTHER = "gy_other.ipynb"
ROSTER = [  # learner_id, name, e-mail
    ("hv01", "Nguyễn Văn An", "an.nguyen@donvi.vn"),
    ("hv02", "Trần Thị Bình", "binh.tran@donvi.vn"),
    ("hv03", "Lê Hoàng Cường", "cuong.le@donvi.vn"),
    ("hv04", "Phạm Thị Dung", "dung.pham@donvi.vn"),
    ("hv05", "Hoàng Văn Đức", "duc.hoang@donvi.vn"),
    ("hv06", "Vũ Thị Hà", "ha.vu@donvi.vn"),
    ("hv07", "Đặng Minh Khoa", "khoa.dang@donvi.vn"),
    ("hv08", "Bùi Thu Lan", "lan.bui@donvi.vn"),
    ("hv09", "Đỗ Quang Minh", "minh.do@donvi.vn"),
    ("hv10", "Ngô Thị Ngọc", "ngoc.ngo@donvi.vn"),
    ("hv11", "Dương Văn Phúc", "phuc.duong@donvi.vn"),
    ("hv12", "Lý Thị Quỳnh", "quynh.ly@donvi.vn"),
]


def _grade(source: str, grade_id: str, points: float | None) -> nbformat.NotebookNode:
    cell = new_code_cell(source)
    cell.metadata["nbgrader"] = {
        "grade": points is not None, "grade_id": grade_id, "locked": True, "solution": False,
        "schema_version": 3, **({"points": points} if points is not None else {}),
    }  # fmt: skip
    return cell


def _widget_notebook() -> nbformat.NotebookNode:
    """Answered only through widgets: the graded cells read the answers file beside the notebook."""
    nb = new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [
        _grade(
            "from hocso.widgets.answers import load_answer, use_answers_file\n"
            'use_answers_file("gw_widgets.answers.json")',
            "gw_setup",
            None,
        ),
        _grade('assert load_answer("q1") == "yes"', "gw_q1", 1),
        _grade('assert load_answer("q2") == "no"', "gw_q2", 1),
    ]
    return nb


def _other_notebook() -> nbformat.NotebookNode:
    nb = new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [_grade("assert True", "gy_check", 1), _grade("assert 2 > 1", "gy_check_2", 1)]
    return nb


@pytest.fixture
def lms_course(course_copy: Path):
    toml = course_copy / "course_config" / "course.toml"
    levels = "target_levels = { leaders = 1, staff = 1, technical = 1, soldiers = 1, citizens = 1 }"
    extra = "".join(
        f'\n[[modules]]\nid = "{m}"\ntitle = {{ vi = "Thử {m}", en = "Test {m}" }}\n'
        f'notebooks = ["{nb}"]\ncompetences = ["1.3"]\n{levels}\npoints = 2\n'
        for m, nb in (("gw", WIDGETS), ("gy", OTHER))
    )
    toml.write_text(toml.read_text(encoding="utf-8") + extra, encoding="utf-8")
    for module, notebook, nb in (("gw", WIDGETS, _widget_notebook()), ("gy", OTHER, _other_notebook())):
        (course_copy / "notebooks" / module).mkdir(parents=True)
        nbformat.write(nb, course_copy / "notebooks" / module / notebook)
    course = load_course(course_copy)
    release_module(course, "gw")
    release_module(course, "gy")
    return course


def _released(course, module: str, notebook: str) -> bytes:
    return (course_runtime_dir(course) / "release" / module / notebook).read_bytes()


def _answers(tmp_path: Path, q1: str, q2: str) -> bytes:
    path = tmp_path / f"answers-{q1}-{q2}.json"
    path.unlink(missing_ok=True)
    save_answer("q1", q1, answers_file=path)
    save_answer("q2", q2, answers_file=path)
    return path.read_bytes()


def _zip(path: Path, members: dict[str, bytes], when: dict[str, tuple[int, ...]] | None = None) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, date_time=(when or {}).get(name, (2026, 11, 20, 9, 0, 0)))
            archive.writestr(info, data)


def _at(path: Path, *stamp: int) -> None:
    seconds = time.mktime((*stamp, 0, 0, -1))
    os.utime(path, (seconds, seconds))


def _tree_digest(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in root.rglob("*")
        if p.is_file()
    }


def test_four_lms_layouts_with_copies_nested_zips_junk_wrong_module_and_duplicates(
    lms_course, tmp_path: Path, monkeypatch
):
    monkeypatch.setenv("HOCSO_LANG", "en")
    nb = _released(lms_course, "gw", WIDGETS)
    other = _released(lms_course, "gy", OTHER)
    right, half = _answers(tmp_path, "yes", "no"), _answers(tmp_path, "yes", "yes")
    downloads = tmp_path / "downloads"
    downloads.mkdir()

    moodle = "Nguyễn Văn An_10234_assignsubmission_file_"
    binh = "Trần Thị Bình_10235_assignsubmission_file_"
    cuong = "Lê Hoàng Cường_10236_assignsubmission_file_"
    dung = "Phạm Thị Dung_10237_assignsubmission_file_"
    stranger = "Người Lạ_10299_assignsubmission_file_"
    _zip(
        downloads / "moodle.zip",
        {
            f"{moodle}/{WIDGETS}": nb,
            f"{moodle}/gw_widgets.answers.json": right,
            f"__MACOSX/{moodle}/._{WIDGETS}": b"\x00\x05\x16\x07",
            f"{binh}/gw_widgets (1).ipynb": nb,  # the browser's copy
            f"{binh}/gw_widgets (1).answers.json": half,
            f"{cuong}/bai cu/{WIDGETS}": nb,  # an older one in a folder, half right
            f"{cuong}/bai cu/gw_widgets.answers.json": half,
            f"{cuong}/{WIDGETS}": nb,  # and the newer one flat
            f"{cuong}/gw_widgets.answers.json": right,
            f"{dung}/{WIDGETS}": other,  # another module's notebook saved under this one's name
            f"{dung}/{OTHER}": other,
            f"{stranger}/{WIDGETS}": nb,
        },
        {
            f"{cuong}/bai cu/{WIDGETS}": (2026, 11, 19, 8, 0, 0),
            f"{cuong}/{WIDGETS}": (2026, 11, 21, 10, 30, 0),
        },
    )
    canvas = tmp_path / "submissions.zip"
    _zip(
        canvas,
        {
            f"hoangvanduc_4521_998877_{WIDGETS}": nb,
            "hoangvanduc_4521_998877_gw_widgets.answers.json": right,
            f"vuthiha_late_4522_998878_{WIDGETS}": nb,  # a late first attempt
            "vuthiha_late_4522_998878_gw_widgets-1.ipynb": nb,  # and her resubmission, same time
            "vuthiha_late_4522_998878_gw_widgets.answers-1.json": right,
            "vuthiha_late_4522_998878_gw_widgets.answers.json": half,
        },
    )
    _zip(downloads / "canvas.zip", {"submissions.zip": canvas.read_bytes()})  # a zip in a zip
    classroom = downloads / "classroom"
    classroom.mkdir()
    (classroom / f"Đặng Minh Khoa - {WIDGETS}").write_bytes(nb)
    (classroom / "Đặng Minh Khoa - gw_widgets.answers.json").write_bytes(right)
    (classroom / f"Bùi Thu Lan - {WIDGETS}").write_bytes(nb)  # no answers file: the widget items get 0
    (classroom / "desktop.ini").write_text("[.ShellClassInfo]", encoding="utf-8")
    (classroom / "Thumbs.db").write_bytes(b"\x00")
    for path in classroom.iterdir():
        _at(path, 2026, 11, 20, 9, 0, 0)
    _zip(
        downloads / "teams.zip",
        {
            f"Submitted files/Đỗ Quang Minh/gw/{WIDGETS}": nb,
            "Submitted files/Đỗ Quang Minh/gw/gw_widgets.answers.json": right,
            f"Submitted files/ngo thi ngoc/gw/{WIDGETS}": nb,  # typed without diacritics
            "Submitted files/ngo thi ngoc/gw/gw_widgets.answers.json": right,
            f"Submitted files/phuc.duong@donvi.vn/gw/{WIDGETS}": nb,  # named by e-mail
            "Submitted files/phuc.duong@donvi.vn/gw/gw_widgets.answers.json": right,
        },
    )
    roster = tmp_path / "roster.csv"  # as a vi-VN Excel saves it: BOM, semicolons, a capital group name
    roster.write_bytes(
        "\ufefflearner_id;name;group;unit;email\n".encode()
        + "".join(f"{i};{n};Staff;Phường 1;{e}\n" for i, n, e in ROSTER).encode("utf-8")
    )
    before = _tree_digest(downloads)

    done = CliRunner().invoke(
        cli,
        [
            "grade",
            "collect",
            "gw",
            "--from",
            str(downloads),
            "--roster",
            str(roster),
            "--course",
            str(lms_course.root),
        ],
    )
    assert done.exit_code == 0, done.output
    assert _tree_digest(downloads) == before  # every original untouched

    collected = {
        "hv01": (f"moodle/{moodle}/{WIDGETS}", f"moodle/{moodle}/gw_widgets.answers.json"),
        "hv02": (f"moodle/{binh}/gw_widgets (1).ipynb", f"moodle/{binh}/gw_widgets (1).answers.json"),
        "hv03": (f"moodle/{cuong}/{WIDGETS}", f"moodle/{cuong}/gw_widgets.answers.json"),
        "hv05": (
            f"canvas/submissions/hoangvanduc_4521_998877_{WIDGETS}",
            "canvas/submissions/hoangvanduc_4521_998877_gw_widgets.answers.json",
        ),
        "hv06": (
            "canvas/submissions/vuthiha_late_4522_998878_gw_widgets-1.ipynb",
            "canvas/submissions/vuthiha_late_4522_998878_gw_widgets.answers-1.json",
        ),
        "hv07": (f"classroom/Đặng Minh Khoa - {WIDGETS}", "classroom/Đặng Minh Khoa - gw_widgets.answers.json"),
        "hv08": (f"classroom/Bùi Thu Lan - {WIDGETS}", None),
        "hv09": (f"teams/Submitted files/Đỗ Quang Minh/gw/{WIDGETS}", "teams/Submitted files/Đỗ Quang Minh/gw/gw_widgets.answers.json"),
        "hv10": (f"teams/Submitted files/ngo thi ngoc/gw/{WIDGETS}", "teams/Submitted files/ngo thi ngoc/gw/gw_widgets.answers.json"),
        "hv11": (
            f"teams/Submitted files/phuc.duong@donvi.vn/gw/{WIDGETS}",
            "teams/Submitted files/phuc.duong@donvi.vn/gw/gw_widgets.answers.json",
        ),
    }  # fmt: skip
    expected = [
        t("graders.collect.duplicate", "en", learner="hv03", notebook=WIDGETS, kept=f"moodle/{cuong}/{WIDGETS}",
          kept_time="2026-11-21 10:30", left=f"moodle/{cuong}/bai cu/{WIDGETS}", left_time="2026-11-19 08:00",
          why=t("graders.collect.why_newer", "en")),
        t("graders.collect.duplicate", "en", learner="hv06", notebook=WIDGETS,
          kept="canvas/submissions/vuthiha_late_4522_998878_gw_widgets-1.ipynb", kept_time="2026-11-20 09:00",
          left=f"canvas/submissions/vuthiha_late_4522_998878_{WIDGETS}", left_time="2026-11-20 09:00",
          why=t("graders.collect.why_later_copy", "en")),
        *(
            t("graders.collect.wrong_module", "en", source=f"moodle/{dung}/{name}", learner="hv04", module="gy",
              notebook=OTHER)
            for name in (OTHER, WIDGETS)
        ),
        t("graders.collect.unknown", "en", item=f"moodle/{stranger}/{WIDGETS}"),
        t("graders.collect.ignored", "en", count=3),  # __MACOSX/._*, desktop.ini, Thumbs.db
        *(
            t(f"graders.collect.collected{'_answers' if answers else ''}", "en", learner=learner, notebook=WIDGETS,
              source=source, answers=answers)
            for learner, (source, answers) in collected.items()
        ),
        t("graders.collect.done", "en", count=len(collected)),
    ]  # fmt: skip
    assert sorted(done.output.strip().splitlines()) == sorted(expected)

    submitted = course_runtime_dir(lms_course) / "submitted"
    assert sorted(p.name for p in submitted.iterdir()) == sorted(collected)
    assert (submitted / "hv03" / "gw" / WIDGETS).read_bytes() == nb
    assert sorted(p.name for p in (submitted / "hv01" / "gw").iterdir()) == [
        "gw_widgets.answers.json",
        WIDGETS,
    ]
    assert (submitted / "hv02" / "gw" / "gw_widgets.answers.json").read_bytes() == half

    summary = autograde_submissions(lms_course, "gw", workers=2, allow_weak_sandbox=True)
    assert all(r.ok for r in summary.results), summary.results
    with Gradebook(gradebook_url(lms_course)) as gb:
        scores = {s.student.id: s.score for s in gb.assignment_submissions("gw")}
    assert scores == {**dict.fromkeys(collected, 2.0), "hv02": 1.0, "hv08": 0.0}


def test_collecting_nothing_is_an_error_that_says_why(lms_course, tmp_path: Path, monkeypatch):
    monkeypatch.setenv("HOCSO_LANG", "en")
    export = tmp_path / "export.zip"
    _zip(export, {f"Phạm Thị Dung_1_assignsubmission_file_/{OTHER}": _released(lms_course, "gy", OTHER)})
    roster = tmp_path / "roster.csv"
    roster.write_text("learner_id,name,group,unit\nhv04,Phạm Thị Dung,staff,u\n", encoding="utf-8")
    done = CliRunner().invoke(
        cli,
        [
            "grade",
            "collect",
            "gw",
            "--from",
            str(export),
            "--roster",
            str(roster),
            "--course",
            str(lms_course.root),
        ],
        catch_exceptions=True,
    )
    assert done.exit_code != 0
    reason = str(done.exception)
    assert reason.startswith(
        t(
            "graders.collect.nothing",
            "en",
            module="gw",
            source=export,
            notebooks=WIDGETS,
            seen=1,
            other=1,
            unknown=0,
        )
    )
    assert "gy_other.ipynb" in reason and "gy" in reason
    assert not (course_runtime_dir(lms_course) / "submitted").exists()


def test_without_a_roster_only_plain_ids_are_learners(lms_course, tmp_path: Path):
    nb = _released(lms_course, "gw", WIDGETS)
    export = tmp_path / "export.zip"
    _zip(
        export,
        {
            f"an01/{WIDGETS}": nb,
            f"Nguyễn Văn An_1_assignsubmission_file_/{WIDGETS}": nb,
            f"__MACOSX/._{WIDGETS}": b"x",
        },
    )
    report = collect_submissions(lms_course, "gw", export)
    assert [c.learner for c in report.collected] == ["an01"]
    assert report.unknown == [f"Nguyễn Văn An_1_assignsubmission_file_/{WIDGETS}"]
    roster = tmp_path / "roster.csv"
    roster.write_text("learner_id,name,group,unit\nan01,Nguyễn Văn An,staff,u\n", encoding="utf-8")
    again = collect_submissions(lms_course, "gw", export, load_roster(roster, lms_course))
    assert [(c.learner, c.changed) for c in again.collected] == [("an01", False)]  # same files: left alone
    (duplicate,) = again.duplicates  # the same notebook twice, at the same time: both named
    assert {duplicate.kept, duplicate.left} == {
        f"an01/{WIDGETS}",
        f"Nguyễn Văn An_1_assignsubmission_file_/{WIDGETS}",
    }
    assert duplicate.why == "same"


@pytest.mark.parametrize(
    ("path", "notebook", "hint"),
    [
        (f"Nguyễn Văn An_10234_assignsubmission_file_/{WIDGETS}", WIDGETS, "Nguyễn Văn An"),
        (f"Nguyễn Văn An_10234_assignsubmission_file_{WIDGETS}", WIDGETS, "Nguyễn Văn An"),
        (f"nguyenvanan_late_1_2_{WIDGETS}", WIDGETS, "nguyenvanan"),
        ("nguyenvanan_1_2_gw_widgets-2.ipynb", WIDGETS, "nguyenvanan"),
        (f"Nguyễn Văn An - {WIDGETS}", WIDGETS, "Nguyễn Văn An"),
        (f"Submitted files/Nguyễn Văn An/gw/{WIDGETS}", WIDGETS, "gw"),
        ("an01_gw_widgets - Copy.ipynb", WIDGETS, "an01"),
        ("an01-gw_widgets (3).answers.json", WIDGETS, "an01"),
    ],
)
def test_file_names_of_each_layout(path: str, notebook: str, hint: str):
    named = read_name(PurePosixPath(path), (WIDGETS, OTHER))
    assert named is not None and named.notebook == notebook and named.hints[0] == hint


def test_junk_is_nobody_s():
    for junk in (
        "__MACOSX/a/._x.ipynb",
        "a/.DS_Store",
        "Thumbs.db",
        "x/desktop.ini",
        "~$roster.xlsx",
        "a/.ipynb_checkpoints/x.ipynb",
    ):
        assert is_junk(PurePosixPath(junk)), junk
    assert not is_junk(PurePosixPath("Nguyễn Văn An_1_assignsubmission_file_/gw_widgets.ipynb"))


def test_answers_json_is_what_the_widgets_write(tmp_path: Path):
    assert json.loads(_answers(tmp_path, "yes", "no"))["answers"] == {"q1": "yes", "q2": "no"}


def test_a_hostile_zip_writes_nothing_outside_the_course(lms_course, tmp_path: Path):
    """Regression guard (zipfile already sanitised member names before this rewrite): members that
    climb out with `..` or start at `/`, and a learner id made of dots, land nowhere outside."""
    nb = _released(lms_course, "gw", WIDGETS)
    export = tmp_path / "export.zip"
    _zip(
        export,
        {
            f"../../../pwned_{WIDGETS}": nb,
            f"/tmp/pwned/{WIDGETS}": nb,
            f"../{WIDGETS}": nb,
            f"an01/{WIDGETS}": nb,
        },
    )
    report = collect_submissions(lms_course, "gw", export)
    # zipfile reads "../../../pwned_x" as "pwned_x" and "/tmp/pwned/x" as "tmp/pwned/x": learner "pwned"
    assert sorted(c.learner for c in report.collected) == ["an01", "pwned"]
    assert report.unknown == [WIDGETS]  # "../gw_widgets.ipynb": at the top, nobody's
    submitted = course_runtime_dir(lms_course) / "submitted"
    assert sorted(p.name for p in submitted.iterdir()) == ["an01", "pwned"]
    assert not list(tmp_path.parent.rglob("pwned_*")) and not Path("/tmp/pwned").exists()


def test_a_notebook_of_its_own_is_collected_and_a_damaged_one_is_named(lms_course, tmp_path: Path):
    export = tmp_path / "export.zip"
    _zip(
        export,
        {f"an01/{WIDGETS}": nbformat.writes(new_notebook()).encode(), f"binh/{WIDGETS}": b"{ not json"},
    )
    report = collect_submissions(lms_course, "gw", export)
    assert sorted(c.learner for c in report.collected) == ["an01", "binh"]  # autograde gives the reason
    assert report.unreadable == [f"binh/{WIDGETS}"] and report.wrong_module == []


def test_a_name_two_learners_share_is_not_guessed(lms_course, tmp_path: Path, monkeypatch):
    nb = _released(lms_course, "gw", WIDGETS)
    export = tmp_path / "export.zip"
    _zip(
        export,
        {f"Nguyễn Văn An_1_assignsubmission_file_/{WIDGETS}": nb, f"an.nguyen2@donvi.vn/{WIDGETS}": nb},
    )
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "learner_id,name,group,unit,email\nhv01,Nguyễn Văn An,staff,u1,an.nguyen@donvi.vn\n"
        "hv31,Nguyễn Văn An,staff,u2,an.nguyen2@donvi.vn\n",
        encoding="utf-8",
    )
    report = collect_submissions(lms_course, "gw", export, load_roster(roster, lms_course))
    assert [c.learner for c in report.collected] == ["hv31"]  # the e-mail tells them apart
    assert report.ambiguous == [f"Nguyễn Văn An_1_assignsubmission_file_/{WIDGETS} (hv01, hv31)"]
    assert t("graders.collect.ambiguous", "en", item=report.ambiguous[0]) in report.messages("en")
