"""Resilience against a real (local) remote endpoint: retries, timeouts, fallback, a server that dies."""

from __future__ import annotations

import time

from hocso.assistant import Assistant
from hocso.config import Course


def test_rate_limit_is_retried_with_backoff_then_answered(cloud, course: Course) -> None:
    cloud.mode, cloud.status, cloud.failures_left = "status", 429, 1
    reply = Assistant(course=course, settings=cloud.settings(max_retries=2), language="en").ask(
        "what is a deepfake"
    )
    assert reply.backend == "remote" and reply.text == "Cloud answer."
    assert len(cloud.requests) == 2


def test_server_errors_exhaust_bounded_retries_then_fall_back(cloud, course: Course) -> None:
    cloud.mode, cloud.status, cloud.failures_left = "status", 503, -1
    reply = Assistant(course=course, settings=cloud.settings(max_retries=2), language="en").ask(
        "what is a deepfake"
    )
    assert len(cloud.requests) == 3  # one try and two retries, no more
    assert reply.backend == "offline" and reply.fallback_reason == "HTTP 503"
    assert "Module m11" in reply.text
    assert "offline tutor answered" in reply._repr_markdown_()


def test_fallback_can_be_switched_off_without_raising(cloud, course: Course) -> None:
    cloud.mode, cloud.status, cloud.failures_left = "status", 500, -1
    settings = cloud.settings(max_retries=0, fallback_to_offline=False)
    reply = Assistant(course=course, settings=settings, language="vi").ask("deepfake là gì")
    assert reply.backend == "none"
    assert "không trả lời được" in reply.text


def test_remote_stalls_then_dies_mid_conversation(cloud, course: Course) -> None:
    assistant = Assistant(
        course=course, settings=cloud.settings(timeout_seconds=1.0, max_retries=1), language="vi"
    )
    first = assistant.ask("mã OTP là gì")
    assert first.backend == "remote"

    cloud.mode = "stall"
    started = time.monotonic()
    second = assistant.ask("Lỡ đọc mã OTP cho người lạ thì làm gì?")
    assert time.monotonic() - started < 8  # two 1 s timeouts and one backoff, not 600 s
    assert second.backend == "offline" and second.fallback_reason == "timeout"
    assert "m03" in second.text

    cloud.kill()
    third = assistant.ask("deepfake là gì")
    assert third.backend == "offline" and third.fallback_reason == "cooldown"

    assistant.cooldown_seconds = 0
    assistant._remote_down_until = 0
    fourth = assistant.ask("mật khẩu mạnh là gì")
    assert fourth.backend == "offline" and fourth.fallback_reason == "unreachable"
    assert "Nguồn:" in fourth.text


def test_stream_that_stalls_midway_falls_back(cloud, course: Course) -> None:
    cloud.mode, cloud.answer = "stream_stall", "Cloud streaming answer."
    assistant = Assistant(
        course=course, settings=cloud.settings(timeout_seconds=1.0, max_retries=0), language="en"
    )
    seen: list[str] = []
    reply = assistant.ask("what is a deepfake", on_text=seen.append)
    assert seen[0] == "Cloud"  # the first piece arrived before the stall
    assert reply.backend == "offline" and reply.fallback_reason == "timeout"
    assert "Module m11" in "".join(seen)


def test_unreachable_remote_falls_back_quickly(free_port: int, course: Course) -> None:
    from hocso.config import AssistantSettings

    settings = AssistantSettings(
        backend="openai", base_url=f"http://127.0.0.1:{free_port}/v1", timeout_seconds=2, max_retries=0
    )
    started = time.monotonic()
    reply = Assistant(course=course, settings=settings, language="en").ask("how do I check a link")
    assert time.monotonic() - started < 3
    assert reply.backend == "offline" and reply.fallback_reason == "unreachable"
