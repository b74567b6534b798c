"""Exports: CSV and XLSX hold the same numbers, the HTML report opens offline in Chromium, PDF when possible."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from hocso.cli import main
from hocso.i18n import t
from hocso.reports.export import find_chromium, write_csv, write_html, write_pdf, write_xlsx
from hocso.reports.summary import CompetenceReport, build_report
from hocso.reports.synthetic import SyntheticCohort


@pytest.fixture(scope="module")
def report(cohort: SyntheticCohort, scores: pd.DataFrame) -> CompetenceReport:
    return build_report(cohort.course, scores, cohort.roster)


@pytest.mark.parametrize(("language", "group"), [("vi", None), ("en", "staff")])
def test_xlsx_holds_the_same_numbers_as_the_csv(
    cohort: SyntheticCohort, scores: pd.DataFrame, tmp_path: Path, language: str, group: str | None
) -> None:
    report = build_report(cohort.course, scores, cohort.roster, group=group)
    folder = write_csv(report, tmp_path / "csv", language)
    workbook = load_workbook(write_xlsx(report, tmp_path / "report.xlsx", language), read_only=True)
    names = list(report.tables())
    assert workbook.sheetnames == [t(f"reports.sheets.{name}", language) for name in names]
    for name, sheet in zip(names, workbook.worksheets, strict=True):
        from_csv = pd.read_csv(folder / f"{name}.csv", encoding="utf-8-sig", dtype={"Mã học viên": str})
        rows = list(sheet.values)
        from_xlsx = pd.DataFrame(rows[1:], columns=rows[0])
        assert list(from_xlsx.columns) == list(from_csv.columns)
        assert len(from_xlsx) == len(from_csv) == len(report.tables()[name])
        for column in from_csv.columns:
            if pd.api.types.is_numeric_dtype(from_csv[column]):
                assert from_xlsx[column].astype(float).to_numpy() == pytest.approx(
                    from_csv[column].astype(float).to_numpy(), nan_ok=True
                ), (name, column)
            else:
                assert (
                    from_xlsx[column].fillna("").astype(str).tolist()
                    == from_csv[column].fillna("").astype(str).tolist()
                )
    header = pd.read_csv(folder / "profile.csv", encoding="utf-8-sig", nrows=0).columns
    assert t("reports.columns.level", language) in header
    assert (
        (folder / "profile.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    )  # Excel needs the BOM for Vietnamese


def test_csv_numbers_are_the_report_numbers(report: CompetenceReport, tmp_path: Path) -> None:
    folder = write_csv(report, tmp_path / "csv", "en")
    by_group = pd.read_csv(folder / "by_group.csv", encoding="utf-8-sig")
    assert by_group["Mean score"].to_numpy() == pytest.approx(report.by_group["mean_score"].to_numpy())
    assert by_group["Below target"].sum() == report.profile["below_target"].sum()


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("language", ["vi", "en"])
def test_html_report_opens_offline_in_chromium_without_errors(
    report: CompetenceReport, tmp_path: Path, browser, language: str
) -> None:
    page_path = write_html(report, tmp_path / "report.html", language, gradebook="synthetic")
    text = page_path.read_text(encoding="utf-8")
    assert (
        "http://" not in text and "https://" not in text and "<script" not in text
    )  # nothing to fetch or run
    problems: list[str] = []
    requests: list[str] = []
    context = browser.new_context(offline=True)
    try:
        page = context.new_page()
        page.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None)
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.on("request", lambda r: requests.append(r.url))
        page.goto(page_path.as_uri(), wait_until="load")
        assert page.title() == t("reports.html.title", language, course=report.course.info.title(language))
        images = page.locator("figure img")
        assert images.count() >= 5
        widths = images.evaluate_all("imgs => imgs.map(i => i.complete ? i.naturalWidth : 0)")
        assert all(w > 100 for w in widths), widths  # every plot decoded
        assert page.locator("h2", has_text=t("reports.html.gain_heading", language)).count() == 1
        assert page.locator("table").count() >= 5
    finally:
        context.close()
    assert problems == []
    assert all(url.startswith(("file:", "data:")) for url in requests), requests


@pytest.mark.slow
def test_pdf_is_printed_by_chromium(
    report: CompetenceReport, tmp_path: Path, chromium_executable: str
) -> None:
    assert find_chromium() is not None
    pdf = write_pdf(report, tmp_path / "report.pdf", "vi")
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 10_000


def test_pdf_without_chromium_says_what_to_do(report: CompetenceReport, tmp_path: Path, monkeypatch) -> None:
    from hocso.reports.export import PdfConverterMissing

    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(PdfConverterMissing, match="chromium"):
        write_pdf(report, tmp_path / "report.pdf", "en")


def test_cli_writes_every_format(cohort: SyntheticCohort, tmp_path: Path) -> None:
    base = [
        sys.executable,
        "-m",
        "hocso",
        "report",
        "--course",
        str(cohort.course.root),
        "--roster",
        str(cohort.roster_path),
        "--gradebook",
        cohort.gradebook_url,
        "--language",
        "en",
    ]
    for fmt, out in (("csv", tmp_path / "csv"), ("xlsx", tmp_path / "r.xlsx"), ("html", tmp_path / "r.html")):
        result = subprocess.run(
            [*base, "--format", fmt, "--out", str(out), "--unit", "Đơn vị 05"],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        assert f"Report written: {out}" in result.stdout
    assert (tmp_path / "csv" / "profile.csv").is_file()
    profile = pd.read_csv(tmp_path / "csv" / "profile.csv", encoding="utf-8-sig")
    assert set(profile["Unit"]) == {"Đơn vị 05"}


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--group", "sailors"], "group 'sailors'"),
        (["--roster", "/nonexistent/roster.csv"], "does not exist"),
        (["--gradebook", "sqlite:////nonexistent/gradebook.db"], "no gradebook at"),
        (["--module", "m99"], "unknown module 'm99'"),
    ],
)
def test_cli_user_errors_are_one_line(
    cohort: SyntheticCohort, extra: list[str], message: str, capsys
) -> None:
    args = [
        "--course",
        str(cohort.course.root),
        "--roster",
        str(cohort.roster_path),
        "--gradebook",
        cohort.gradebook_url,
    ]
    with pytest.raises(SystemExit) as exit_:
        main(["report", *args, *extra])
    assert exit_.value.code in (1, 2)
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1


def test_cli_without_a_roster_names_the_default_path(cohort: SyntheticCohort, capsys) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["report", "--course", str(cohort.course.root), "--language", "en"])
    err = capsys.readouterr().err
    assert exit_.value.code == 1 and "No roster at" in err and "--roster" in err
