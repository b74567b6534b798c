"""A visitor tries to run code, or reach more than the apps, and fails.

What a visitor CAN do: open the gallery and app pages, talk to their own app kernel through widget
(comm) messages and kernel_info, read the classroom state. What they CANNOT: execute code (the
server drops execute/inspect/complete/history/debug requests on every channel, in both websocket
protocols), list or start kernels, reach the Jupyter APIs, render notebooks outside notebooks/apps/
(module notebooks hold solutions), or change the classroom state without the facilitator key.
"""

from __future__ import annotations

import asyncio
import json
import re
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest
from jupyter_server.services.kernels.connection.base import serialize_msg_to_ws_v1
from tornado.websocket import websocket_connect

pytestmark = [pytest.mark.slow, pytest.mark.timeout(180)]

FORBIDDEN = (
    ("shell", "execute_request"),
    ("control", "execute_request"),
    ("shell", "inspect_request"),
    ("shell", "complete_request"),
    ("shell", "history_request"),
    ("control", "debug_request"),
)


def status_of(url: str, method: str = "GET", body: bytes | None = None, headers: dict | None = None) -> int:
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def message(msg_type: str, content: dict, channel: str) -> dict:
    header = {"msg_id": uuid.uuid4().hex, "msg_type": msg_type, "session": uuid.uuid4().hex,
              "username": "visitor", "version": "5.3", "date": "2026-01-01T00:00:00Z"}  # fmt: skip
    return {
        "header": header,
        "parent_header": {},
        "metadata": {},
        "content": content,
        "channel": channel,
        "buffers": [],
    }


def kernel_id_of(page_url: str) -> str:
    with urllib.request.urlopen(page_url, timeout=120) as response:
        html = response.read().decode()
    return re.search(r'"kernelId": "([0-9a-f-]{36})"', html).group(1)


async def attack(ws_url: str, marker: Path, subprotocol: str | None) -> list[dict]:
    """Send every forbidden request, then kernel_info; return what came back."""
    connection = await websocket_connect(ws_url, subprotocols=[subprotocol] if subprotocol else None)
    code = f"open({str(marker)!r}, 'w').write('visitor ran code')"
    sent: list[dict] = []
    for channel, msg_type in FORBIDDEN:
        content = {"code": code, "silent": False, "store_history": True, "user_expressions": {},
                   "allow_stdin": False, "stop_on_error": True, "cursor_pos": 0, "detail_level": 0,
                   "hist_access_type": "tail", "n": 1, "command": "evaluate", "arguments": {"expression": "1"}}  # fmt: skip
        sent.append(message(msg_type, content, channel))
    probe = message("kernel_info_request", {}, "shell")
    for msg in [*sent, probe]:
        if subprotocol:
            parts = [json.dumps(msg[k]).encode() for k in ("header", "parent_header", "metadata", "content")]
            await connection.write_message(serialize_msg_to_ws_v1(parts, msg["channel"]), binary=True)
        else:
            await connection.write_message(json.dumps(msg))
    replies: list[dict] = []
    deadline = asyncio.get_running_loop().time() + 6
    while asyncio.get_running_loop().time() < deadline:
        try:
            raw = await asyncio.wait_for(connection.read_message(), timeout=1)
        except TimeoutError:
            continue
        if raw is None:
            break
        if isinstance(raw, str):
            replies.append(json.loads(raw))
        else:
            replies.append({"binary": raw})
    connection.close()
    return replies


