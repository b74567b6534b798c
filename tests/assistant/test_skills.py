"""The deterministic skills answer through hocso.safety, over the openai client, never echoing a password."""

from __future__ import annotations

from hocso.assistant import Assistant
from hocso.assistant.skills import answer_with_skill, password_candidate
from hocso.assistant.tutor import OfflineTutor
from hocso.config import Course
from hocso.safety.links import inspect_url
from hocso.safety.phishing import red_flags

SCAM = 'Có phải lừa đảo không: "Tài khoản Vietcombank của bạn bị khóa, bấm http://vietcombank-vn.com ngay trong 24h"'


def test_scam_check_uses_the_phishing_module(tutor: OfflineTutor) -> None:
    reply = tutor.reply(SCAM, "vi")
    assert reply.skill == "scam"
    flags = red_flags(SCAM.split(":", 1)[1])
    assert flags and f"Có {len(flags)} dấu hiệu" in reply.text
    assert reply.citations[0].module == "m04"


def test_a_general_scam_question_is_answered_from_the_course(tutor: OfflineTutor) -> None:
    reply = tutor.reply("Làm sao biết tin nhắn có phải lừa đảo không?", "vi")
    assert reply.skill is None and reply.citations[0].kind == "faq"


def test_link_check_shows_the_real_domain(tutor: OfflineTutor) -> None:
    reply = tutor.reply("Where does http://vietcombank-vn.com/login really go?", "en")
    assert reply.skill == "link"
    report = inspect_url("http://vietcombank-vn.com/login")
    assert f"Real domain: {report.registered_domain}" in reply.text
    assert report.lookalike_of and report.lookalike_of in reply.text


def test_password_check_never_echoes_the_password(course: Course) -> None:
    assistant = Assistant(course=course, language="vi")
    for question in ("Mật khẩu 'Hoa@1990' có mạnh không?", "Is this password strong: Sunflower99!x"):
        reply = assistant.ask(question)
        assert reply.backend == "local"
        secret = password_candidate(question)
        assert secret and secret not in reply.text and secret not in str(reply)
        assert "/4" in reply.text


def test_questions_about_passwords_in_general_are_not_checked() -> None:
    assert password_candidate("How do I make a strong password?") is None
    assert answer_with_skill("Mật khẩu mạnh là gì?", "vi") is None
