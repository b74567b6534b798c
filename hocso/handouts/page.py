"""One A4 page per module to take home: large type, black on white, no network, prints in greyscale.

Everything is inside the one HTML file (no fonts, images or scripts fetched), so the page looks the
same printed from any machine; the PDF is that page printed by headless Chromium (hocso.chromium).
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

from hocso.chromium import print_pdf
from hocso.config import Course, LanguageCode, Module
from hocso.handouts.model import Handout, HandoutError, handout_path, load_handout
from hocso.i18n import t

Format = Literal["html", "pdf"]
FORMATS: tuple[Format, ...] = ("html", "pdf")

# Sizes for older readers: body text 13.5 pt (newspaper text is about 9 pt), thick rules instead of
# colour so a black-and-white copy keeps every distinction; the page never spills onto a second sheet.
STYLE = """
@page { size: A4; margin: 12mm 14mm; }
* { box-sizing: border-box; }
html, body { margin: 0; background: #fff; color: #000; }
body { font-family: "Noto Sans", "DejaVu Sans", "Liberation Sans", Arial, sans-serif; font-size: 13.5pt;
       line-height: 1.27; }
.sheet { min-height: 262mm; display: flex; flex-direction: column; }
header { border-bottom: 3pt solid #000; padding-bottom: 2mm; margin-bottom: 3mm; }
.kicker { font-size: 11pt; text-transform: uppercase; letter-spacing: 0.08em; margin: 0; }
h1 { font-size: 22pt; line-height: 1.15; margin: 1mm 0 0; }
h2 { font-size: 15pt; margin: 2.5mm 0 1mm; padding: 0.8mm 2mm; border-left: 6pt solid #000; }
h2.flags { background: #000; color: #fff; border-left: 0; }
ul, ol { margin: 0; padding-left: 8mm; }
li { margin: 0 0 0.8mm; }
ul.flags li { list-style: none; margin-left: -6mm; }
ul.flags li::before { content: "⚠ "; font-weight: bold; }
table.contacts { border-collapse: collapse; width: 100%; margin-top: 1mm; }
table.contacts td { border: 1.5pt solid #000; padding: 1.2mm 2.5mm; vertical-align: top; }
table.contacts td.value { font-size: 16pt; font-weight: bold; white-space: nowrap; width: 1%; }
.remember { margin-top: auto; border: 3pt solid #000; padding: 2.5mm 4mm; font-size: 15pt;
            font-weight: bold; }
footer { font-size: 10pt; margin-top: 2mm; }
"""


def handout_html(course: Course, module: Module, handout: Handout, language: LanguageCode) -> str:
    """The module's page in `language` only, or HandoutError if the handout has no text in it."""
    text = handout.text(language)
    path = handout_path(course.notebooks_dir, module.id)
    if text is None:
        raise HandoutError(t("handout.errors.no_language", language, path=path, language=language))
    chrome = lambda key, **values: _e(t(f"handout.page.{key}", language, **values))  # noqa: E731
    number = module.id.lstrip("m").lstrip("0") or module.id
    contacts = "".join(
        f'<tr><td class="value">{_e(c.value)}</td><td>{_e(c.label(language))}</td></tr>'
        for c in handout.contacts
    )
    contacts_part = (
        f'<h2>{chrome("contacts")}</h2><table class="contacts">{contacts}</table>' if handout.contacts else ""
    )
    return f"""<!DOCTYPE html>
<html lang="{language}"><head><meta charset="utf-8">
<title>{_e(text.title)}</title><style>{STYLE}</style></head>
<body><div class="sheet">
<header><p class="kicker">{chrome("kicker", number=number)} · {_e(module.title(language))}</p>
<h1>{_e(text.title)}</h1></header>
<h2>{chrome("rules")}</h2><ol class="rules">{_items(text.rules)}</ol>
<h2 class="flags">{chrome("red_flags")}</h2><ul class="flags">{_items(text.red_flags)}</ul>
<h2>{chrome("what_to_do")}</h2><ol class="steps">{_items(text.what_to_do)}</ol>
{contacts_part}
<p class="remember">{chrome("remember")}: {_e(text.remember)}</p>
<footer>{chrome("footer", course=course.info.title(language))}</footer>
</div></body></html>
"""


def write_handouts(
    course: Course,
    modules: Sequence[Module],
    language: LanguageCode,
    out: Path,
    *,
    format: Format = "html",
    timeout: float = 120,
) -> list[Path]:
    """`<module>-<language>.html` (and `.pdf` beside it for format pdf) in `out`; the paths written."""
    allowed = course.info.languages
    if language not in allowed:
        raise HandoutError(
            t(
                "handout.errors.language_not_in_course",
                course.info.default_language,
                language=language,
                allowed=", ".join(allowed),
            )
        )
    pages = [
        (
            module,
            handout_html(
                course, module, load_handout(handout_path(course.notebooks_dir, module.id)), language
            ),
        )
        for module in modules
    ]  # every page is built before any is written, so a bad handout leaves no half-written folder
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for module, page in pages:
        html_path = out / f"{module.id}-{language}.html"
        html_path.write_text(page, encoding="utf-8")
        written.append(html_path)
        if format == "pdf":
            written.append(print_pdf(html_path, html_path.with_suffix(".pdf"), language, timeout))
    return written


def _items(lines: Sequence[str]) -> str:
    return "".join(f"<li>{_e(line)}</li>" for line in lines)


def _e(text: str) -> str:
    return html.escape(text, quote=True)
