"""AssistantChat at state level (set values, click) and the one-line ways to ask from a cell."""

from __future__ import annotations

import pkgutil

import pytest
from IPython.core.interactiveshell import InteractiveShell

import hocso.assistant as assistant_api
from hocso.assistant import Assistant, AssistantReply
from hocso.assistant import notebook as notebook_api
from hocso.config import Course
from hocso.widgets.assistant_chat import AssistantChat


@pytest.fixture
def chat(course: Course) -> AssistantChat:
    return AssistantChat(Assistant(course=course), language="vi")


def test_plain_question_is_sent_and_answer_joins_history(chat: AssistantChat) -> None:
    chat.question.value = "deepfake là gì?"
    chat.send_button.click()
    assert chat.pending is None
    assert [m["role"] for m in chat.history] == ["user", "assistant"]
    assert "Deepfake" in chat.history[-1]["text"]
    assert "gia sư ngoại tuyến" in chat.backend.value
    assert "Deepfake" in chat.transcript.value
    assert chat.question.value == ""


def test_personal_data_shows_a_preview_and_cancel_sends_nothing(chat: AssistantChat) -> None:
    chat.question.value = "Số tôi là 0912345678, có bị lộ không?"
    chat.send_button.click()
    assert chat.pending is not None and chat.history == []
    assert chat.preview_box.layout.display is None
    assert "số điện thoại" in chat.preview.value and "[SĐT]" in chat.preview.value
    assert "0912345678" not in chat.preview.value
    assert "bấm Hủy" in chat.preview.value  # beside the Hủy button it names
    chat.cancel_button.click()
    assert chat.history == [] and chat.pending is None
    assert chat.preview_box.layout.display == "none"
    assert "Đã hủy" in chat.backend.value


def test_an_answer_outside_the_chat_names_no_cancel_button(course: Course) -> None:
    """`ask()` has no Cancel button: its note on what was hidden must not tell the learner to press one."""
    reply = Assistant(course=course).ask("Số tôi là 0912345678, có bị lộ không?", language="vi")
    shown = reply._repr_markdown_()
    assert reply.redaction is not None and "[SĐT]" in reply.redaction.text and "Đã che" in shown
    assert "Hủy" not in shown and "Cancel" not in shown


def test_confirm_sends_the_hidden_version(chat: AssistantChat) -> None:
    chat.question.value = "Mã OTP 483920 của tôi, có nên đưa cho nhân viên ngân hàng không?"
    chat.send_button.click()
    chat.confirm_button.click()
    assert chat.history[0]["text"].startswith("Mã OTP [MÃ OTP]")
    assert "483920" not in chat.transcript.value
    assert isinstance(chat.last_reply, AssistantReply) and chat.last_reply.backend == "offline"


def test_answer_streams_into_the_widget(chat: AssistantChat) -> None:
    seen: list[str] = []
    chat.streaming.observe(lambda change: seen.append(change["new"]), names="value")
    chat.question.value = "Is it safe to pay by scanning a QR code?"
    chat.language.value = "en"
    chat.send_button.click()
    assert len([s for s in seen if s]) >= 3  # grew line by line before it joined the history
    assert chat.streaming.value == ""


def test_language_switch_relabels(chat: AssistantChat) -> None:
    assert chat.send_button.description == "Gửi"
    chat.language.value = "en"
    assert chat.send_button.description == "Send"
    assert chat.cancel_button.description == "Cancel"


def test_graded_chat_gives_hints(course: Course) -> None:
    chat = AssistantChat(Assistant(course=course), language="en", graded=True)
    chat.question.value = "How do I check a link before clicking it?"
    chat.send_button.click()
    assert "I will not give the answer" in chat.history[-1]["text"]


def test_ask_function_and_cell_magic(monkeypatch: pytest.MonkeyPatch, course: Course) -> None:
    monkeypatch.setattr(notebook_api, "_assistant", Assistant(course=course))
    reply = assistant_api.ask("What is a deepfake?", language="en")
    assert "Module m11" in reply._repr_markdown_()
    assert "Answered by: offline tutor" in reply._repr_markdown_()
    shell = InteractiveShell.instance()
    try:
        shell.run_line_magic("load_ext", "hocso.assistant")
        result = shell.run_cell_magic("ask", "--vi", "Lỡ đọc mã OTP cho người lạ thì làm gì?")
        assert isinstance(result, AssistantReply) and result.language == "vi"
        assert "Nguồn:" in result.text
    finally:
        InteractiveShell.clear_instance()


def test_public_api_is_what_all_says() -> None:
    public = {name for name in dir(assistant_api) if not name.startswith("_")}
    # submodules become attributes of the package once anything imports them (which tests ran first
    # decides): every one of them, not a list kept by hand (it missed `jupyter`)
    modules = {module.name for module in pkgutil.iter_modules(assistant_api.__path__)}
    assert public - modules - {"annotations"} == set(assistant_api.__all__)


def test_a_password_to_check_never_appears_in_the_chat(chat: AssistantChat) -> None:
    chat.question.value = "Mật khẩu 'Hoa@1990' có mạnh không?"
    chat.send_button.click()
    assert "Hoa@1990" not in chat.preview.value and "mật khẩu" in chat.preview.value
    chat.confirm_button.click()
    assert chat.last_reply is not None and chat.last_reply.backend == "local"
    assert "Hoa@1990" not in chat.transcript.value
    assert "Hoa@1990" not in str(chat.history)
