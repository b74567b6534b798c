"""An attacker on the classroom LAN against `hocso present`: each bypass found in issue 19, tried again.

Every test asserts the secure outcome. On the code before the lockdown (b866488) each of them failed:
the dashboard opened (200, with a kernel) in every spelling below, `?theme=` wrote a script into the
page, single-app mode served other apps, `/voila/tree` and `/voila/api/contents` (which listed the
dashboard), every GET started a kernel, a 1 MiB comm_open was forwarded and browser-made widgets
were created in the kernel, kernels had no memory limit, and the facilitator page linked the
dashboard without a working key.
"""

from __future__ import annotations

import asyncio
import http.client
import re
import urllib.parse
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psutil
import pytest
from tornado.websocket import websocket_connect

from hocso.present.visitor import _next_comm_data, _send

from .conftest import (
    BUTTON_APP,
    FIXTURE_APPS,
    PresentServer,
    build_course,
    pick_port,
    start_present,
    stop_present,
    write_app,
)

pytestmark = [pytest.mark.slow, pytest.mark.timeout(240)]

DASHBOARD_SPELLINGS = (
    "zz_private_scores.ipynb",
    "%7Az_private_scores.ipynb",  # %7A is "z"
    "zz%5Fprivate_scores.ipynb",
    "./zz_private_scores.ipynb",
    "/zz_private_scores.ipynb",  # //zz_private_scores.ipynb after /voila/render/
    "x/../zz_private_scores.ipynb",
    "zz_private_scores.ipynb/",
    "zz_private_scores",
    "zz_private_scores/",
)
THEME_ATTACK = 'x"><script>document.title="pwned"</script>'
CAP = 2


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]
    body: str


def raw_get(server_url: str, path: str, headers: dict[str, str] | None = None) -> Answer:
    """GET `path` exactly as written (no client-side normalisation), redirects not followed."""
    parts = urllib.parse.urlsplit(server_url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        body = response.read().decode("utf-8", "replace")
        return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, body)
    finally:
        connection.close()


def kernel_pids(server: PresentServer) -> list[int]:
    return [
        child.pid
        for child in psutil.Process(server.process.pid).children(recursive=True)
        if "ipykernel" in " ".join(child.cmdline())
    ]


@pytest.mark.parametrize("spelling", DASHBOARD_SPELLINGS)
def test_a_facilitator_only_app_in_any_spelling_needs_the_key(present_server, spelling: str) -> None:
    answer = raw_get(present_server.url, f"/voila/render/{spelling}")
    assert answer.status in (403, 404), f"{spelling} answered {answer.status}"
    assert "kernelId" not in answer.body


def test_theme_in_the_address_is_not_written_into_the_page(present_server) -> None:
    query = urllib.parse.urlencode({"theme": THEME_ATTACK})
    answer = raw_get(present_server.url, f"/voila/render/zz_fixture_button.ipynb?{query}")
    assert answer.status == 200
    assert "pwned" not in answer.body and "<script>document.title" not in answer.body


@pytest.mark.parametrize(
    "path", ["/voila/tree", "/voila/tree/", "/voila/api/contents", "/voila/api/contents/", "/login"]
)
def test_the_gallery_server_lists_no_apps_or_files(present_server, path: str) -> None:
    answer = raw_get(present_server.url, path)
    assert answer.status == 404
    assert "zz_private_scores" not in answer.body and ".ipynb" not in answer.body


@pytest.fixture(scope="module")
def single_app_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PresentServer]:
    """`hocso present zz_fixture_button` with no warm kernels, a cap of two visitor kernels and a
    400 MiB kernel memory limit."""
    root = tmp_path_factory.mktemp("lockdown")
    apps = {name: FIXTURE_APPS[name] for name in ("zz_fixture_button", "zz_fixture_quiz")}
    course = build_course(root / "course", apps, pool_size=0, real_apps=False)
    toml = course / "course_config" / "course.toml"
    text = toml.read_text(encoding="utf-8").replace(
        "[present]", f"[present]\nmax_visitor_kernels = {CAP}\nkernel_memory_mb = 400", 1
    )
    toml.write_text(text, encoding="utf-8")
    server = start_present(course, pick_port(), root / "home", "zz_fixture_button")
    yield server
    stop_present(server.process)


