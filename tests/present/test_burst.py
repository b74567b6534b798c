"""A class arriving at once: `hocso present APP --class-size N` warms one kernel per learner before
they come, says when it is ready, and every learner of the burst gets working widgets, even when
warm kernels died while they waited; a class's kernels are forked from the server's zygote with
each kernel's own limits, environment and visitor id."""

from __future__ import annotations

import json
import re
import signal
import tempfile
import time
from pathlib import Path

import psutil
import pytest
from jupyter_client import BlockingKernelClient

from hocso.config import load_course
from hocso.config.errors import CourseConfigError
from hocso.present.kernel_zygote import is_forked_kernel
from hocso.present.visitor import classroom

from .conftest import FIXTURE_APPS, build_course, pick_port, start_present, stop_present

CLASS = 4
MEMORY_LIMIT = 512 * 2**20  # course.toml's default [present] kernel_memory_mb
# what a kernel says about itself, asked over its own connection file (never through the server)
SELF_REPORT = """import json, os, resource, sys
live = sys.modules.get("hocso.present.live")
print(json.dumps({"pid": os.getpid(), "address_space": resource.getrlimit(resource.RLIMIT_AS)[0],
                  "visitor": getattr(live, "VISITOR_ID", None), "arenas": os.environ.get("MALLOC_ARENA_MAX"),
                  "kernel_key": bool(os.environ.get("HOCSO_PRESENT_KERNEL_KEY")),
                  "remote_key": bool(os.environ.get("OPENAI_API_KEY"))}))"""
REMOTE_KEY = "sk-test-burst-remote-key-0123456789"


def test_class_size_is_validated_with_the_field_named(tmp_path: Path) -> None:
    course = build_course(tmp_path / "course", {}, pool_size=1, real_apps=False)
    toml = course / "course_config" / "course.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("[present]", "[present]\nclass_size = 0", 1))
    with pytest.raises(CourseConfigError, match="class_size"):
        load_course(course)


@pytest.mark.slow
@pytest.mark.timeout(400)
def test_a_class_gets_warm_kernels_a_ready_message_and_working_widgets(tmp_path: Path, run_async) -> None:
    course = build_course(
        tmp_path / "course", {"zz_fixture_button": FIXTURE_APPS["zz_fixture_button"]}, 0, False
    )
    server = start_present(
        course,
        pick_port(),
        tmp_path / "home",
        "zz_fixture_button",
        "--class-size",
        str(CLASS),
        env={"OPENAI_API_KEY": REMOTE_KEY},  # the server's secret: never in a kernel's memory
    )
    try:
        log = course / "present.log"
        deadline = time.monotonic() + 240
        while "Sẵn sàng cho lớp học" not in log.read_text(encoding="utf-8") and time.monotonic() < deadline:
            time.sleep(0.5)
        printed = log.read_text(encoding="utf-8")
        assert f"Đang chuẩn bị cho lớp {CLASS} người" in printed
        ready = re.search(r"Sẵn sàng cho lớp học: (\d+) kernel", printed)
        # start_present's own requests (/ redirects to the app; retried after 2 s) may have taken some:
        # waiting ones and taken ones together are the class
        assert ready and int(ready.group(1)) >= 1, printed[-2000:]
        assert len(_kernels(server.process.pid)) >= CLASS
        assert "Ready for the class" not in printed, "a vi course speaks vi only"
        app_url = server.app_url("zz_fixture_button")
        first = run_async(classroom(app_url, 2, timeout=120))
        assert [r.error for r in first] == ["", ""]
        assert all(r.widgets >= 2 for r in first)

        reports = [_self_report(r.kernel_id) for r in first]
        for report in reports:
            assert report["address_space"] == MEMORY_LIMIT, "the kernel's own RLIMIT_AS"
            assert report["arenas"] == "2" and report["kernel_key"], "the kernel's own environment"
            assert not report["remote_key"], "the kernel's environment has no server secret"
            kernel = psutil.Process(report["pid"])
            assert is_forked_kernel(kernel), "forked from the zygote"
            # what /proc shows for a forked kernel is the zygote's own start-up environment
            assert REMOTE_KEY not in "".join(kernel.environ().values())
            assert REMOTE_KEY not in "".join(kernel.parent().environ().values())
        assert len({report["visitor"] for report in reports}) == 2, "one visitor id per kernel"

        # Every kernel dies (warm ones waiting for the class included); then the rest of the class
        # arrives. Voila handed out dead warm kernels in turn (pages whose widgets never answer).
        killed = _kill_every_kernel(server.process.pid)
        assert killed >= CLASS, "the warm kernels were running"
        rest = run_async(classroom(app_url, CLASS + 1 - len(first), timeout=120))
        assert [r.error for r in rest] == [""] * len(rest), log.read_text(encoding="utf-8")[-3000:]
        assert all(r.widgets >= 2 for r in rest)
        assert not {r.kernel_id for r in rest} & {r.kernel_id for r in first}
    finally:
        stop_present(server.process)


def _self_report(kernel_id: str) -> dict:
    """Run SELF_REPORT in a kernel through its connection file, as only its own machine's user can."""
    # Voila keeps its kernels' connection files in a folder of its own under the temporary folder
    (connection_file,) = Path(tempfile.gettempdir()).glob(f"voila_*/kernel-{kernel_id}.json")
    client = BlockingKernelClient(connection_file=str(connection_file))
    client.load_connection_file()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=60)
        printed: list[str] = []

        def keep(message: dict) -> None:
            if message["msg_type"] == "stream":
                printed.append(message["content"]["text"])

        client.execute_interactive(SELF_REPORT, timeout=60, output_hook=keep, store_history=False)
    finally:
        client.stop_channels()
    return json.loads("".join(printed))


def _kernels(server_pid: int) -> list[psutil.Process]:
    found = []
    for process in psutil.Process(server_pid).children(recursive=True):
        try:
            if is_forked_kernel(process) or "ipykernel" in " ".join(process.cmdline()):
                found.append(process)
        except psutil.NoSuchProcess:
            continue
    return found


def _kill_every_kernel(server_pid: int) -> int:
    kernels = _kernels(server_pid)
    for process in kernels:
        try:
            process.send_signal(signal.SIGKILL)
        except psutil.NoSuchProcess:
            continue
    time.sleep(1)  # gone, as far as the server can tell (it polls)
    return len(kernels)
