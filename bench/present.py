"""How fast a learner's phone gets working widgets: `hocso present` (warm kernels) vs plain `voila NOTEBOOK`.

For every app in notebooks/apps (a fixture button app when there are none yet), in real headless
Chromium: time from the request to the first widget on screen (Voila draws widgets only once its
manager is connected to the kernel, so they are interactive then). `hocso present` runs once, warm,
with one preheated kernel per app; plain `voila NOTEBOOK` is started per app with its defaults and
every request starts a kernel cold. Then a classroom burst of simulated visitors on the warm server
gives the memory per visitor (PSS). Last line:

    present: speedup_median=<x> ms_median=<n> mb_per_visitor=<n>
"""

from __future__ import annotations

import argparse
import asyncio
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import psutil
from nbformat import v4
from playwright.sync_api import Browser, Page, sync_playwright

from hocso.present.apps import discover_apps
from hocso.present.visitor import classroom, server_memory_mb

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
REFILL_DELAY = 2.0  # course.toml's default
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip
WIDGET = ".jupyter-widgets.widget-button, .jupyter-widgets button, .widget-button, .jupyter-widgets"
BUTTON_APP = """import ipywidgets as widgets
from IPython.display import display
label = widgets.Label("Chưa bấm · Not clicked")
button = widgets.Button(description="Bấm thử · Try me")
button.on_click(lambda _: setattr(label, "value", "Đã bấm · Clicked"))
display(widgets.VBox([button, label]))"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_listening(port: int, process: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server exited with {process.returncode}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise SystemExit(f"nothing listens on port {port} after {timeout}s")


def stop(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def build_course(target: Path) -> list[Path]:
    """A course copy with the real learner apps (or one fixture app) and one warm kernel per app.
    Facilitator-only apps (learners' data) are left out: learners' phones never open them."""
    shutil.copytree(REPO / "course_config", target / "course_config")
    apps = target / "notebooks" / "apps"
    real = REPO / "notebooks" / "apps"
    shutil.copytree(real, apps) if real.is_dir() else apps.mkdir(parents=True)
    for app in discover_apps(apps):
        if app.facilitator_only:
            app.path.unlink()
    if not any(apps.glob("*.ipynb")):
        notebook = v4.new_notebook(cells=[v4.new_markdown_cell("# Bench"), v4.new_code_cell(BUTTON_APP)])
        notebook.metadata["kernelspec"] = {
            "name": "python3",
            "display_name": "Python 3",
            "language": "python",
        }
        nbformat.write(notebook, apps / "bench_button.ipynb")
    toml = target / "course_config" / "course.toml"
    text = re.sub(r"(?m)^pool_size = \d+", "pool_size = 1", toml.read_text(encoding="utf-8"))
    toml.write_text(
        re.sub(r"(?m)^refill_delay_seconds = [0-9.]+", f"refill_delay_seconds = {REFILL_DELAY}", text)
    )
    return sorted(apps.glob("*.ipynb"))


PAGE_MS: list[tuple[str, float]] = []  # (url, ms until the page's HTML was fully received)


def time_to_widgets(page: Page, url: str) -> float:
    """Milliseconds from the request to the first widget on screen (the page's HTML time is kept
    aside: it is the part the server controls, kernel start and app run included)."""
    start = time.perf_counter()
    page.goto(url, wait_until="commit", timeout=180_000)
    page.wait_for_selector(WIDGET, state="visible", timeout=180_000)
    elapsed = (time.perf_counter() - start) * 1000
    PAGE_MS.append((url, page.evaluate("performance.getEntriesByType('navigation')[0].responseEnd")))
    return elapsed


def visits(
    browser: Browser, url: str, reps: int, settle: Callable[[], None]
) -> tuple[list[float], list[float]]:
    """Per rep, one visit in a fresh browser profile (a phone's very first page) and one more in
    the same profile (Voila's scripts cached: a learner's next app, the projector)."""
    fresh, primed = [], []
    for _ in range(reps):
        settle()
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        try:
            fresh.append(time_to_widgets(context.new_page(), url))
            settle()
            primed.append(time_to_widgets(context.new_page(), url))
        finally:
            context.close()
    return fresh, primed


def measure_warm(
    browser: Browser, course: Path, apps: list[Path], reps: int
) -> tuple[dict[str, list[float]], float]:
    port = free_port()
    command = [sys.executable, "-m", "hocso", "present", "--course", str(course), "--port", str(port)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_listening(port, process)
        times = {}
        for app in apps:
            url = f"http://127.0.0.1:{port}/voila/render/{app.name}"
            times[app.stem] = visits(browser, url, reps, lambda: wait_until_settled(process))
        visitors = 10 if reps == 1 else 30
        wait_until_settled(process)
        before = server_memory_mb(process.pid)
        url = f"http://127.0.0.1:{port}/voila/render/{apps[0].name}"
        with ThreadPoolExecutor(1) as thread:  # Playwright's sync API owns this thread's event loop
            results = thread.submit(asyncio.run, classroom(url, visitors)).result()
        after = server_memory_mb(process.pid)
        failed = [r.error for r in results if not r.ok]
        if failed:
            raise SystemExit(f"{len(failed)} of {visitors} visitors failed: {failed[0]}")
        print(f"classroom: {visitors} visitors at once, all interactive; PSS {before:.0f} -> {after:.0f} MB")
        return times, (after - before) / visitors
    finally:
        stop(process)


def wait_until_settled(process: subprocess.Popen, timeout: float = 120) -> None:
    """Wait until the server and its kernels are idle: used warm kernels have been replaced and the
    new ones have run their app, so the next visitor meets a full pool (as a class would)."""
    time.sleep(REFILL_DELAY + 0.5)  # the replacement kernel starts only after the refill delay
    deadline = time.monotonic() + timeout
    quiet = 0
    while quiet < 2 and time.monotonic() < deadline:
        tree = [psutil.Process(process.pid), *psutil.Process(process.pid).children(recursive=True)]
        before = sum(sum(p.cpu_times()[:2]) for p in tree if p.is_running())
        time.sleep(0.5)
        after = sum(sum(p.cpu_times()[:2]) for p in tree if p.is_running())
        quiet = quiet + 1 if after - before < 0.03 else 0


def measure_cold(browser: Browser, apps: list[Path], reps: int) -> dict[str, tuple[list[float], list[float]]]:
    voila = str(Path(sys.executable).parent / "voila")
    times: dict[str, tuple[list[float], list[float]]] = {}
    for app in apps:
        port = free_port()
        command = [voila, str(app), "--no-browser", f"--port={port}", "--Voila.ip=127.0.0.1"]
        process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=app.parent
        )
        try:
            wait_listening(port, process)
            times[app.stem] = visits(browser, f"http://127.0.0.1:{port}/", reps, lambda: None)
        finally:
            stop(process)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="one visit per app and 10 visitors (development)"
    )
    args = parser.parse_args()
    reps = 1 if args.quick else 3
    with tempfile.TemporaryDirectory(prefix="hocso-bench-present-") as tmp, sync_playwright() as playwright:
        apps = build_course(Path(tmp) / "course")
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            warm, mb_per_visitor = measure_warm(browser, Path(tmp) / "course", apps, reps)
            cold = measure_cold(browser, apps, reps)
        finally:
            browser.close()
    print(f"{'app':28} {'present ms':>17} {'voila cold ms':>17} {'speedup':>15}")
    print(f"{'':28} {'fresh / cached':>17} {'fresh / cached':>17} {'fresh / cached':>15}")
    fresh_speedups, speedups, warm_medians = [], [], []
    for app in apps:
        (wf, wp), (cf, cp) = warm[app.stem], cold[app.stem]
        wf, wp, cf, cp = (statistics.median(x) for x in (wf, wp, cf, cp))
        fresh_speedups.append(cf / wf)
        speedups.append(cp / wp)
        warm_medians.append(wp)
        print(f"{app.stem:28} {wf:8.0f} / {wp:6.0f} {cf:8.0f} / {cp:6.0f} {cf / wf:7.1f} / {cp / wp:5.1f}")
    warm_html = statistics.median(ms for url, ms in PAGE_MS if "/voila/render/" in url)
    cold_html = statistics.median(ms for url, ms in PAGE_MS if "/voila/render/" not in url)
    print(f"page HTML received: present {warm_html:.0f} ms, voila cold {cold_html:.0f} ms (server side only)")
    print(f"fresh-profile speedup_median={statistics.median(fresh_speedups):.1f} (first page on a new phone)")
    print(
        f"present: speedup_median={statistics.median(speedups):.1f} "
        f"ms_median={statistics.median(warm_medians):.0f} mb_per_visitor={mb_per_visitor:.0f}"
    )


if __name__ == "__main__":
    main()