@pytest.fixture(scope="module")
def full_class(single_app_server: PresentServer) -> list[str]:
    """Visitors open the app until the server refuses one; their kernel ids. start_present's own
    readiness requests (retried every 2 s on a loaded machine) may already have used the cap, so
    then the facilitator's page (not counted) gives a kernel to attack."""
    ids = []
    for _ in range(CAP):
        answer = raw_get(single_app_server.url, "/voila/render/zz_fixture_button.ipynb")
        if answer.status == 503:
            break
        assert answer.status == 200
        ids.append(re.search(r'"kernelId": "([0-9a-f-]{36})"', answer.body).group(1))
    if not ids:
        cookie = facilitator_cookie(single_app_server)
        answer = raw_get(single_app_server.url, "/voila/render/zz_fixture_button.ipynb", {"Cookie": cookie})
        ids.append(re.search(r'"kernelId": "([0-9a-f-]{36})"', answer.body).group(1))
    return ids


@pytest.mark.parametrize(
    "path",
    [
        "/voila/render/zz_fixture_quiz.ipynb",
        "/voila/render/zz_fixture_quiz",
        "/voila/render/./zz_fixture_quiz.ipynb",
        "/voila/tree",
        "/voila/api/contents",
    ],
)
def test_single_app_mode_serves_that_app_only(single_app_server, path: str) -> None:
    answer = raw_get(single_app_server.url, path)
    assert answer.status == 404, f"{path} answered {answer.status}"
    assert "zz_fixture_quiz" not in answer.body


def test_beyond_the_cap_a_visitor_gets_a_class_is_full_page(single_app_server, full_class) -> None:
    kernels_before = len(kernel_pids(single_app_server))
    answer = raw_get(single_app_server.url, "/voila/render/zz_fixture_button.ipynb")
    assert answer.status == 503
    assert answer.headers.get("retry-after") == "60"
    assert "Lớp đã đủ chỗ" in answer.body and "thử lại sau một phút" in answer.body
    assert "The class is full" not in answer.body, "a vi course shows vi only"
    assert "kernelId" not in answer.body
    assert len(kernel_pids(single_app_server)) == kernels_before, "a refused visitor started a kernel"


def test_the_facilitator_is_not_counted_against_the_class(single_app_server, full_class) -> None:
    cookie = facilitator_cookie(single_app_server)
    answer = raw_get(single_app_server.url, "/voila/render/zz_fixture_button.ipynb", {"Cookie": cookie})
    assert answer.status == 200


def test_app_kernels_run_under_the_memory_limit(single_app_server, full_class) -> None:
    pids = kernel_pids(single_app_server)
    assert pids
    for pid in pids:
        soft, hard = psutil.Process(pid).rlimit(psutil.RLIMIT_AS)
        assert soft == hard == 400 * 2**20, f"kernel {pid} may use {soft} bytes of address space"


async def widget_count(ws_url: str) -> int:
    connection = await websocket_connect(ws_url)
    try:
        control = uuid.uuid4().hex
        opening = {"comm_id": control, "target_name": "jupyter.widget.control", "data": {}}
        await _send(connection, "comm_open", opening, {"version": "1.0.0"})
        await _send(connection, "comm_msg", {"comm_id": control, "data": {"method": "request_states"}})
        return len((await _next_comm_data(connection, "update_states"))["states"])
    finally:
        connection.close()


async def closed_by_server(connection, seconds: float = 15) -> bool:
    """Read (kernel status messages may come first) until the server closes, or `seconds` pass."""
    try:
        async with asyncio.timeout(seconds):
            while await connection.read_message() is not None:
                pass
    except TimeoutError:
        return False
    return True


