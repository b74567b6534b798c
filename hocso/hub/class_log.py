"""The class's assistant log, for the course's instructors, through the hub's assistant service.

    /services/assistant/<course>/log        a page in the course language
    /services/assistant/<course>/log.json   the same turns as JSON

Under the hub each course keeps its own conversation log (opt-in: [assistant] log_conversations)
in its runtime folder, root's alone like the gradebook (hocso.hub.isolation). What is stored is what
the redaction let through, so the page shows labels such as `[SĐT]`, never what the learner typed.
Who may read it is decided in hocso.hub.assistant_service (the course's instructors, from plan.json).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

import jinja2

from hocso.assistant.conversation_log import LoggedTurn
from hocso.config import Course, LanguageCode, course_runtime_dir
from hocso.i18n import t

FOLDER = "assistant"  # in the course's runtime folder; kept root-only by hocso.hub.isolation
COLUMNS = ("at", "learner", "question", "answer", "hidden", "backend")

_PAGE = jinja2.Environment(autoescape=True).from_string(
    """<!doctype html>
<html lang="{{ lang }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }}</title>
<style>
body { font-family: sans-serif; margin: 1rem; line-height: 1.4; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #999; padding: 0.3rem; text-align: left; vertical-align: top; }
td.text { white-space: pre-wrap; }
</style>
</head>
<body>
<h1>{{ title }}</h1>
<p>{{ note }}</p>
{% if message %}<p><strong>{{ message }}</strong></p>{% endif %}
{% if turns %}
<p>{{ count }}</p>
<table>
<thead><tr>{% for heading in headings %}<th>{{ heading }}</th>{% endfor %}</tr></thead>
<tbody>
{% for turn in turns %}<tr><td>{{ turn.at }}</td><td>{{ turn.learner }}</td><td class="text">{{ turn.question }}</td>
<td class="text">{{ turn.answer }}</td><td>{{ turn.redacted }}</td><td>{{ turn.backend }}</td></tr>
{% endfor %}</tbody>
</table>
{% endif %}
</body>
</html>
"""
)


def class_log_path(course: Course) -> Path:
    """The course's conversation log under the hub (not the one-machine lab's data-home log)."""
    return course_runtime_dir(course) / FOLDER / "conversations.sqlite"


def render_page(course: Course, turns: Sequence[LoggedTurn], language: LanguageCode) -> str:
    """The log as one page in `language` (the course's): every text escaped, nothing fetched."""
    title = course.info.title(language)
    if not course.assistant.log_conversations:
        message = t("hub.class_log.off", language)
    elif not turns:
        message = t("hub.class_log.empty", language)
    else:
        message = ""
    return _PAGE.render(
        lang=language,
        title=t("hub.class_log.title", language, course=title),
        note=t("hub.class_log.redacted_note", language),
        message=message,
        count=t("hub.class_log.count", language, count=len(turns)),
        headings=[t(f"hub.class_log.{column}", language) for column in COLUMNS],
        turns=turns,
    )


def render_json(course: Course, turns: Sequence[LoggedTurn]) -> dict[str, Any]:
    return {
        "course": course.id,
        "logging": course.assistant.log_conversations,
        "turns": [asdict(turn) for turn in turns],
    }


def render_forbidden(course: Course, language: LanguageCode) -> str:
    title = course.info.title(language)
    return _PAGE.render(
        lang=language,
        title=t("hub.class_log.title", language, course=title),
        note=t("hub.class_log.forbidden", language, course=title),
        message="",
        turns=[],
    )
