"""Certificates: who earns one on each group's path, and a code that verifies only as it was signed."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
import segno

from hocso.certificates.award import group_paths, standings
from hocso.certificates.page import write_certificate
from hocso.certificates.scan import code_from_image
from hocso.certificates.signing import (
    CertificateInvalid,
    key_path,
    load_public_key,
    public_key_pem,
    sign,
    signing_key,
    verify,
)
from hocso.config import load_course
from hocso.reports.levels import exercises_in_reach
from hocso.reports.scores import SCORE_COLUMNS, exercise_table
from hocso.roster import parse_roster

REPO = Path(__file__).resolve().parents[1]
COURSE = load_course(REPO)
GROUPS = COURSE.framework.group_ids
ISSUED = date(2026, 12, 2)
PATHS = group_paths(COURSE)


def _roster():
    lines = ["learner_id,name,group,unit"]
    for group in GROUPS:
        lines += [
            f"{group}-full,Nguyễn Văn {group.title()},{group},Đại đội 1",
            f"{group}-half,Trần Thị {group.title()},{group},Đại đội 2",
            f"{group}-gap,Lê Minh {group.title()},{group},Đại đội 2",
        ]
    return parse_roster("\n".join(lines), "roster.csv", GROUPS)


def _scores() -> pd.DataFrame:
    """Every item of the group's path right (full), half of each item (half), one module left out (gap)."""
    exercises = exercise_table(COURSE)
    reach = exercises_in_reach(COURSE, exercises[exercises["kind"] == "module"])
    rows = []
    for group in GROUPS:
        mine = reach[reach["group"] == group]
        skipped = PATHS[group][-1]
        for item in mine.itertuples(index=False):
            base = {
                "module": item.module,
                "notebook": item.notebook,
                "grade_id": item.grade_id,
                "max_points": item.max_points,
                "competence": item.competence,
                "awaiting": False,  # scored, not waiting for a person
            }
            rows.append({**base, "learner_id": f"{group}-full", "points": item.max_points})
            rows.append({**base, "learner_id": f"{group}-half", "points": item.max_points / 2})
            if item.module != skipped:
                rows.append({**base, "learner_id": f"{group}-gap", "points": item.max_points})
    return pd.DataFrame(rows, columns=list(SCORE_COLUMNS))


@pytest.fixture(scope="module")
def standing_by_learner():
    return {s.learner_id: s for s in standings(COURSE, _scores(), _roster(), ISSUED)}


@pytest.mark.parametrize("group", GROUPS)
def test_every_item_right_on_a_groups_path_earns_a_certificate_that_verifies(standing_by_learner, group):
    full = standing_by_learner[f"{group}-full"]
    assert full.earned and full.score == pytest.approx(1.0) and full.missing_modules == ()
    assert full.facts is not None
    assert full.facts.modules == PATHS[group] and full.facts.group == group
    assert full.facts.levels  # a level per assessed domain
    key = signing_key(COURSE)
    assert verify(sign(full.facts, key), key.public_key()) == full.facts


@pytest.mark.parametrize("group", GROUPS)
def test_below_the_pass_mark_or_a_module_missing_earns_none(standing_by_learner, group):
    half, gap = standing_by_learner[f"{group}-half"], standing_by_learner[f"{group}-gap"]
    assert not half.earned and half.score == pytest.approx(0.5) and half.facts is None
    assert not gap.earned and gap.missing_modules == (PATHS[group][-1],)


def test_a_groups_path_follows_its_target_levels():
    """Groups with lower targets get no more modules than those with higher ones, in course order."""
    order = [m.id for m in COURSE.modules]
    for group in GROUPS:
        path = PATHS[group]
        assert path and list(path) == sorted(path, key=order.index)


@pytest.mark.parametrize("field", ["name", "unit", "group", "issued", "levels", "modules"])
def test_changing_any_field_of_a_signed_certificate_fails_verification(standing_by_learner, field):
    """As a forger would: decode the code, change one fact, put the old signature back."""
    facts = standing_by_learner["citizens-full"].facts
    key = signing_key(COURSE)
    prefix, _payload, signature = sign(facts, key).split(".")
    changed = {
        "name": replace(facts, name=facts.name + "h"),
        "unit": replace(facts, unit="Đại đội 9"),
        "group": replace(facts, group="leaders"),
        "issued": replace(facts, issued="2020-01-01"),
        "levels": replace(facts, levels={**facts.levels, **{d: 8 for d in facts.levels}}),
        "modules": replace(facts, modules=facts.modules[:-1]),
    }[field]
    forged_payload = base64.b32encode(changed.payload()).decode().rstrip("=")
    with pytest.raises(CertificateInvalid) as refused:
        verify(".".join((prefix, forged_payload, signature)), key.public_key())
    assert refused.value.why == "bad_signature"


