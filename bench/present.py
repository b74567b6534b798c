"""How fast a learner's phone gets working widgets: `hocso present` against plain `voila NOTEBOOK` started cold.

Both sides run every learner app of notebooks/apps (a fixture button app when there are none) in
real headless Chromium, in one run, and stop the clock when the first widget is on screen (Voila
draws widgets only once its manager is connected to the kernel, so they are interactive then).

* hocso present (warm): `hocso present` is already running, as it is before a class starts, with
  course.toml's warm pools (pool_size 1 here); the clock starts when the visitor requests the app.
* plain voila (cold): the facilitator runs `voila APP.ipynb`; the clock starts when that command is
  launched and the visitor requests the page as soon as the port accepts connections (server
  process start, kernel start and notebook execution are all on the learner's clock). Each visit
  gets a freshly started server.

Each side is measured with a fresh browser profile (a phone's very first page: every script is
downloaded) and a cached one (the phone has opened a page of that server before: the projector, a
learner's next app). The headline speedup uses the cached visits; the fresh ones are printed too,
and so is the speedup against a voila server that is already running (clock from the request).
Then a classroom burst of simulated visitors on the warm server gives the memory per visitor (PSS).
Every visit is also timed by the page's own clock (a mutation observer marks the first frame with a
widget on screen), which has no polling delay; its speedups are printed before the headline, which
keeps Playwright's wait_for_selector clock.

The burst (`--burst` runs it alone, in a few minutes): `hocso present APP --class-size 40` is started
and the clock waits until it says it is ready (one warm kernel per learner); then 40 scripted visitors
(hocso.present.visitor: page, kernel websocket, widget states, a click, the widget's update) open the
app at the same moment, while the facilitator page is fetched every 0.2 s. The anchor is plain
`voila notebooks/apps` (its defaults: a kernel started per page) under the same burst.
`mb_per_visitor` is the whole server's memory after the burst (PSS of the server and every kernel,
warm ones left included, and hocso's kernel zygote) less the server process alone before it, per
visitor; a line before the burst gives the PSS of each warm kernel. A visitor that fails is counted at
the visitors' timeout (240 s); the headline then names why (``failed_why=``, ``voila_failed_why=``:
what the visitors saw, and the server's cause when its log names one, e.g. a kernel whose port another
process took) and whether plain voila's p95 is a lower bound (``voila_p95_is=lower_bound``). Last lines:

    burst: burst_p95_s=<n> mb_per_visitor=<n> class_size=40 voila_p95_s=<n> voila_mb_per_visitor=<n> ...
    present: speedup_median=<x> ms_median=<n> mb_per_visitor=<n>
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import nbformat
import psutil
from nbclient import NotebookClient
from nbformat import v4
from playwright.sync_api import Browser, BrowserContext, sync_playwright

from hocso.chromium import HEADLESS_FLAGS
from hocso.present.apps import discover_apps
from hocso.present.kernel_zygote import is_forked_kernel
from hocso.present.visitor import VisitResult, classroom, server_memory_mb

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
REFILL_DELAY = 2.0  # course.toml's default
CLASS_SIZE = 40
BURST_APP = "m05_links"  # the burst: 40 phones opening m05 at once
VISIT_TIMEOUT = 240.0  # hocso.present.visitor.classroom's default
# An offline classroom, the same for both sides: other hosts fail at once (plain voila's page asks a
# CDN for Font Awesome; a slow DNS timeout would inflate it).
CHROMIUM_ARGS = [*HEADLESS_FLAGS, "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]
WIDGET = ".jupyter-widgets.widget-button, .jupyter-widgets button, .widget-button, .jupyter-widgets"
# The page's own clock for "first widget on screen": Playwright's wait_for_selector polls on a backoff
# (0, 20, 50, 100, 100 ms, then every 500 ms), so the time it reports lands on the next poll, up to
# 500 ms after the widget appeared. This observer marks the first frame after a widget is visible.
SHOWN_MARK = "hocso-first-widget-shown"
SHOWN_SCRIPT = f"""(() => {{
  const observer = new MutationObserver(() => {{
    const widget = document.querySelector({json.dumps(WIDGET)});
    if (!widget) return;
    const box = widget.getBoundingClientRect();
    if (!box.width || !box.height || getComputedStyle(widget).visibility === "hidden") return;
    observer.disconnect();
    requestAnimationFrame(() => setTimeout(() => performance.mark("{SHOWN_MARK}"), 0));
  }});
  observer.observe(document, {{subtree: true, childList: true, attributes: true}});
}})();"""
BUTTON_APP = """import ipywidgets as widgets
from IPython.display import display
label = widgets.Label("Chưa bấm · Not clicked")
button = widgets.Button(description="Bấm thử · Try me")
button.on_click(lambda _: setattr(label, "value", "Đã bấm · Clicked"))
display(widgets.VBox([button, label]))"""


@dataclass(frozen=True)
class Visit:
    """One page visit, in ms from the start of its clock (request, or server launch when cold)."""

    total: float  # clock start -> first widget on screen
    server_start: float  # clock start -> port accepts (0 when the server was already running)
    html: float  # request -> page HTML fully received (kernel start and app run when cold)
    scripts: float  # HTML received -> load event (static files, JS parse and run)
    widgets: float  # load event -> first widget (extensions, kernel connection, states, render)
    shown: float  # clock start -> first widget on screen by the page's own clock (no polling delay)

    @property
    def from_request(self) -> float:
        return self.total - self.server_start


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def launch(command: list[str], cwd: Path | None = None) -> subprocess.Popen:
    """Start a server whose output goes to a temporary file (shown if it exits early)."""
    log = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 - lives as long as the server
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, cwd=cwd)
    process.output = log  # type: ignore[attr-defined]  # Popen.stdout is None for a file
    return process


def output_of(process: subprocess.Popen) -> str:
    log = process.output  # type: ignore[attr-defined]
    log.seek(0)
    return log.read()


def wait_listening(port: int, process: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = output_of(process)
            raise SystemExit(f"{process.args[:2]} exited with {process.returncode}:\n{output[-3000:]}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.02)
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


def visit(context: BrowserContext, url: str, clock_start: float, listening_at: float) -> Visit:
    """Open `url` in a new tab of `context` and time it until the first widget is on screen."""
    page = context.new_page()
    page.add_init_script(SHOWN_SCRIPT)
    try:
        requested = time.perf_counter()
        page.goto(url, wait_until="commit", timeout=180_000)
        page.wait_for_selector(WIDGET, state="visible", timeout=180_000)
        seen = time.perf_counter()
        page.wait_for_function(f"performance.getEntriesByName('{SHOWN_MARK}').length > 0", timeout=30_000)
        html_end, load_end, shown_epoch_ms = page.evaluate(
            "(() => { const n = performance.getEntriesByType('navigation')[0];"
            f" const shown = performance.getEntriesByName('{SHOWN_MARK}')[0].startTime;"
            " return [n.responseEnd, n.loadEventStart || performance.now(), performance.timeOrigin + shown]; })()"
        )
    finally:
        page.close()
    widgets = (seen - requested) * 1000 - load_end
    clock_start_epoch_ms = (clock_start + time.time() - time.perf_counter()) * 1000
    return Visit(
        total=(seen - clock_start) * 1000,
        server_start=(listening_at - clock_start) * 1000,
        html=html_end,
        scripts=load_end - html_end,
        widgets=widgets,
        shown=shown_epoch_ms - clock_start_epoch_ms,
    )


def measure_warm(
    browser: Browser, course: Path, apps: list[Path], reps: int
) -> tuple[dict[str, tuple[list[Visit], list[Visit]]], float]:
    port = free_port()
    command = [sys.executable, "-m", "hocso", "present", "--course", str(course), "--port", str(port)]
    process = launch(command)
    try:
        wait_listening(port, process)
        times = {}
        for app in apps:
            url = f"http://127.0.0.1:{port}/voila/render/{app.name}"
            fresh, cached = [], []
            for _ in range(reps):
                context = browser.new_context(viewport={"width": 1280, "height": 800})
                try:
                    for visits in (fresh, cached):
                        wait_until_settled(process)
                        now = time.perf_counter()
                        visits.append(visit(context, url, now, now))
                finally:
                    context.close()
            times[app.stem] = (fresh, cached)
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


def cold_visit(context: BrowserContext, app: Path, port: int) -> Visit:
    """Launch `voila APP` (defaults, as a facilitator would), visit it as soon as it listens, stop it."""
    voila = str(Path(sys.executable).parent / "voila")
    command = [voila, str(app), "--no-browser", f"--port={port}", "--Voila.ip=127.0.0.1"]
    launched = time.perf_counter()
    process = launch(command, cwd=app.parent)
    try:
        wait_listening(port, process)
        return visit(context, f"http://127.0.0.1:{port}/", launched, time.perf_counter())
    finally:
        stop(process)


def measure_cold(browser: Browser, apps: list[Path], reps: int) -> dict[str, tuple[list[Visit], list[Visit]]]:
    """Per rep: a new profile opens a freshly started voila (fresh), then, with the scripts that
    visit cached, another freshly started voila on the same address (cached)."""
    times: dict[str, tuple[list[Visit], list[Visit]]] = {}
    port = free_port()  # one address for every cold server, so a profile's cache applies
    for app in apps:
        fresh, cached = [], []
        for _ in range(reps):
            context = browser.new_context(viewport={"width": 1280, "height": 800})
            try:
                fresh.append(cold_visit(context, app, port))
                cached.append(cold_visit(context, app, port))
            finally:
                context.close()
        times[app.stem] = (fresh, cached)
    return times


def kernel_and_run_ms(app: Path) -> tuple[float, float]:
    """Kernel start (until it answers) and the app's run in that kernel, outside any server."""
    notebook = nbformat.read(app, as_version=4)
    client = NotebookClient(
        notebook, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(app.parent)}}
    )
    started = time.perf_counter()
    with client.setup_kernel():
        ready = time.perf_counter()
        for index, cell in enumerate(notebook.cells):
            client.execute_cell(cell, index)
        done = time.perf_counter()
    return (ready - started) * 1000, (done - ready) * 1000


