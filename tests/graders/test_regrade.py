"""Regrading follows the submission: a learner who sends a new file is graded again by the next
`autograde` without flags, and only that learner; the new score (or the failure, with no old score
left) is what the gradebook, the export and the report show; `--force` regrades everyone; a failed
submission is retried only when it changed. Also the grading output's small promises."""

from __future__ import annotations

import codecs
import csv
import json
from pathlib import Path

import nbformat
import pytest
from click.testing import CliRunner
from nbgrader.api import Gradebook

from hocso.cli import cli, main
from hocso.config import course_runtime_dir, gradebook_url
from hocso.i18n import t
from hocso.reports.scores import load_scores

from .conftest import MODULE, NOTEBOOK

CORRECT = "def add(a, b):\n    return a + b"
WRONG = "def add(a, b):\n    return 0"


def _notebook(course, body: str) -> str:
    nb = nbformat.read(course_runtime_dir(course) / "release" / MODULE / NOTEBOOK, as_version=4)
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "add":
            cell.source = body
    return nbformat.writes(nb)


def _run(*args: str) -> object:
    done = CliRunner().invoke(cli, list(args))
    assert done.exit_code == 0, done.output
    return done


def _autograde(course, *flags: str) -> dict:
    done = _run("grade", "autograde", MODULE, "--json", "--workers", "2", "--allow-weak-sandbox", *flags,
                "--course", str(course.root))  # fmt: skip
    return json.loads(done.output[done.output.index("{") :])


def _export(course, out: Path) -> dict[str, dict[str, str]]:
    _run(
        "grade",
        "export",
        "--output",
        str(out),
        "--roster",
        str(out.parent / "roster.csv"),
        "--course",
        str(course.root),
    )
    # a UTF-8 byte-order mark first, so Excel shows the Vietnamese statuses and names as written
    assert out.read_bytes().startswith(codecs.BOM_UTF8)
    return {row["learner_id"]: row for row in csv.DictReader(out.open(encoding="utf-8-sig"))}


def _gradebook(course) -> dict[str, float]:
    with Gradebook(gradebook_url(course)) as gb:
        return {s.student.id: s.score for s in gb.assignment_submissions(MODULE)}


def _report(course) -> dict[str, float]:
    scores = load_scores(course)
    return scores[scores["module"] == MODULE].groupby("learner_id", observed=True)["points"].sum().to_dict()


def test_only_the_changed_submission_is_regraded_and_a_failed_regrade_leaves_no_old_score(
    grading_course, tmp_path: Path, monkeypatch
):
    monkeypatch.setenv("HOCSO_LANG", "en")
    course = ["--course", str(grading_course.root)]
    lms = tmp_path / "lms"
    for learner, body in (("an", CORRECT), ("binh", WRONG), ("chi", CORRECT)):
        (lms / learner).mkdir(parents=True)
        (lms / learner / NOTEBOOK).write_text(_notebook(grading_course, body), encoding="utf-8")
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "learner_id,name,group,unit\nan,Nguyễn Văn An,citizens,u1\nbinh,Trần Thị Bình,citizens,u1\n"
        "chi,Lê Thị Chi,citizens,u1\ndung,Phạm Thị Dung,Citizens,u1\n",
        encoding="utf-8",
    )
    collect = ("grade", "collect", MODULE, "--from", str(lms), "--roster", str(roster), *course)
    _run(*collect)
    first = _autograde(grading_course)
    assert sorted(r["learner"] for r in first["results"]) == ["an", "binh", "chi"]
    assert _gradebook(grading_course) == {"an": 3, "binh": 0, "chi": 3}

    # binh corrects the notebook and the instructor downloads again: only binh is graded again
    (lms / "binh" / NOTEBOOK).write_text(_notebook(grading_course, CORRECT), encoding="utf-8")
    recollected = _run(*collect).output
    assert (
        t("graders.collect.unchanged", "en", learner="an", notebook=NOTEBOOK, source=f"an/{NOTEBOOK}")
        in recollected
    )
    assert (
        t("graders.collect.collected", "en", learner="binh", notebook=NOTEBOOK, source=f"binh/{NOTEBOOK}")
        in recollected
    )
    second = _autograde(grading_course)
    assert [(r["learner"], r["score"], r["ok"]) for r in second["results"]] == [("binh", 3, True)]
    assert sorted(second["skipped"]) == ["an", "chi"]
    assert _gradebook(grading_course) == {"an": 3, "binh": 3, "chi": 3}
    rows = _export(grading_course, tmp_path / "grades.csv")
    assert float(rows["binh"]["total"]) == 3 and rows["binh"][f"{MODULE} status"] == t(
        "graders.export.status_graded", "en"
    )
    assert _report(grading_course) == {"an": 3, "binh": 3, "chi": 3}
    assert (
        rows["dung"][f"{MODULE} status"] == t("graders.export.status_missing", "en")
        and rows["dung"]["total"] == "0.0"
    )
    with Gradebook(gradebook_url(grading_course)) as gb:  # as a person-graded item waits for its grader
        gb.find_grade(
            "test_add_hidden", NOTEBOOK.removesuffix(".ipynb"), MODULE, "an"
        ).needs_manual_grade = True
        gb.db.commit()
    rows = _export(grading_course, tmp_path / "grades.csv")
    assert rows["an"][f"{MODULE} status"] == t("graders.export.status_manual", "en")
    assert rows["an"][f"{MODULE}/gx_sum/test_add_hidden"] == "" and float(rows["an"]["total"]) == 1

    # chi's new download is broken: the failure replaces the old 3 everywhere, with its reason
    (lms / "chi" / NOTEBOOK).write_text("{ not a notebook any more", encoding="utf-8")
    _run(*collect)
    third = _autograde(grading_course)
    (failed,) = third["results"]
    assert failed["learner"] == "chi" and not failed["ok"] and failed["reason"]
    assert _gradebook(grading_course)["chi"] == 0
    rows = _export(grading_course, tmp_path / "grades.csv")
    assert rows["chi"][f"{MODULE} status"] == t("graders.export.status_failed", "en", reason=failed["reason"])
    assert rows["chi"][f"{MODULE}/gx_sum/test_add_basic"] == "" and float(rows["chi"]["total"]) == 0
    assert rows["an"][f"{MODULE}/gx_sum/test_add_basic"] == "1.0"  # a graded learner keeps numbers
    assert _report(grading_course).get("chi", 0) == 0

    # the failed one is not retried while it is the same file; --force grades everyone again
    assert _autograde(grading_course)["results"] == []
    forced = _autograde(grading_course, "--force")
    assert sorted((r["learner"], r["ok"]) for r in forced["results"]) == [
        ("an", True),
        ("binh", True),
        ("chi", False),
    ]
    assert _gradebook(grading_course) == {"an": 3, "binh": 3, "chi": 0}


