"""The official openai client against the offline tutor: in-process (no port) and over real HTTP."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx2
import openai
import pytest

from hocso.assistant.app import TutorWSGIApp
from hocso.assistant.server import RunningServer
from hocso.assistant.tutor import OfflineTutor


@pytest.fixture
def in_process(tutor: OfflineTutor) -> openai.OpenAI:
    http = httpx2.Client(transport=httpx2.WSGITransport(app=TutorWSGIApp(tutor)))
    return openai.OpenAI(
        base_url="http://tutor.invalid/v1", api_key="offline", http_client=http, max_retries=0
    )


@pytest.fixture
def over_http(served_tutor: RunningServer) -> openai.OpenAI:
    return openai.OpenAI(base_url=served_tutor.base_url, api_key="placeholder", max_retries=0, timeout=10)


@pytest.fixture(params=["in_process", "over_http"])
def client(request: pytest.FixtureRequest) -> openai.OpenAI:
    return request.getfixturevalue(request.param)


def test_plain_completion_in_vietnamese_with_citation(client: openai.OpenAI) -> None:
    completion = client.chat.completions.create(
        model="hocso-tutor", messages=[{"role": "user", "content": "Lỡ đọc mã OTP cho người lạ thì làm gì?"}]
    )
    text = completion.choices[0].message.content or ""
    assert completion.object == "chat.completion"
    assert "Nguồn:" in text and "m03" in text
    assert completion.choices[0].finish_reason == "stop"
    assert completion.model_extra["hocso"]["backend"] == "offline"
    assert completion.usage and completion.usage.total_tokens > 0


def test_streaming_completion_in_english(client: openai.OpenAI) -> None:
    stream = client.chat.completions.create(
        model="hocso-tutor",
        messages=[{"role": "user", "content": "Is it safe to pay by scanning a QR code?"}],
        stream=True,
    )
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks)
    assert len(chunks) > 3
    assert chunks[-1].choices[0].finish_reason == "stop"
    assert "Source:" in text and "Module m06" in text


def test_models_endpoint(client: openai.OpenAI) -> None:
    assert [m.id for m in client.models.list()] == ["hocso-tutor"]


def test_errors_have_openai_shape(client: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as bad:
        client.chat.completions.create(model="hocso-tutor", messages=[])
    assert bad.value.body["param"] == "messages"
    assert bad.value.body["type"] == "invalid_request_error"
    with pytest.raises(openai.NotFoundError):
        client.responses.create(model="hocso-tutor", input="hi")


@pytest.mark.slow
def test_cli_serve_answers_the_openai_client(repo_root: Path, free_port: int) -> None:
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "hocso",
            "assistant",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(free_port),
            "--course",
            str(repo_root),
            "--class-key",
            "room-key",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=env,
        text=True,
    )
    try:
        assert process.stdout is not None
        banner = process.stdout.readline()
        assert f"127.0.0.1:{free_port}" in banner
        client = openai.OpenAI(
            base_url=f"http://127.0.0.1:{free_port}/v1", api_key="room-key", max_retries=0, timeout=10
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                completion = client.chat.completions.create(
                    model="hocso-tutor", messages=[{"role": "user", "content": "deepfake là gì?"}]
                )
                break
            except openai.APIConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        assert "Deepfake" in (completion.choices[0].message.content or "")
        stream = client.chat.completions.create(
            model="hocso-tutor", messages=[{"role": "user", "content": "What is a deepfake?"}], stream=True
        )
        assert "Module m11" in "".join(c.choices[0].delta.content or "" for c in stream)
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_async_client_in_process(tutor: OfflineTutor) -> None:
    import asyncio

    from hocso.assistant.app import TutorASGIApp

    async def run() -> tuple[str, str]:
        http = httpx2.AsyncClient(transport=httpx2.ASGITransport(app=TutorASGIApp(tutor)))
        client = openai.AsyncOpenAI(
            base_url="http://tutor.invalid/v1", api_key="offline", http_client=http, max_retries=0
        )
        plain = await client.chat.completions.create(
            model="hocso-tutor", messages=[{"role": "user", "content": "What is a deepfake?"}]
        )
        stream = await client.chat.completions.create(
            model="hocso-tutor", messages=[{"role": "user", "content": "deepfake là gì?"}], stream=True
        )
        streamed = "".join([c.choices[0].delta.content or "" async for c in stream])
        await client.close()
        return plain.choices[0].message.content or "", streamed

    plain, streamed = asyncio.run(run())
    assert "Module m11" in plain
    assert "Bài m11" in streamed