def median_of(visits: list[Visit], part: Callable[[Visit], float]) -> float:
    return statistics.median(part(v) for v in visits)


def print_breakdown(label: str, visits: list[Visit]) -> None:
    parts = {
        "server start": lambda v: v.server_start,
        "page HTML": lambda v: v.html,
        "scripts": lambda v: v.scripts,
        "widgets": lambda v: v.widgets,
        "total": lambda v: v.total,
        "in-page": lambda v: v.shown,
    }
    cells = " ".join(f"{name} {median_of(visits, fn):6.0f}" for name, fn in parts.items())
    print(f"  {label:22} {cells}")


@dataclass(frozen=True)
class Burst:
    """A class opening one app at once: time to interactive per visitor and memory per visitor."""

    seconds: list[float]
    mb_per_visitor: float
    ready_seconds: float  # server start -> ready for the class (0 for plain voila: nothing to wait for)
    facilitator_ms_max: float
    failed: int = 0
    why: str = ""  # the commonest failure, as a word for the headline ("" when none failed)

    @property
    def p95(self) -> float:
        return statistics.quantiles(self.seconds, n=20)[-1] if len(self.seconds) > 1 else self.seconds[0]

    @property
    def p95_is(self) -> str:
        """ "lower_bound" when failed visitors (counted at the visitors' timeout) reach the p95 rank."""
        return "lower_bound" if self.failed > len(self.seconds) // 20 else "measured"