@pytest.mark.parametrize("subprotocol", [None, "v1.kernel.websocket.jupyter.org"])
def test_visitor_cannot_execute_code_through_the_kernel_websocket(
    present_server, tmp_path: Path, subprotocol: str | None, run_async
) -> None:
    marker = tmp_path / "pwned.txt"
    kernel_id = kernel_id_of(present_server.app_url("zz_fixture_button"))
    ws_url = f"{present_server.url.replace('http', 'ws')}api/kernels/{kernel_id}/channels?session_id={uuid.uuid4().hex}"
    replies = run_async(attack(ws_url, marker, subprotocol))
    text = json.dumps([r for r in replies if "binary" not in r]) + "".join(
        r["binary"].decode("latin-1") for r in replies if "binary" in r
    )
    assert "kernel_info_reply" in text, "the channel works, so silence below is the filter, not a dead socket"
    for forbidden in (
        "execute_reply",
        "execute_input",
        "inspect_reply",
        "complete_reply",
        "history_reply",
        "debug_reply",
    ):
        assert forbidden not in text
    assert not marker.exists(), "a visitor ran code in the app kernel"


def test_visitor_cannot_reach_jupyter_apis_or_other_notebooks(present_server) -> None:
    base = present_server.url
    solutions = present_server.course / "notebooks" / "m99"
    solutions.mkdir(parents=True, exist_ok=True)
    (solutions / "solution.ipynb").write_text(
        (present_server.course / "notebooks" / "apps" / "zz_fixture_button.ipynb").read_text()
    )
    assert status_of(f"{base}api/kernels") in (403, 404, 405)
    assert status_of(f"{base}api/kernels", "POST", b"{}") in (403, 404, 405)
    for path in (
        "api/sessions",
        "api/contents",
        "api/terminals",
        "api/kernelspecs",
        "lab",
        "tree",
        "terminals/1",
    ):
        assert status_of(base + path) in (403, 404, 405), path
    assert status_of(f"{base}voila/render/..%2Fm99%2Fsolution.ipynb") in (403, 404)
    assert status_of(f"{base}voila/render/../m99/solution.ipynb") in (403, 404)
    assert status_of(f"{base}voila/files/..%2F..%2Fcourse_config%2Fcourse.toml") in (403, 404)
    assert status_of(f"{base}voila/files/zz_fixture_button.ipynb") in (403, 404), (
        "app source must not download"
    )


def test_visitors_cannot_switch_the_page_to_another_template(present_server) -> None:
    """`?template=lab` would give Voila's own front end (and any template on the server's path)."""
    url = f"{present_server.url}voila/render/zz_fixture_button.ipynb?template=lab"
    with urllib.request.urlopen(url, timeout=60) as response:
        page = response.read().decode()
    assert "hocso-widgets.js" in page and "/voila/static/voila.js" not in page


def test_facilitator_only_apps_need_the_key_and_stay_out_of_the_gallery(present_server) -> None:
    base = present_server.url
    assert status_of(f"{base}voila/render/zz_private_scores.ipynb") == 403
    assert status_of(f"{base}voila/render/zz_private_scores.ipynb?key=guess") == 403
    # the key is exchanged for a session cookie (and an address without it), as a browser keeps it
    facilitator = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
    with facilitator.open(present_server.app_url("zz_private_scores")) as response:
        assert response.status == 200
    with urllib.request.urlopen(base) as response:
        assert "zz_private_scores" not in response.read().decode()
    with facilitator.open(present_server.facilitator_url) as response:
        assert 'data-app="zz_private_scores"' in response.read().decode()


def test_only_the_facilitator_key_changes_the_classroom(present_server) -> None:
    url = f"{present_server.url}hocso/classroom"
    body = json.dumps({"action": "reveal"}).encode()
    assert status_of(url, "POST", body) == 403
    assert status_of(url, "POST", body, {"X-Hocso-Key": "guess"}) == 403
    assert status_of(f"{present_server.url}hocso/facilitator") == 403
    assert status_of(f"{present_server.url}hocso/facilitator?key=guess") == 403
    with urllib.request.urlopen(url) as response:
        assert json.load(response)["reveal"] is False
    assert (
        status_of(
            url,
            "POST",
            json.dumps({"action": "hide"}).encode(),
            {"X-Hocso-Key": present_server.facilitator_key},
        )
        == 200
    )