@pytest.mark.parametrize(
    "code",
    ["HS1.AAAA.BBBB", "HS1." + "A" * 40 + "." + "B" * 103, "random text", "", "HS1.!!.??"],
)
def test_a_random_code_fails(code):
    with pytest.raises(CertificateInvalid):
        verify(code, signing_key(COURSE).public_key())


def test_another_courses_key_does_not_verify(standing_by_learner, tmp_path, monkeypatch):
    facts = standing_by_learner["leaders-full"].facts
    code = sign(facts, signing_key(COURSE))
    monkeypatch.setenv("HOCSO_HOME", str(tmp_path / "elsewhere"))  # another machine: its own course key
    with pytest.raises(CertificateInvalid):
        verify(code, signing_key(COURSE).public_key())


def test_the_key_is_made_once_outside_the_repository_and_private(tmp_path, monkeypatch):
    monkeypatch.setenv("HOCSO_HOME", str(tmp_path / "home"))
    first = public_key_pem(COURSE)
    assert public_key_pem(COURSE) == first  # kept, not remade
    path = key_path(COURSE)
    assert REPO not in path.parents and tmp_path in path.parents
    assert oct(path.stat().st_mode & 0o777) == "0o600" and oct(path.parent.stat().st_mode & 0o777) == "0o700"
    assert load_public_key(first)


def test_the_qr_code_holds_the_code_and_no_learner_id(standing_by_learner, tmp_path):
    facts = standing_by_learner["soldiers-full"].facts
    code = sign(facts, signing_key(COURSE))
    image = tmp_path / "photo.png"
    segno.make(code, error="m").save(image, scale=4)
    assert code_from_image(image) == code
    payload = json.loads(base64.b32decode(code.split(".")[1] + "=" * (-len(code.split(".")[1]) % 8)))
    assert set(payload) == {"c", "n", "u", "g", "d", "m", "l"}  # no learner id, e-mail or scores
    assert "soldiers-full" not in json.dumps(payload)
    assert code_from_image(tmp_path / "missing.png") is None


@pytest.mark.slow
def test_the_page_and_its_pdf_in_vietnamese_only(standing_by_learner, tmp_path):
    facts = standing_by_learner["staff-full"].facts
    code = sign(facts, signing_key(COURSE))
    html_path, pdf_path = write_certificate(COURSE, facts, code, "vi", tmp_path / "staff-full.html")
    page = html_path.read_text()
    assert "GIẤY CHỨNG NHẬN" in page and facts.name in page and code in page and "<svg" in page
    for english in ("CERTIFICATE", "Issued on", "Modules completed", "This certifies"):
        assert english not in page
    assert "http://" not in page.replace("http://www.w3.org/2000/svg", "") and "https://" not in page
    assert pdf_path.read_bytes().startswith(b"%PDF") and pdf_path.stat().st_size > 5_000


@pytest.mark.slow
def test_issue_and_verify_from_the_command_line(tmp_path):
    """`hocso certificate issue` from a real gradebook, then `verify` with the code and with a photo."""
    from hocso.reports.synthetic import build_synthetic_cohort

    cohort = build_synthetic_cohort(
        tmp_path, REPO / "course_config" / "framework.toml", learners=40, units=2, modules=3
    )
    env = dict(os.environ, HOCSO_HOME=str(tmp_path / "home"))
    base = [sys.executable, "-m", "hocso", "certificate"]
    course = ["--course", str(cohort.course.root)]
    issue = [
        *base,
        "issue",
        *course,
        "--roster",
        str(cohort.roster_path),
        "--gradebook",
        cohort.gradebook_url,
    ]
    issue += ["--out", str(tmp_path / "out"), "--no-pdf", "--language", "en"]
    done = subprocess.run(issue, capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    pages = sorted((tmp_path / "out").glob("*.html"))
    assert pages, done.stdout
    assert f"Issued {len(pages)} certificates" in done.stdout and "has not earned it yet" in done.stdout
    code = next(line for line in pages[0].read_text().splitlines() if 'class="code"' in line)
    code = code.split('class="code">')[1].split("<")[0]
    ok = subprocess.run(
        [*base, "verify", code, *course, "--language", "vi"], capture_output=True, text=True, env=env
    )
    assert ok.returncode == 0 and ok.stdout.startswith("HỢP LỆ"), ok.stderr
    photo = tmp_path / "photo.png"
    segno.make(code, error="m").save(photo, scale=5)
    by_photo = subprocess.run([*base, "verify", str(photo), *course], capture_output=True, text=True, env=env)
    assert by_photo.returncode == 0 and by_photo.stdout == ok.stdout
    tampered = code[:-6] + ("A" if code[-6] != "A" else "B") + code[-5:]
    bad = subprocess.run(
        [*base, "verify", tampered, *course, "--language", "en"], capture_output=True, text=True, env=env
    )
    assert bad.returncode == 1 and "NOT VALID" in bad.stderr and "Traceback" not in bad.stderr