def failure_word(error: str, server_output: str) -> str:
    """One word for why visitors failed: what the visitor saw, and the server's cause when it names one."""
    seen = (
        "no_page_in_time" if "did not load" in error
        else "page_without_kernel" if "no kernel id" in error
        else "widgets_silent" if "widgets did not respond" in error
        else "http_" + error.rsplit(" ", 1)[-1] if "HTTP" in error
        else "other"
    )  # fmt: skip
    if "Address already in use" in server_output:
        return f"{seen}+kernel_port_taken"
    if "died before replying" in server_output:
        return f"{seen}+kernel_died_at_start"
    return seen


def burst_app(apps: list[Path]) -> Path:
    return next((app for app in apps if app.stem == BURST_APP), apps[0])


def wait_for_line(process: subprocess.Popen, needle: str, timeout: float = 1200) -> None:
    """Wait until the server's output has a line containing `needle`."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        output = output_of(process)
        if needle in output:
            return
        if process.poll() is not None:
            raise SystemExit(f"{process.args[:3]} exited with {process.returncode}:\n{output[-3000:]}")
        time.sleep(0.2)
    raise SystemExit(f"no {needle!r} after {timeout}s")


async def burst_with_facilitator(
    app_url: str, facilitator_url: str, visitors: int
) -> tuple[list[VisitResult], float]:
    """`visitors` at once, and the slowest facilitator-page answer while they arrive."""
    from tornado.httpclient import AsyncHTTPClient

    slowest = 0.0
    done = asyncio.Event()

    async def facilitator() -> None:
        nonlocal slowest
        client = AsyncHTTPClient(force_instance=True)
        try:
            while not done.is_set():
                started = time.monotonic()
                await client.fetch(facilitator_url, request_timeout=120, raise_error=False)
                slowest = max(slowest, time.monotonic() - started)
                await asyncio.sleep(0.2)
        finally:
            client.close()

    watcher = asyncio.create_task(facilitator()) if facilitator_url else None
    results = await classroom(app_url, visitors)
    done.set()
    if watcher:
        await watcher
    return results, slowest * 1000


def print_kernel_memory(side: str, pid: int, server_mb: float) -> None:
    """PSS of each kernel before the burst, and of the server's other processes (hocso's zygote)."""
    kernels, others = [], 0.0
    for child in psutil.Process(pid).children(recursive=True):
        try:
            pss = child.memory_full_info().pss / 2**20
            if is_forked_kernel(child) or "ipykernel" in " ".join(child.cmdline()):
                kernels.append(pss)
            else:
                others += pss
        except psutil.NoSuchProcess:
            continue
    each = statistics.mean(kernels) if kernels else 0.0
    print(
        f"{side}: before the burst {len(kernels)} kernels, PSS {each:.1f} MB each; server {server_mb:.0f} MB, "
        f"its other processes (zygote) {others:.0f} MB",
        flush=True,
    )


def print_server_problems(side: str, output: str, lines: int = 12) -> None:
    """The server's own account of a failed visit: its last warnings and errors."""
    problems = [line for line in output.splitlines() if re.search(r"Error|Traceback|WARNING|\[W |\[E ", line)]
    for line in problems[-lines:]:
        print(f"  {side} server: {line[:300]}")


