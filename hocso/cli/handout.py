"""`hocso handout`: the take-home page of each module, as HTML or PDF, in the course language."""

from __future__ import annotations

from pathlib import Path

import click

from hocso.cli.options import course_option, format_option, language_option, out_option
from hocso.config import LanguageCode, load_course
from hocso.handouts import FORMATS, Format, write_handouts
from hocso.i18n import t

DEFAULTS = write_handouts.__kwdefaults__ or {}  # the CLI's defaults are the API's


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("modules", nargs=-1)
@course_option
@language_option("the pages")
@format_option(FORMATS, DEFAULTS["format"])
@out_option(Path("handouts"), "Folder for the pages: <module>-<language>.html (and .pdf).", folder=True)
def handout(
    modules: tuple[str, ...],
    course_path: Path | None,
    language: LanguageCode | None,
    format_: Format,
    out: Path,
) -> None:
    """One printable A4 page per module (rules, warning signs, whom to call) for learners' families.

    \b
    Examples:
        hocso handout                      # every module, in the course language, as HTML
        hocso handout m04 m06 --format pdf # two modules, printed by Chromium
        hocso handout --language en --out handouts-en/
    """
    course = load_course(course_path)
    language = language or course.info.default_language
    chosen = (
        [course.module(m) for m in modules] if modules else [m for m in course.modules if m.kind == "module"]
    )
    written = write_handouts(course, chosen, language, out, format=format_)
    click.echo(t("handout.cli.written", language, count=len(written), folder=out))
