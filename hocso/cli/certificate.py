"""`hocso certificate`: issue the certificates learners have earned, and verify one offline."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from hocso.cli.options import (
    course_option,
    gradebook_option,
    language_option,
    learner_option,
    out_option,
    roster_option,
    unit_option,
)
from hocso.config import LanguageCode, gradebook_url, load_course
from hocso.i18n import t

LANGUAGE_OPTION = language_option("the page or message")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def certificate() -> None:
    """Certificates a unit can check offline, for learners who reached the pass mark on their path.

    \b
    Examples:
        hocso certificate issue --roster roster.csv --out certificates/
        hocso certificate verify "HS1.…"          # the code printed under the QR code
        hocso certificate verify photo.jpg        # a photo or scan of the QR code
        hocso certificate key > course-public-key.pem
    """


@certificate.command("issue")
@course_option
@roster_option()
@gradebook_option
@unit_option()
@learner_option("Only this learner id (repeatable).", multiple=True)
@out_option(Path("certificates"), "Folder for the pages: <learner id>.html and .pdf.", folder=True)
@click.option("--no-pdf", is_flag=True, help="Write the HTML pages only (no Chromium needed).")
@LANGUAGE_OPTION
def issue(
    course_path: Path | None,
    roster_path: Path | None,
    gradebook: str | None,
    unit: str | None,
    learners: tuple[str, ...],
    out: Path,
    no_pdf: bool,
    language: LanguageCode | None,
) -> None:
    """Write a one-page certificate (HTML and PDF) for each learner who has earned one.

    A learner earns it by submitting every module of their group's path with a score over them of
    at least the course's pass mark. Those who have not are listed with what is missing. The code on
    each page is signed with the course's key, made on first use under the runtime home.
    """
    from hocso.certificates.award import standings
    from hocso.certificates.page import write_certificate
    from hocso.certificates.signing import sign, signing_key
    from hocso.reports.scores import load_scores
    from hocso.roster import RosterError, default_roster_path, load_roster

    course = load_course(course_path)
    lang: LanguageCode = language or course.info.default_language
    path = roster_path or default_roster_path(course)
    if roster_path is None and not path.is_file():
        raise RosterError(t("reports.cli.no_roster", lang, path=path))
    roster = load_roster(path, course)
    unknown = [learner for learner in learners if learner not in set(roster.ids)]
    if unknown:
        raise RosterError(t("certificate.cli.unknown_learner", lang, learner=", ".join(unknown)))
    scores = load_scores(course, gradebook or gradebook_url(course))
    key = signing_key(course)
    issued = 0
    for standing in standings(course, scores, roster, unit=unit):
        if learners and standing.learner_id not in learners:
            continue
        if standing.facts is None:
            missing = ", ".join(standing.missing_modules) or t("certificate.cli.none_missing", lang)
            needed = course.info.pass_mark
            click.echo(
                t(
                    "certificate.cli.not_yet",
                    lang,
                    name=standing.name,
                    learner=standing.learner_id,
                    score=standing.score,
                    needed=needed,
                    missing=missing,
                )
            )
            continue
        code = sign(standing.facts, key)
        write_certificate(
            course, standing.facts, code, lang, out / f"{standing.learner_id}.html", pdf=not no_pdf
        )
        issued += 1
    click.echo(t("certificate.cli.written", lang, count=issued, folder=out))


@certificate.command("verify")
@click.argument("code_or_image")
@course_option
@click.option(
    "--public-key",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    default=None,
    help="The issuing course's public key (from `hocso certificate key`); default: this machine's course key.",
)
@LANGUAGE_OPTION
def verify(
    code_or_image: str, course_path: Path | None, public_key: Path | None, language: LanguageCode | None
) -> None:
    """Check a certificate offline: CODE_OR_IMAGE is the code printed on it, or a photo/scan of its QR code.

    Prints the facts the course signed, to compare with the paper; exit code 1 when it is not valid.
    """
    from hocso.certificates.scan import code_from_image
    from hocso.certificates.signing import CertificateInvalid, load_public_key, public_key_pem
    from hocso.certificates.signing import verify as check

    course = load_course(course_path)
    lang: LanguageCode = language or course.info.default_language
    code = code_or_image
    candidate = Path(code_or_image)
    if not code_or_image.upper().startswith("HS1.") and candidate.is_file():
        found = code_from_image(candidate)
        if found is None:
            click.echo(t("certificate.verify.no_qr", lang, path=candidate), err=True)
            sys.exit(1)
        code = found
    key = load_public_key(public_key.read_bytes() if public_key else public_key_pem(course))
    try:
        facts = check(code, key)
    except CertificateInvalid as invalid:
        click.echo(t(f"certificate.verify.{invalid.why}", lang), err=True)
        sys.exit(1)
    click.echo(t("certificate.verify.valid", lang, course=facts.course))
    click.echo(f"  {t('certificate.verify.name', lang)}: {facts.name}")
    click.echo(f"  {t('certificate.page.unit', lang)}: {facts.unit}")
    click.echo(f"  {t('certificate.page.group', lang)}: {facts.group}")
    click.echo(f"  {t('certificate.page.issued', lang)}: {facts.issued}")
    click.echo(
        f"  {t('certificate.verify.modules', lang)}: {len(facts.modules)} ({', '.join(facts.modules)})"
    )
    levels = ", ".join(f"{domain}: {level}" for domain, level in sorted(facts.levels.items()))
    click.echo(f"  {t('certificate.page.level', lang)}: {levels}")


@certificate.command("key")
@course_option
def key(course_path: Path | None) -> None:
    """Print the course's public key (PEM), for verifying its certificates on another machine."""
    from hocso.certificates.signing import public_key_pem

    click.echo(public_key_pem(load_course(course_path)), nl=False)