def run_burst(command: list[str], port: int, url_path: str, ready: str, visitors: int) -> Burst:
    launched = time.monotonic()
    process = launch(command)
    try:
        wait_listening(port, process)
        if ready:
            wait_for_line(process, ready)
        ready_seconds = time.monotonic() - launched if ready else 0.0
        wait_until_settled(process, timeout=30)  # forty idle kernels are never quite quiet
        server_alone = psutil.Process(process.pid).memory_full_info().pss / 2**20
        if ready:  # plain voila starts its kernels with the pages
            print_kernel_memory("hocso", process.pid, server_alone)
        facilitator_url = ""
        if ready:
            output = output_of(process)
            match = re.search(r"(http://\S+/hocso/facilitator\?key=\S+)", output)
            facilitator_url = match.group(1) if match else ""
        with ThreadPoolExecutor(1) as thread:
            coroutine = burst_with_facilitator(
                f"http://127.0.0.1:{port}{url_path}", facilitator_url, visitors
            )
            results, facilitator_ms = thread.submit(asyncio.run, coroutine).result()
        after = server_memory_mb(process.pid)
        failed = [r.error for r in results if not r.ok]
        why = ""
        if failed:  # counted at the visitors' timeout: the p95 is then a lower bound
            side = "hocso" if ready else "voila"
            print(f"{side}: {len(failed)} of {visitors} visitors failed: {failed[0]}")
            for error, count in Counter(failed).most_common()[1:]:
                print(f"  and {count} x {error}")
            print_server_problems(side, output_of(process))
            why = failure_word(Counter(failed).most_common(1)[0][0], output_of(process))
        seconds = [r.interactive_seconds if r.ok else VISIT_TIMEOUT for r in results]
        mb = (after - server_alone) / visitors
        return Burst(seconds, mb, ready_seconds, facilitator_ms, len(failed), why)
    finally:
        stop(process)


