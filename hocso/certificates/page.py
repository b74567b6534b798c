"""The one-page certificate (A4, printable, offline): HTML with an inline QR code, and its PDF.

Everything is inside the one HTML file (styles, the QR code as SVG), so it prints the same on any
machine without a network; the PDF is that page printed by headless Chromium.
"""

from __future__ import annotations

import html
from pathlib import Path

import segno

from hocso.certificates.signing import CertificateFacts, short_reference
from hocso.chromium import print_pdf
from hocso.config import Course, LanguageCode
from hocso.i18n import t

STYLE = """
@page { size: A4; margin: 14mm; }
body { font-family: "Noto Serif", "Noto Sans", serif; color: #1b2a41; margin: 0; }
.sheet { border: 3px double #1b4f8a; padding: 10mm 12mm; min-height: 250mm; box-sizing: border-box; }
h1 { text-align: center; letter-spacing: 0.2em; margin: 4mm 0 0; font-size: 28pt; color: #1b4f8a; }
.subtitle { text-align: center; font-size: 13pt; margin: 2mm 0 8mm; }
.name { text-align: center; font-size: 24pt; font-weight: bold; margin: 3mm 0; }
.course { text-align: center; font-size: 15pt; margin: 2mm 0 6mm; }
.facts td { padding: 1mm 3mm; font-size: 11pt; }
table.levels { border-collapse: collapse; margin: 2mm 0 4mm; width: 100%; }
table.levels th, table.levels td { border: 1px solid #9db3cf; padding: 1.2mm 2mm; font-size: 10pt; text-align: left; }
ul.modules { columns: 2; font-size: 10pt; margin: 1mm 0 4mm; }
.verify { display: flex; gap: 6mm; align-items: flex-start; margin-top: 6mm; }
.verify svg { width: 42mm; height: 42mm; flex: none; }
.code { font-family: "Noto Sans Mono", monospace; font-size: 6.5pt; word-break: break-all; color: #44546a; }
"""


def certificate_html(course: Course, facts: CertificateFacts, code: str, language: LanguageCode) -> str:
    """The certificate page in `language` only."""
    framework = course.framework
    group = next((g for g in framework.groups if g.id == facts.group), None)
    group_name = getattr(group.name, language) if group else facts.group
    titles = {m.id: getattr(m.title, language) for m in course.modules}
    levels = {level.number: level for level in framework.levels}
    domains = {d.code: getattr(d.name, language) for d in framework.domains}
    rows = "".join(
        f"<tr><td>{_e(code_)} {_e(domains.get(code_, ''))}</td>"
        f"<td>{number} ({_e(levels[number].code)}: {_e(getattr(levels[number].name, language))})</td></tr>"
        for code_, number in sorted(facts.levels.items())
        if number in levels
    )
    modules = "".join(f"<li>{_e(titles.get(m, m))}</li>" for m in facts.modules)
    qr = segno.make(code, error="m").svg_inline(scale=2, border=2)
    text = lambda key: _e(t(f"certificate.page.{key}", language))  # noqa: E731
    return f"""<!DOCTYPE html>
<html lang="{language}"><head><meta charset="utf-8"><title>{text("title")} — {_e(facts.name)}</title>
<style>{STYLE}</style></head>
<body><div class="sheet">
<h1>{text("title")}</h1>
<p class="subtitle">{text("subtitle")}</p>
<p style="text-align:center">{text("awarded_to")}</p>
<p class="name">{_e(facts.name)}</p>
<table class="facts" style="margin:0 auto"><tr><td>{text("unit")}:</td><td>{_e(facts.unit)}</td></tr>
<tr><td>{text("group")}:</td><td>{_e(group_name)}</td></tr></table>
<p class="course">{text("completed")} <b>{_e(getattr(course.info.title, language))}</b></p>
<h3>{text("levels")}</h3>
<table class="levels"><tr><th>{text("domain")}</th><th>{text("level")}</th></tr>{rows}</table>
<h3>{text("modules")}</h3>
<ul class="modules">{modules}</ul>
<p>{text("issued")}: <b>{_e(facts.issued)}</b> · {text("reference")}: <b>{short_reference(code)}</b></p>
<div class="verify">{qr}<div><p>{text("how_to_verify")}</p><p class="code">{_e(code)}</p></div></div>
</div></body></html>
"""


def write_certificate(
    course: Course,
    facts: CertificateFacts,
    code: str,
    language: LanguageCode,
    html_path: Path,
    pdf: bool = True,
    timeout: float = 120,
) -> list[Path]:
    """Write the HTML page (and its PDF beside it when `pdf`); the paths written."""
    html_path.parent.mkdir(parents=True, exist_ok=True)
    html_path.write_text(certificate_html(course, facts, code, language), encoding="utf-8")
    written = [html_path]
    if pdf:
        written.append(print_pdf(html_path, html_path.with_suffix(".pdf"), language, timeout))
    return written


def _e(text: str) -> str:
    return html.escape(text, quote=True)