def _hocso(capsys, monkeypatch, *args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    """`hocso ARGS` as typed, in this process (exit code, stderr)."""
    for name, value in (env or {}).items():
        monkeypatch.setenv(name, value)
    capsys.readouterr()
    with pytest.raises(SystemExit) as exit_:
        main(list(args))
        raise SystemExit(0)
    return int(exit_.value.code or 0), capsys.readouterr().err


def test_a_never_released_module_draws_no_progress_bar_before_its_error(grading_course, capsys, monkeypatch):
    code, err = _hocso(
        capsys,
        monkeypatch,
        "grade",
        "autograde",
        "m01",
        "--allow-weak-sandbox",
        "--course",
        str(grading_course.root),
    )
    assert code != 0
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "m01" in lines[0] and "hocso grade release" in lines[0], err
    assert t("graders.autograde.progress", "vi") not in err  # the course's language, vi


def test_a_language_that_is_not_offered_is_one_clean_line(grading_course, capsys, monkeypatch):
    code, err = _hocso(
        capsys,
        monkeypatch,
        "grade",
        "release",
        MODULE,
        "--language",
        "fr",
        "--course",
        str(grading_course.root),
    )
    assert code == 2 and "('vi', 'en')" not in err and "'fr'" in err, err
    code, err = _hocso(
        capsys, monkeypatch, "grade", "export", "--course", str(grading_course.root), env={"HOCSO_LANG": "fr"}
    )
    assert code == 1 and err.strip().splitlines() == [err.strip()] and "HOCSO_LANG='fr'" in err, err


def test_release_refuses_points_that_do_not_add_up(grading_course, capsys, monkeypatch):
    toml = grading_course.config_dir / "course.toml"
    text = toml.read_text(encoding="utf-8")
    cut = text.rindex("points = 3\n")  # module gx, the last one
    toml.write_text(text[:cut] + "points = 5\n" + text[cut + len("points = 3\n") :], encoding="utf-8")
    code, err = _hocso(capsys, monkeypatch, "grade", "release", MODULE, "--course", str(grading_course.root))
    assert code == 2 and err.strip().splitlines() == [err.strip()]
    assert "points = 5" in err and "points = 3" in err, err


def test_every_timeout_is_listed_and_results_come_as_they_finish(grading_course):
    from hocso.graders.autograde import autograde_submissions
    from hocso.graders.sandbox import Limits

    from .conftest import submit

    submit(grading_course, "a_slow", "def add(a, b):\n    while True:\n        pass")  # both tests time out
    submit(grading_course, "b_fast", CORRECT)
    finished: list[str] = []
    summary = autograde_submissions(
        grading_course,
        MODULE,
        workers=2,
        limits=Limits(cell_timeout=3),
        on_result=lambda result: finished.append(result.learner),
        allow_weak_sandbox=True,
    )
    assert finished == ["b_fast", "a_slow"]  # the bar counts b_fast while a_slow still runs
    slow = next(r for r in summary.results if r.learner == "a_slow")
    assert not slow.ok and "test_add_basic" in slow.reason and "test_add_hidden" in slow.reason, slow.reason


def test_a_new_submission_through_the_exchange_is_regraded_without_flags(
    grading_course, tmp_path: Path, monkeypatch
):
    from hocso.lab.exchange import fetch, release_to_exchange, submit

    monkeypatch.setenv("HOCSO_LANG", "en")
    release_to_exchange(grading_course, MODULE)
    folders = {}
    for learner, body in (("an", WRONG), ("binh", CORRECT)):
        folders[learner] = fetch(grading_course, MODULE, learner, tmp_path / learner)
        (folders[learner] / NOTEBOOK).write_text(_notebook(grading_course, body), encoding="utf-8")
        submit(grading_course, MODULE, learner, folders[learner], tmp_path / "cache")
    _run("grade", "collect", MODULE, "--course", str(grading_course.root))
    assert {r["learner"]: r["score"] for r in _autograde(grading_course)["results"]} == {"an": 0, "binh": 3}

    (folders["an"] / NOTEBOOK).write_text(_notebook(grading_course, CORRECT), encoding="utf-8")
    submit(grading_course, MODULE, "an", folders["an"], tmp_path / "cache")
    _run("grade", "collect", MODULE, "--course", str(grading_course.root))
    again = _autograde(grading_course)
    assert [(r["learner"], r["score"]) for r in again["results"]] == [("an", 3)] and again["skipped"] == [
        "binh"
    ]
    assert _gradebook(grading_course) == {"an": 3, "binh": 3}