def measure_burst(course: Path, apps: list[Path], visitors: int = CLASS_SIZE) -> tuple[Burst, Burst]:
    """The same burst against `hocso present APP --class-size N` (ready) and plain voila."""
    app = burst_app(apps)
    port = free_port()
    hocso = [sys.executable, "-m", "hocso", "present", app.stem, "--course", str(course), "--port", str(port),
             "--class-size", str(visitors)]  # fmt: skip
    present = run_burst(hocso, port, f"/voila/render/{app.name}", "Sẵn sàng cho lớp học", visitors)
    print(
        f"hocso present: burst_p95_s={present.p95:.1f} mb_per_visitor={present.mb_per_visitor:.0f}",
        flush=True,
    )
    port = free_port()
    voila = [str(Path(sys.executable).parent / "voila"), str(app.parent), "--no-browser", f"--port={port}",
             "--Voila.ip=127.0.0.1"]  # fmt: skip
    plain = run_burst(voila, port, f"/voila/render/{app.name}", "", visitors)
    return present, plain


def print_burst(present: Burst, plain: Burst, visitors: int) -> None:
    print(
        f"burst of {visitors}: hocso present ready for the class after {present.ready_seconds:.0f} s; "
        f"time to interactive p50 {statistics.median(present.seconds):.1f} s, max {max(present.seconds):.1f} s; "
        f"slowest facilitator page during it {present.facilitator_ms_max:.0f} ms; plain voila p50 "
        f"{statistics.median(plain.seconds):.1f} s, max {max(plain.seconds):.1f} s"
    )
    print(
        f"burst: burst_p95_s={present.p95:.1f} mb_per_visitor={present.mb_per_visitor:.0f} class_size={visitors} "
        f"voila_p95_s={plain.p95:.1f} voila_mb_per_visitor={plain.mb_per_visitor:.0f} "
        f"speedup_p95={plain.p95 / present.p95:.1f} failed={present.failed} voila_failed={plain.failed}"
        f"{f' failed_why={present.why}' if present.why else ''}"
        f"{f' voila_failed_why={plain.why} voila_p95_is={plain.p95_is}' if plain.why else ''}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="one visit per app and 10 visitors (development)"
    )
    parser.add_argument(
        "--burst", action="store_true", help=f"only the burst of {CLASS_SIZE} visitors (a few minutes)"
    )
    parser.add_argument(
        "--class-size", type=int, default=CLASS_SIZE, help="visitors in the burst (with --burst)"
    )
    args = parser.parse_args()
    if args.burst:
        with tempfile.TemporaryDirectory(prefix="hocso-bench-present-") as tmp:
            apps = build_course(Path(tmp) / "course")
            print_burst(*measure_burst(Path(tmp) / "course", apps, args.class_size), args.class_size)
        return
    reps = 1 if args.quick else 3
    with tempfile.TemporaryDirectory(prefix="hocso-bench-present-") as tmp, sync_playwright() as playwright:
        apps = build_course(Path(tmp) / "course")
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            warm, mb_per_visitor = measure_warm(browser, Path(tmp) / "course", apps, reps)
            cold = measure_cold(browser, apps, reps)
        finally:
            browser.close()
        kernel = {app.stem: kernel_and_run_ms(app) for app in apps}
        present_burst, plain_burst = measure_burst(Path(tmp) / "course", apps)
    print(f"{'app':20} {'present ms':>15} {'voila cold ms':>15} {'speedup':>13} {'kernel/run ms':>14}")
    print(f"{'':20} {'fresh / cached':>15} {'fresh / cached':>15} {'fresh/cached':>13}")
    fresh_speedups, speedups, running_speedups, warm_medians = [], [], [], []
    shown_speedups, shown_fresh_speedups, shown_warm = [], [], []
    for app in apps:
        (wf, wc), (cf, cc) = warm[app.stem], cold[app.stem]
        wf_ms, wc_ms = median_of(wf, lambda v: v.total), median_of(wc, lambda v: v.total)
        cf_ms, cc_ms = median_of(cf, lambda v: v.total), median_of(cc, lambda v: v.total)
        fresh_speedups.append(cf_ms / wf_ms)
        speedups.append(cc_ms / wc_ms)
        running_speedups.append(median_of(cc, lambda v: v.from_request) / wc_ms)
        warm_medians.append(wc_ms)
        shown_speedups.append(median_of(cc, lambda v: v.shown) / median_of(wc, lambda v: v.shown))
        shown_fresh_speedups.append(median_of(cf, lambda v: v.shown) / median_of(wf, lambda v: v.shown))
        shown_warm.append(median_of(wc, lambda v: v.shown))
        k, r = kernel[app.stem]
        print(
            f"{app.stem:20} {wf_ms:6.0f} / {wc_ms:5.0f} {cf_ms:6.0f} / {cc_ms:5.0f}"
            f" {cf_ms / wf_ms:5.1f} / {cc_ms / wc_ms:4.1f} {k:6.0f} / {r:5.0f}"
        )
    print("where the time goes (medians over every app and visit, ms):")
    every = lambda side, i: [v for pair in side.values() for v in pair[i]]  # noqa: E731
    print_breakdown("present, fresh", every(warm, 0))
    print_breakdown("present, cached", every(warm, 1))
    print_breakdown("voila cold, fresh", every(cold, 0))
    print_breakdown("voila cold, cached", every(cold, 1))
    print(
        f"kernel start {statistics.median(k for k, _ in kernel.values()):.0f} ms, app run "
        f"{statistics.median(r for _, r in kernel.values()):.0f} ms (nbclient, outside any server; "
        "both are inside voila cold's page HTML)"
    )
    print(f"fresh-profile speedup_median={statistics.median(fresh_speedups):.1f} (first page on a new phone)")
    print(
        f"voila already running, cached: speedup_median={statistics.median(running_speedups):.1f} "
        "(clock from the request; every request still starts a kernel)"
    )
    print(
        f"page's own clock (first widget on screen, no Playwright polling delay): cached speedup_median="
        f"{statistics.median(shown_speedups):.1f} ms_median={statistics.median(shown_warm):.0f}, "
        f"fresh-profile speedup_median={statistics.median(shown_fresh_speedups):.1f}"
    )
    print_burst(present_burst, plain_burst, CLASS_SIZE)
    print(
        f"present: speedup_median={statistics.median(speedups):.1f} "
        f"ms_median={statistics.median(warm_medians):.0f} mb_per_visitor={mb_per_visitor:.0f}"
    )


if __name__ == "__main__":
    main()
