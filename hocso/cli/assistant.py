"""`hocso assistant`: serve the offline tutor to a classroom, ask from a terminal, export the log."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import click

from hocso.assistant.client import assistant_for
from hocso.assistant.conversation_log import ConversationLog
from hocso.assistant.server import serve_forever
from hocso.assistant.tutor import shared_tutor
from hocso.config import find_course_root
from hocso.i18n import current_language, t

COURSE_OPTION = click.option(
    "--course",
    "course_path",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Course folder (default: the one around the current folder, or $HOCSO_COURSE).",
)


@click.group()
def assistant() -> None:
    """The AI assistant: offline tutor server, one-off questions, conversation log."""


@assistant.command()
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on; 0.0.0.0 for the classroom LAN.",
)
@click.option("--port", default=8765, show_default=True, type=int)
@COURSE_OPTION
def serve(host: str, port: int, course_path: Path | None) -> None:
    """Serve the offline tutor as an OpenAI-compatible API (POST /v1/chat/completions, GET /v1/models)."""
    tutor = shared_tutor(course_path or find_course_root())
    click.echo(t("assistant.cli.serving", current_language(), url=f"http://{host}:{port}/v1"))
    if host not in ("127.0.0.1", "localhost", "::1"):
        lan = _lan_address() if host in ("0.0.0.0", "::") else host
        click.echo(t("assistant.cli.lan_note", current_language(), url=f"http://{lan}:{port}/v1"))
    serve_forever(tutor, host, port)


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
@click.option("--language", type=click.Choice(["vi", "en"]), default=None)
@COURSE_OPTION
def ask(question: str, language: str | None, course_path: Path | None) -> None:
    """Ask one question (guardrails included) and print the answer and who answered."""
    reply = assistant_for(course_path).ask(question, language=language)
    click.echo(str(reply))


@assistant.command()
@COURSE_OPTION
def settings(course_path: Path | None) -> None:
    """Show the assistant settings in force (which key variables are set, never their values)."""
    click.echo(json.dumps(assistant_for(course_path).resolved.describe(), indent=2, ensure_ascii=False))


@assistant.command("export-log")
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
def export_log(target: Path) -> None:
    """Export the opt-in conversation log (redacted text only) to TARGET (.csv or .jsonl)."""
    count = ConversationLog().export(target)
    click.echo(f"{count} -> {target}")
