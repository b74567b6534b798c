"""`hocso results`: a unit's results as small signed bundles, merged and reported at the centre."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from hocso.cli.options import (
    course_option,
    format_option,
    gradebook_option,
    language_option,
    out_option,
    roster_option,
    unit_option,
)
from hocso.config import LanguageCode, gradebook_url, load_course
from hocso.i18n import t
from hocso.reports.export import FORMATS, Format, write_report

DB_OPTION = click.option(
    "--db",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The centre's results store (default: <runtime home>/centre/<course>.sqlite).",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def results() -> None:
    """Results from units to the centre, over any link: small signed files, merged idempotently.

    \b
    At a unit:    hocso results key > unit-key.pem            (once: send it to the centre)
                  hocso results export --unit "Đại đội 1"     (a few kB: USB stick, e-mail)
    At the centre: hocso results trust unit-key.pem --label "Đại đội 1"
                  hocso results import dd1-results.hocso ...
                  hocso results report --format html
    """


@results.command("key")
@course_option
def key(course_path: Path | None) -> None:
    """Print this server's public results key (PEM), for the centre to trust once."""
    from hocso import keys
    from hocso.results.bundle import signing_key

    click.echo(keys.public_pem(signing_key(load_course(course_path))), nl=False)


@results.command("export")
@course_option
@unit_option("The unit to export (default: every unit on the roster, a file each).")
@roster_option()
@gradebook_option
@out_option(Path("."), "Folder for the bundles: <course>-<unit>.hocso-results.", folder=True)
def export(
    course_path: Path | None, unit: str | None, roster_path: Path | None, gradebook: str | None, out: Path
) -> None:
    """Write one signed bundle per unit: learners, groups, points per item, level per competence."""
    from hocso.reports.scores import load_scores
    from hocso.results.bundle import signing_key, write_bundle
    from hocso.results.centre import unit_tables
    from hocso.roster import RosterError, default_roster_path, load_roster

    course = load_course(course_path)
    lang: LanguageCode = course.info.default_language
    roster = load_roster(roster_path or default_roster_path(course), course)
    if unit is not None and unit not in roster.units:
        raise RosterError(t("results.export.unknown_unit", lang, unit=unit, units=", ".join(roster.units)))
    scores = load_scores(course, gradebook or gradebook_url(course))
    key_ = signing_key(course)
    for name in [unit] if unit else list(roster.units):
        learners, points, levels = unit_tables(course, scores, roster, name)
        path = write_bundle(out / _file_name(course.id, name), course, name, learners, points, levels, key_)
        size = path.stat().st_size
        click.echo(t("results.export.written", lang, unit=name, learners=len(learners), size=size, path=path))


@results.command("trust")
@click.argument("public_key", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--label", required=True, help="Who the key belongs to, e.g. the unit's name.")
@course_option
@DB_OPTION
def trust_key(public_key: Path, label: str, course_path: Path | None, db: Path | None) -> None:
    """At the centre: trust a unit server's results key (from `hocso results key` there)."""
    from hocso.results.centre import centre_path, trust

    course = load_course(course_path)
    fingerprint = trust(db or centre_path(course), public_key.read_text(), label)
    click.echo(t("results.trust.done", course.info.default_language, fingerprint=fingerprint, label=label))


@results.command("import")
@click.argument(
    "bundles", nargs=-1, required=True, type=click.Path(dir_okay=False, exists=True, path_type=Path)
)
@course_option
@DB_OPTION
def import_(bundles: tuple[Path, ...], course_path: Path | None, db: Path | None) -> None:
    """At the centre: check and merge bundles; one refused never stops the others (exit 1 if any was)."""
    from hocso.results.bundle import BundleRefused
    from hocso.results.centre import centre_path, import_bundle

    course = load_course(course_path)
    lang: LanguageCode = course.info.default_language
    store = db or centre_path(course)
    counts = {"imported": 0, "replaced": 0, "unchanged": 0, "refused": 0}
    for path in bundles:
        try:
            done = import_bundle(store, course, path.read_bytes())
        except BundleRefused as refused:
            counts["refused"] += 1
            signer = str(refused).split("key ", 1)[-1].split(",", 1)[0] if refused.why == "foreign" else ""
            why = t(f"results.import.{refused.why}", lang, signer=signer)
            click.echo(t("results.import.refused", lang, path=path, why=why), err=True)
            continue
        counts[done.outcome] += 1
        click.echo(
            t(f"results.import.{done.outcome}", lang, path=path, unit=done.unit, learners=done.learners)
        )
    click.echo(t("results.import.summary", lang, **counts))
    if counts["refused"]:
        sys.exit(1)


@results.command("report")
@course_option
@DB_OPTION
@format_option(FORMATS, "html")
@out_option(None, "Where to write (default: centre-report.<format>, or the folder centre-report/ for csv).")
@language_option("the report")
def report(
    course_path: Path | None,
    db: Path | None,
    format_: Format,
    out: Path | None,
    language: LanguageCode | None,
) -> None:
    """At the centre: the competence report across every imported unit (learners as <unit>/<id>)."""
    from hocso.reports.summary import build_report
    from hocso.results.centre import centre_path, centre_scores

    course = load_course(course_path)
    lang = language or course.info.default_language
    scores, roster = centre_scores(db or centre_path(course), course)
    built = build_report(course, scores, roster)
    target = out or Path("centre-report" if format_ == "csv" else f"centre-report.{format_}")
    written = write_report(built, format_, target, lang)
    click.echo(t("reports.cli.written", lang, path=written))


def _file_name(course_id: str, unit: str) -> str:
    safe = "".join(c if c.isalnum() else "-" for c in unit).strip("-") or "unit"
    return f"{course_id}-{safe}.hocso-results"
