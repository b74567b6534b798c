"""Write a CompetenceReport as CSV files, an XLSX workbook, one HTML file or a PDF.

CSV and XLSX carry the same tables with the same numbers (headers in the report's language); CSV is
written with a BOM because Excel, which most units open it with, otherwise garbles Vietnamese. The
PDF is the HTML page printed by headless Chromium, the one converter that renders Vietnamese text and
SVG faithfully offline; without Chromium `write_pdf` raises PdfConverterMissing saying what to do.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Literal

import pandas as pd

from hocso.chromium import PdfConversionFailed, PdfConverterMissing, find_chromium, print_pdf
from hocso.config import LanguageCode
from hocso.i18n import t
from hocso.reports.html import localized_table, render_html
from hocso.reports.summary import CompetenceReport

__all__ = [
    "FORMATS",
    "PdfConversionFailed",
    "PdfConverterMissing",
    "find_chromium",
    "write_csv",
    "write_html",
    "write_pdf",
    "write_report",
    "write_xlsx",
]

Format = Literal["html", "csv", "xlsx", "pdf"]
FORMATS: tuple[Format, ...] = ("html", "csv", "xlsx", "pdf")


def write_report(
    report: CompetenceReport, format: Format, out: Path, language: LanguageCode, gradebook: str = ""
) -> Path:
    """Write `report` in `format` to `out` (a folder for csv, a file otherwise); return what was written."""
    if format == "csv":
        return write_csv(report, out, language)
    if format == "xlsx":
        return write_xlsx(report, out, language)
    if format == "pdf":
        return write_pdf(report, out, language, gradebook)
    return write_html(report, out, language, gradebook)


def write_csv(report: CompetenceReport, folder: Path, language: LanguageCode) -> Path:
    """One CSV per table (learners.csv, profile.csv, by_unit.csv, ...) in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, table in report.tables().items():
        localized_table(_exportable(table), language).to_csv(
            folder / f"{name}.csv", index=False, encoding="utf-8-sig"
        )
    return folder


def write_xlsx(report: CompetenceReport, path: Path, language: LanguageCode) -> Path:
    """One sheet per table, in the order of `report.tables()`; streamed so 10,000 learners fit in memory."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    for name, table in report.tables().items():
        sheet = workbook.create_sheet(t(f"reports.sheets.{name}", language)[:31])
        frame = localized_table(_exportable(table), language)
        sheet.append(list(frame.columns))
        # native Python values: openpyxl type-checks every cell, and numpy scalars take its slow path
        values = frame.astype(object).where(frame.notna(), None).to_numpy().tolist()
        for row in values:
            sheet.append(row)
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path


def write_html(report: CompetenceReport, path: Path, language: LanguageCode, gradebook: str = "") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_html(report, language, gradebook), encoding="utf-8")
    return path


def write_pdf(
    report: CompetenceReport, path: Path, language: LanguageCode, gradebook: str = "", timeout: float = 120
) -> Path:
    with tempfile.TemporaryDirectory(prefix="hocso-report-") as scratch:
        page = write_html(report, Path(scratch) / "report.html", language, gradebook)
        return print_pdf(page, path, language, timeout)


def _exportable(table: pd.DataFrame) -> pd.DataFrame:
    """Plain values for files: booleans as 0/1 so CSV and XLSX read back identically."""
    return table.astype({c: "int64" for c in table.columns if table[c].dtype == bool})