async def flood(ws_url: str) -> tuple[bool, int]:
    """A 1 MiB comm_open (is the connection closed?), then 40 widgets made by the browser; return
    whether the big message closed the connection and how many widgets the kernel holds after."""
    connection = await websocket_connect(ws_url)
    big = {"comm_id": uuid.uuid4().hex, "target_name": "jupyter.widget.control", "data": {"x": "a" * 2**20}}
    await _send(connection, "comm_open", big)
    closed = await closed_by_server(connection)
    connection.close()
    connection = await websocket_connect(ws_url)
    state = {"_model_name": "IntSliderModel", "_model_module": "@jupyter-widgets/controls",
             "_model_module_version": "2.0.0", "_view_name": "IntSliderView",
             "_view_module": "@jupyter-widgets/controls", "_view_module_version": "2.0.0"}  # fmt: skip
    for _ in range(40):
        opening = {"comm_id": uuid.uuid4().hex, "target_name": "jupyter.widget",
                   "data": {"state": state, "buffer_paths": []}}  # fmt: skip
        await _send(connection, "comm_open", opening, {"version": "2.1.0"})
    connection.close()
    return closed, await widget_count(ws_url)


def test_a_visitor_cannot_flood_their_kernel_with_messages_or_widgets(
    single_app_server, full_class, run_async
) -> None:
    base = single_app_server.url.replace("http", "ws")
    ws_url = f"{base}api/kernels/{full_class[0]}/channels?session_id={uuid.uuid4().hex}"
    before = run_async(widget_count(ws_url))
    closed, after = run_async(flood(ws_url))
    assert closed, "the server kept a connection that sent a 1 MiB message"
    assert after == before, f"the browser created {after - before} widgets in the kernel"


def facilitator_cookie(server: PresentServer) -> str:
    """Open the facilitator's link as printed; return the cookie it sets (checking the exchange)."""
    path = server.facilitator_url.split(server.url.rstrip("/"), 1)[1]
    answer = raw_get(server.url, path)
    assert answer.status in (302, 303)
    assert server.facilitator_key not in answer.headers["location"]
    set_cookie = answer.headers["set-cookie"]
    assert "httponly" in set_cookie.lower() and server.facilitator_key not in set_cookie
    return set_cookie.split(";", 1)[0]


def test_the_facilitator_reaches_the_dashboard_without_the_key_in_any_address(present_server) -> None:
    cookie = facilitator_cookie(present_server)
    page = raw_get(present_server.url, "/hocso/facilitator", {"Cookie": cookie})
    assert page.status == 200
    links = re.findall(r'href="([^"]+)"', page.body)
    dashboard = next(link for link in links if "zz_private_scores" in link)
    assert present_server.facilitator_key not in " ".join(links)
    assert raw_get(present_server.url, dashboard).status == 403, "the link alone opens nothing"
    answer = raw_get(present_server.url, dashboard, {"Cookie": cookie})
    assert answer.status == 200 and "kernelId" in answer.body


def test_presenting_a_facilitator_only_app_shows_learners_no_qr_code(tmp_path: Path) -> None:
    course = build_course(tmp_path / "course", {}, pool_size=0, real_apps=False)
    write_app(
        course / "notebooks" / "apps", "zz_private_scores", ("Điểm", "Scores"), BUTTON_APP, "facilitator"
    )
    server = start_present(course, pick_port(), tmp_path / "home", "zz_private_scores")
    try:
        printed = (course / "present.log").read_text(encoding="utf-8")
        assert "quét mã QR" not in printed and not set("▀▄█") & set(printed), (
            "a QR code for learners was printed"
        )
        link = re.search(r"(http://\S+/voila/render/zz_private_scores\.ipynb\?key=\S+)", printed).group(1)
        learner = raw_get(server.url, "/")
        assert "Chỉ dành cho người hướng dẫn" in learner.body and "render" not in learner.body
        exchange = raw_get(server.url, link.split(server.url.rstrip("/"), 1)[1])
        assert exchange.status in (302, 303) and "key=" not in exchange.headers["location"]
        cookie = exchange.headers["set-cookie"].split(";", 1)[0]
        answer = raw_get(server.url, exchange.headers["location"], {"Cookie": cookie})
        assert answer.status == 200 and "kernelId" in answer.body
    finally:
        stop_present(server.process)
