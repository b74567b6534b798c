"""The hub's own pages (login, lab starting, too many starting at once) parse, and every text they
show is in the catalog in both languages."""

from __future__ import annotations

import re

import jinja2
import pytest

from hocso.hub.settings import LOGIN_TEXTS, TEMPLATES
from hocso.i18n import t


@pytest.mark.parametrize("template", sorted(p.name for p in TEMPLATES.glob("*.html")))
def test_template_parses_and_its_texts_exist(template: str) -> None:
    source = (TEMPLATES / template).read_text(encoding="utf-8")
    jinja2.Environment().parse(source)
    used = set(re.findall(r"hocso\.(\w+)", source)) - {"lang"}
    assert used and used <= set(LOGIN_TEXTS), used - set(LOGIN_TEXTS)
    for key in used:
        assert t(f"hub.login.{key}", "vi") != t(f"hub.login.{key}", "en")


@pytest.mark.parametrize("language", ["vi", "en"])
def test_class_log_page_speaks_the_course_language_and_escapes_what_learners_typed(language: str) -> None:
    from pathlib import Path

    from hocso.assistant.conversation_log import LoggedTurn
    from hocso.config import load_course
    from hocso.hub.class_log import render_forbidden, render_page

    course = load_course(Path(__file__).resolve().parents[2])
    logging_on = course.model_copy(
        update={"assistant": course.assistant.model_copy(update={"log_conversations": True})}
    )
    typed = "<script>alert(1)</script> gọi [SĐT]"
    turn = LoggedTurn("2026-12-02T04:00:00+00:00", "hv01", language, "offline", typed, "<b>ok</b>", "phone")
    page = render_page(logging_on, [turn], language)  # type: ignore[arg-type]
    assert "<script>" not in page and "&lt;script&gt;" in page and "<b>ok</b>" not in page
    other = "en" if language == "vi" else "vi"
    for key in ("title", "redacted_note", "question", "answer", "learner"):
        assert t(f"hub.class_log.{key}", language, course="x") != t(f"hub.class_log.{key}", other, course="x")
    assert t("hub.class_log.question", language) in page and t("hub.class_log.question", other) not in page
    assert t("hub.class_log.off", language) in render_page(course, [], language)  # type: ignore[arg-type]
    forbidden = render_forbidden(course, language)  # type: ignore[arg-type]
    assert t("hub.class_log.forbidden", language, course=course.info.title(language)) in forbidden
