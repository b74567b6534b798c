"""Headless Debian Chromium: its flags (shared by PDF printing, the browser tests and the benchmarks),
finding it, and printing one HTML file to PDF (reports, certificates and handouts all print here).

Quiet and offline: no sandbox (CI runs as root), no GPU, no background traffic to Google services,
so a page only ever talks to the server under test.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from hocso.config.models import LanguageCode
from hocso.errors import HocsoError

__all__ = [
    "CHROMIUM_ENV",
    "HEADLESS_FLAGS",
    "PRINT_FLAGS",
    "PdfConversionFailed",
    "PdfConverterMissing",
    "find_chromium",
    "print_pdf",
]

HEADLESS_FLAGS: tuple[str, ...] = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)

CHROMIUM_ENV = "HOCSO_CHROMIUM"
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
PRINT_FLAGS: tuple[str, ...] = (*HEADLESS_FLAGS, "--no-pdf-header-footer")


class PdfConverterMissing(HocsoError):
    """No Chromium to print an HTML page to PDF."""


class PdfConversionFailed(HocsoError):
    """Chromium ran but produced no PDF."""


def find_chromium() -> str | None:
    """$HOCSO_CHROMIUM if it names a file, else the first Chromium on PATH."""
    if env := os.environ.get(CHROMIUM_ENV):
        return env if Path(env).is_file() else None
    for name in CHROMIUM_NAMES:
        if found := shutil.which(name):
            return found
    return None


def print_pdf(page: Path, pdf_path: Path, language: LanguageCode, timeout: float = 120) -> Path:
    """`page` (a local HTML file) printed to `pdf_path` by headless Chromium; errors in `language`."""
    from hocso.i18n import t  # the i18n catalog is only needed when printing

    chromium = find_chromium()
    if chromium is None:
        raise PdfConverterMissing(t("reports.cli.no_pdf", language))
    pdf_path = pdf_path.resolve()
    pdf_path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="hocso-pdf-") as scratch:
        command = [
            chromium,
            *PRINT_FLAGS,
            f"--user-data-dir={scratch}/profile",
            f"--print-to-pdf={pdf_path}",
            page.resolve().as_uri(),
        ]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            why = f"timed out after {timeout:g} s"
            raise PdfConversionFailed(t("reports.cli.pdf_failed", language, reason=why)) from None
    if not pdf_path.is_file() or pdf_path.stat().st_size == 0:
        reason = (done.stderr.strip().splitlines() or [f"exit code {done.returncode}"])[-1]
        raise PdfConversionFailed(t("reports.cli.pdf_failed", language, reason=reason))
    return pdf_path
