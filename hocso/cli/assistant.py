"""`hocso assistant`: serve the offline tutor to a classroom, ask from a terminal, export the log."""

from __future__ import annotations

import json
import secrets
import socket
from pathlib import Path

import click

from hocso.assistant.client import assistant_for
from hocso.assistant.conversation_log import ConversationLog
from hocso.assistant.server import PortTaken, bind, bound_port, classroom_app, serve_forever
from hocso.assistant.service import ServiceLimits
from hocso.assistant.tokens import LearnerTokens
from hocso.assistant.web import ServiceSettings
from hocso.cli.options import (
    Decorator,
    course_option,
    host_option,
    language_option,
    port_option,
    setting_option,
)
from hocso.config import AssistantSettings, LanguageCode, find_course_root, load_course
from hocso.i18n import current_language, t

DEFAULT_PORT = 8765
CLASS_KEY_ENV = "HOCSO_CLASS_KEY"


@click.group()
def assistant() -> None:
    """The AI assistant: offline tutor server, one-off questions, conversation log."""


def class_key_option(*, required: bool) -> Decorator:
    """--class-key (or $HOCSO_CLASS_KEY): the key of a classroom's assistant server."""
    unset = "required" if required else "a new one is made and shown when unset"
    text = f"The key every client of the class server sends (${CLASS_KEY_ENV}); {unset}."
    return click.option("--class-key", envvar=CLASS_KEY_ENV, required=required, default=None, help=text)


@assistant.command()
@host_option(text="Address to listen on; 0.0.0.0 for the classroom LAN.")
@port_option(DEFAULT_PORT, "0 = any free port; a busy default moves on.")
@class_key_option(required=False)
@click.option(
    "--per-minute",
    default=ServiceLimits().requests_per_minute,
    show_default=True,
    type=click.FloatRange(min=1),
    help="Questions each client may ask per minute (after a burst of 10).",
)
@setting_option(
    AssistantSettings,
    "daily_quota",
    "Questions per learner (or per address with the class key) per day; default course.toml's; 0 = no limit.",
)
@course_option
@click.pass_context
def serve(
    ctx: click.Context,
    host: str,
    port: int,
    class_key: str | None,
    per_minute: float,
    daily_quota: int | None,
    course_path: Path | None,
) -> None:
    """Serve the assistant as an OpenAI-compatible API (POST /v1/chat/completions) behind a class key."""
    language = current_language()
    root = course_path or find_course_root()
    try:
        sockets = bind(host, port)
    except PortTaken:
        if ctx.get_parameter_source("port") is not click.core.ParameterSource.DEFAULT:
            raise
        sockets = bind(host, 0)
        click.echo(t("assistant.cli.port_moved", language, port=port, free=bound_port(sockets)))
    port = bound_port(sockets)
    key = class_key or secrets.token_urlsafe(12)
    course = load_course(root)
    if daily_quota is not None:
        course = course.model_copy(
            update={"assistant": course.assistant.model_copy(update={"daily_quota": daily_quota})}
        )
    limits = ServiceLimits(requests_per_minute=per_minute)
    app = classroom_app(ServiceSettings(course, limits), key)
    click.echo(t("assistant.cli.serving", language, url=f"http://{host}:{port}/v1"))
    click.echo(t("assistant.cli.class_key", language, key=key))
    if host not in ("127.0.0.1", "localhost", "::1"):
        lan = _lan_address() if host in ("0.0.0.0", "::") else host
        click.echo(t("assistant.cli.lan_note", language, url=f"http://{lan}:{port}/v1"))
    serve_forever(app, sockets)


@assistant.command()
@click.argument("learner")
@class_key_option(required=True)
def token(learner: str, class_key: str) -> None:
    """Print LEARNER's own token for `hocso assistant serve`: their quota, not the room's."""
    click.echo(LearnerTokens.from_class_key(class_key).mint(learner))


def _lan_address() -> str:
    """This machine's address on the LAN (a UDP "connect" picks the route; no packet is sent)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.255.255.255", 1))
            return probe.getsockname()[0]
        except OSError:
            return "127.0.0.1"


@assistant.command()
@click.argument("question")
@language_option("the answer", "the current language ($HOCSO_LANG)")
@course_option
def ask(question: str, language: LanguageCode | None, course_path: Path | None) -> None:
    """Ask one question (guardrails included) and print the answer and who answered."""
    reply = assistant_for(course_path).ask(question, language=language)
    click.echo(str(reply))


@assistant.command()
@course_option
def settings(course_path: Path | None) -> None:
    """Show the assistant settings in force (which key variables are set, never their values)."""
    click.echo(json.dumps(assistant_for(course_path).resolved.describe(), indent=2, ensure_ascii=False))


@assistant.command("export-log")
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
def export_log(target: Path) -> None:
    """Export the opt-in conversation log (redacted text only) to TARGET (.csv or .jsonl)."""
    count = ConversationLog().export(target)
    click.echo(f"{count} -> {target}")
