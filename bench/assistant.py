"""Offline tutor latency (in-process and over HTTP) and `hocso assistant serve` throughput.

    python bench/assistant.py [--quick]

1. Latency: the official openai client asks a mix of vi/en questions through the in-process
   transport, then over loopback HTTP to a `hocso assistant serve` subprocess; p50/p95 in ms. Anchor:
   the same questions straight to `OfflineTutor.reply` (no client, no HTTP), so the ratio shows the
   cost of the OpenAI-compatible layers.
2. Throughput: 50 concurrent clients (asyncio + httpx2, one connection each, loopback only) post
   non-streaming completions for a fixed time; requests/s and errors. Anchor: the same clients on
   GET /v1/models (no tutor work), the server's ceiling on this machine.
3. Answers: the labelled learner questions of bench/assistant_eval.jsonl (bench/assistant_eval.py) through
   `Assistant.ask`: top1, decline_precision, leaks, and the latency of each ask.
The served mode needs the class key (the bench passes one, and a per-minute limit high enough for
load testing); each load client sends its own learner token, as a classroom's phones would.
Last line: `assistant: top1=<> decline_precision=<> leaks=<n> p95_ms=<n> rps=<n> errors=<n> ...`
(p95_ms is the worse of in-process and HTTP).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx2
import openai
from assistant_eval import evaluate, scores

from hocso.assistant.client import Assistant
from hocso.assistant.tokens import LearnerTokens
from hocso.assistant.tutor import OfflineTutor
from hocso.config import load_course

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = [
    ("vi", "Làm sao biết tin nhắn có phải lừa đảo không?"),
    ("vi", "lua dao qua tin nhan"),
    ("vi", "Lỡ đọc mã OTP cho người lạ thì làm gì?"),
    ("vi", "cách nấu phở ngon"),
    ("en", "How do I check a link before clicking it?"),
    ("en", "What is a deepfake?"),
    ("en", "Is it safe to pay by scanning a QR code?"),
    ("en", "Who won the football match yesterday?"),
]
CLIENTS = 50
CLASS_KEY = "bench-class-key"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def timed(call, rounds: int) -> list[float]:
    samples = []
    for i in range(rounds):
        language, question = QUESTIONS[i % len(QUESTIONS)]
        started = time.perf_counter()
        call(language, question)
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(port: int) -> subprocess.Popen[str]:
    command = [
        sys.executable,
        "-m",
        "hocso",
        "assistant",
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--course",
        str(ROOT),
        "--class-key",
        CLASS_KEY,
        "--per-minute",
        "1000000",
        "--daily-quota",
        "0",
    ]
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=dict(os.environ, PYTHONUNBUFFERED="1"),
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx2.get(
                f"http://127.0.0.1:{port}/v1/models",
                timeout=1,
                headers={"Authorization": f"Bearer {CLASS_KEY}"},
            ).raise_for_status()
            return process
        except httpx2.HTTPError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("hocso assistant serve did not start within 60 s")


async def load(port: int, seconds: float, path: str) -> tuple[int, int, float]:
    """CLIENTS concurrent clients for `seconds`; returns (completed, errors, elapsed)."""
    url = f"http://127.0.0.1:{port}{path}"
    done = errors = 0
    # clients are made before the clock starts: each builds an SSL context, ~30 ms of CPU
    tokens = LearnerTokens.from_class_key(CLASS_KEY)
    clients = [
        httpx2.AsyncClient(
            timeout=10,
            limits=httpx2.Limits(max_connections=1),
            headers={"Authorization": f"Bearer {tokens.mint(f'learner{i}')}"},
        )
        for i in range(CLIENTS)
    ]
    stop_at = time.monotonic() + seconds

    async def client(index: int) -> None:
        nonlocal done, errors
        async with clients[index] as http:
            i = index
            while time.monotonic() < stop_at:
                language, question = QUESTIONS[i % len(QUESTIONS)]
                i += 1
                try:
                    if path.endswith("models"):
                        response = await http.get(url)
                    else:
                        body = {
                            "model": "hocso-tutor",
                            "messages": [{"role": "user", "content": question}],
                            "hocso": {"language": language},
                        }
                        response = await http.post(url, content=json.dumps(body))
                    wanted = b"data" if path.endswith("models") else b"choices"
                    ok = response.status_code == 200 and wanted in response.content
                    done += ok
                    errors += not ok
                except httpx2.HTTPError:
                    errors += 1

    started = time.monotonic()
    stop_at = started + seconds
    await asyncio.gather(*(client(i) for i in range(CLIENTS)))
    return done, errors, time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds and a 3 s load instead of 10 s")
    args = parser.parse_args()
    rounds, seconds = (200, 3.0) if args.quick else (1000, 10.0)
    course = load_course(ROOT)

    tutor = OfflineTutor(course)
    anchor = timed(lambda lang, q: tutor.reply(q, lang), rounds)
    assistant = Assistant(course=course)
    offline_client = assistant._offline
    in_process = timed(
        lambda lang, q: offline_client.chat.completions.create(
            model="hocso-tutor",
            messages=[{"role": "user", "content": q}],
            extra_body={"hocso": {"language": lang}},
        ),
        rounds,
    )
    assistant = Assistant(course=course, settings=course.assistant.model_copy(update={"daily_quota": 0}))
    guarded = timed(lambda lang, q: assistant.ask(q, language=lang), min(rounds, 100))

    judged = evaluate(course)
    quality = scores(judged)
    asks = [j.ms for j in judged]

    port = free_port()
    server = start_server(port)
    try:
        http_client = openai.OpenAI(
            base_url=f"http://127.0.0.1:{port}/v1", api_key=CLASS_KEY, max_retries=0, timeout=10
        )
        over_http = timed(
            lambda lang, q: http_client.chat.completions.create(
                model="hocso-tutor",
                messages=[{"role": "user", "content": q}],
                extra_body={"hocso": {"language": lang}},
            ),
            rounds,
        )
        ceiling_done, ceiling_errors, ceiling_elapsed = asyncio.run(load(port, seconds / 2, "/v1/models"))
        done, errors, elapsed = asyncio.run(load(port, seconds, "/v1/chat/completions"))
    finally:
        server.terminate()
        server.wait(timeout=10)

    p95_in, p95_http = percentile(in_process, 0.95), percentile(over_http, 0.95)
    rps, ceiling = done / elapsed, ceiling_done / ceiling_elapsed
    print(
        f"anchor (OfflineTutor.reply, no client): p50={statistics.median(anchor):.2f} ms p95={percentile(anchor, 0.95):.2f} ms"
    )
    print(
        f"in-process (openai client, WSGITransport): p50={statistics.median(in_process):.2f} ms p95={p95_in:.2f} ms ({p95_in / max(percentile(anchor, 0.95), 1e-9):.1f}x anchor)"
    )
    print(
        f"guarded ask() (redaction, quota, log off): p50={statistics.median(guarded):.2f} ms p95={percentile(guarded, 0.95):.2f} ms"
    )
    print(
        f"over HTTP (openai client -> hocso assistant serve): p50={statistics.median(over_http):.2f} ms p95={p95_http:.2f} ms"
    )
    print(
        f"throughput: {CLIENTS} clients, {elapsed:.1f} s: {done} completions, {rps:.0f} req/s, {errors} errors"
    )
    print(
        f"anchor: GET /v1/models with {CLIENTS} clients: {ceiling:.0f} req/s ({ceiling_errors} errors); completions reach {rps / ceiling:.2f}x of it"
    )
    print(
        f"answers: {quality['questions']} labelled questions (bench/assistant_eval.jsonl): top1={quality['top1']:.3f} "
        f"decline_precision={quality['decline_precision']:.3f} decline_recall={quality['decline_recall']:.3f} "
        f"leaks={quality['leaks']}; ask() p50={statistics.median(asks):.2f} ms p95={percentile(asks, 0.95):.2f} ms"
    )
    print(
        f"assistant: top1={quality['top1']:.3f} decline_precision={quality['decline_precision']:.3f} "
        f"leaks={quality['leaks']} p95_ms={max(p95_in, p95_http):.1f} rps={rps:.0f} errors={errors + ceiling_errors} p95_inproc_ms={p95_in:.1f} p95_http_ms={p95_http:.1f} clients={CLIENTS}"
    )


if __name__ == "__main__":
    main()
