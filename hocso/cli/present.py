"""`hocso present`: the course's widget apps on a projector and on learners' phones (Voila)."""

from __future__ import annotations

import socket
import sys
from pathlib import Path

import click
import segno

from hocso.cli.lab import first_free_port
from hocso.cli.options import course_option, free_port_option, host_option, language_option, setting_option
from hocso.config import LanguageCode, load_course
from hocso.config.models import PresentSettings
from hocso.errors import HocsoError
from hocso.i18n import t
from hocso.present.apps import discover_apps, find_app

DEFAULT_PORT = 8866


class NoApps(HocsoError):
    """The course has no app notebooks to present."""


def lan_address() -> str:
    """This machine's address on the classroom network, found without sending a packet."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.255.255.255", 1))  # UDP connect only picks a route; nothing is sent
            return probe.getsockname()[0]
        except OSError:
            return "127.0.0.1"


def public_url(host: str, port: int) -> str:
    """The address a learner types or scans: the LAN address when listening on every interface."""
    shown = lan_address() if host in ("0.0.0.0", "::", "") else host
    shown = f"[{shown}]" if ":" in shown else shown
    return f"http://{shown}:{port}/"


@click.command()
@click.argument("app", required=False)
@host_option(text="Address to listen on; 0.0.0.0 lets phones on the classroom network connect.")
@free_port_option(DEFAULT_PORT)
@language_option("the pages and messages")
@setting_option(
    PresentSettings,
    "class_size",
    "Learners who will open APP at once: one warm kernel each, ready before they arrive "
    "(default: course.toml [present] class_size).",
)
@course_option
def present(
    app: str | None,
    host: str,
    port: int | None,
    language: LanguageCode | None,
    class_size: int | None,
    course_path: Path | None,
) -> None:
    """Present the course's apps (notebooks/apps/) with Voila, for a projector and phones.

    With APP (a name such as m04_phishing, or a prefix such as m04) only that app is served;
    without it, a gallery lists every app in Vietnamese and English. Learners see widgets only:
    no code, no error details. Kernels are kept warm (course.toml [present] pool_size) so pages
    open fast; with --class-size, APP gets one warm kernel per learner and the terminal says when
    they are ready. Prints the address, a QR code of it, and a private link to the facilitator
    controls (next question, reveal answers). Stop with Ctrl+C.
    """
    from hocso.present.server import PresentOptions, serve

    course = load_course(course_path)
    lang = language or course.info.default_language
    apps = discover_apps(course.apps_dir)
    if not apps:
        raise NoApps(t("present.cli.no_apps", lang, folder=course.apps_dir))
    single = find_app(apps, app) if app else None
    port = port or first_free_port(host, DEFAULT_PORT)
    url = public_url(host, port)
    options = PresentOptions(
        apps_dir=course.apps_dir,
        apps=tuple(apps),
        course_title=course.info.title(lang),
        language=lang,
        host=host,
        port=port,
        public_url=url,
        single_app=single,
        pool_size=course.present.pool_size,
        refill_delay_seconds=course.present.refill_delay_seconds,
        cull_idle_minutes=course.present.cull_idle_minutes,
        class_size=class_size or course.present.class_size,
        max_visitor_kernels=course.present.max_visitor_kernels,
        kernel_memory_mb=course.present.kernel_memory_mb,
        course=course,
    )
    if single:
        click.echo(t("present.cli.serving_app", lang, title=f"{single.title.vi} · {single.title.en}"))
    else:
        click.echo(t("present.cli.serving", lang, count=len(apps), title=course.info.title(lang)))
    if single and single.facilitator_only:
        # learners' data: no QR code or address for the class, only the facilitator's own link
        app_url = f"{options.loopback_url}voila/render/{single.file_name}?key={options.facilitator_key}"
        click.echo(t("present.cli.facilitator_app", lang, url=app_url))
    else:
        segno.make(url, error="m").terminal(out=sys.stdout, compact=True, border=2)
        click.echo(t("present.cli.open", lang, url=url))
    if options.class_app is not None:
        click.echo(t("present.cli.warming", lang, count=options.class_size))
    if host in ("127.0.0.1", "localhost", "::1"):
        click.echo(t("present.cli.loopback", lang, host=host))
    click.echo(
        t(
            "present.cli.facilitator",
            lang,
            url=f"{options.loopback_url}hocso/facilitator?key={options.facilitator_key}",
        )
    )
    click.echo(t("present.cli.stop", lang))
    sys.stdout.flush()
    serve(options)
