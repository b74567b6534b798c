"""A real `hocso present` server on a course holding every app of notebooks/apps plus fixture apps."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest
from nbformat import v4

from hocso.present.apps import read_app

REPO_ROOT = Path(__file__).resolve().parents[2]
REAL_APPS_DIR = REPO_ROOT / "notebooks" / "apps"
ARTIFACTS = REPO_ROOT / "test-artifacts" / "present"
KERNELSPEC = {"name": "python3", "display_name": "Python 3", "language": "python"}

BUTTON_APP = """import ipywidgets as widgets
from IPython.display import display
label = widgets.Label("Chưa bấm · Not clicked")
button = widgets.Button(description="Bấm thử · Try me")
def clicked(_):
    label.value = "Đã bấm · Clicked"
button.on_click(clicked)
display(widgets.VBox([button, label]))"""

QUIZ_APP = """import ipywidgets as widgets
from IPython.display import display
from hocso.present.live import classroom
QUESTIONS = ["Ai được biết mã OTP? · Who may know an OTP?", "Link lạ có nên bấm? · Click a strange link?"]
ANSWERS = ["Chỉ bạn · Only you", "Không · No"]
room = classroom()
question = widgets.HTML()
answer = widgets.HTML()
count = widgets.Button(description="Tôi đã trả lời · I answered")
done = widgets.Label("")
def show(_=None):
    question.value = f"<b>{QUESTIONS[room.step % len(QUESTIONS)]}</b>"
    answer.value = ANSWERS[room.step % len(ANSWERS)] if room.reveal else ""
room.observe(show, names=["step", "reveal"])
count.on_click(lambda _: setattr(done, "value", "✓ Đã ghi nhận · Noted"))
show()
display(widgets.VBox([question, count, done, answer]))"""

# Every kind of output besides widgets that a facilitator's own app might show.
OUTPUTS_APP = (
    """from IPython.display import HTML, Markdown, display
print("Dòng in ra · printed line")
display(Markdown("**Chữ đậm** · bold"))
display(HTML("<em class='fixture-html'>Chữ nghiêng · italic</em>"))
"""
    + BUTTON_APP
)

# A widget from a package whose JavaScript is not in hocso's front end (as ipyleaflet's would be).
UNKNOWN_WIDGET_APP = """import ipywidgets as widgets
from IPython.display import display
from traitlets import Unicode
class Map(widgets.DOMWidget):
    _model_module = Unicode("not-in-hocso").tag(sync=True)
    _model_name = Unicode("MapModel").tag(sync=True)
    _view_module = Unicode("not-in-hocso").tag(sync=True)
    _view_name = Unicode("MapView").tag(sync=True)
display(Map())
display(widgets.Button(description="Vẫn bấm được · Still works"))"""

BROKEN_APP = """import ipywidgets as widgets
from IPython.display import display
display(widgets.Button(description="OK"))
raise RuntimeError("secret-internal-detail")"""


def write_app(folder: Path, name: str, title: tuple[str, str], source: str, audience: str = "") -> Path:
    notebook = v4.new_notebook()
    notebook.metadata["kernelspec"] = KERNELSPEC
    notebook.metadata["hocso"] = {"title": {"vi": title[0], "en": title[1]}}
    if audience:
        notebook.metadata["hocso"]["audience"] = audience
    notebook.cells = [v4.new_markdown_cell(f"# {title[0]}\n\n{title[1]}"), v4.new_code_cell(source)]
    path = folder / f"{name}.ipynb"
    nbformat.write(notebook, path)
    return path


FIXTURE_APPS = {
    "zz_fixture_button": (("Nút bấm thử", "Test button"), BUTTON_APP),
    "zz_fixture_quiz": (("Câu hỏi lớp học", "Classroom quiz"), QUIZ_APP),
    "zz_fixture_outputs": (("Các loại kết quả", "Kinds of output"), OUTPUTS_APP),
}


def real_app_names() -> list[str]:
    """The course's apps at collection time, so new apps are tested as soon as they land."""
    return sorted(path.stem for path in REAL_APPS_DIR.glob("*.ipynb")) if REAL_APPS_DIR.is_dir() else []


def every_app_name() -> list[str]:
    return real_app_names() + sorted(FIXTURE_APPS)


def build_course(
    target: Path, extra_apps: dict[str, tuple[tuple[str, str], str]], pool_size: int, real_apps: bool = True
) -> Path:
    """A course copy whose apps folder holds the real apps plus `extra_apps`, with a small pool."""
    shutil.copytree(REPO_ROOT / "course_config", target / "course_config")
    apps = target / "notebooks" / "apps"
    if real_apps and REAL_APPS_DIR.is_dir():
        shutil.copytree(REAL_APPS_DIR, apps)
    apps.mkdir(parents=True, exist_ok=True)
    for name, (title, source) in extra_apps.items():
        write_app(apps, name, title, source)
    toml = target / "course_config" / "course.toml"
    text = re.sub(r"(?m)^pool_size = \d+", f"pool_size = {pool_size}", toml.read_text(encoding="utf-8"))
    toml.write_text(text, encoding="utf-8")
    return target


def pick_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class PresentServer:
    """A running `hocso present` process and what its terminal printed."""

    process: subprocess.Popen
    url: str
    facilitator_url: str
    course: Path

    @property
    def facilitator_key(self) -> str:
        return self.facilitator_url.split("key=", 1)[1]

    def app_url(self, name: str) -> str:
        """The app's address; facilitator-only apps get the key, as the facilitator page links them."""
        app = read_app(self.course / "notebooks" / "apps" / f"{name}.ipynb")
        key = f"?key={self.facilitator_key}" if app.facilitator_only else ""
        return f"{self.url}voila/render/{name}.ipynb{key}"


def start_present(
    course: Path, port: int, home: Path, *args: str, timeout: float = 90, env: dict[str, str] | None = None
) -> PresentServer:
    log = course / "present.log"
    env = {**os.environ, "HOCSO_HOME": str(home), "HOCSO_LANG": "vi", "PYTHONUNBUFFERED": "1", **(env or {})}
    command = [sys.executable, "-m", "hocso", "present", *args, "--course", str(course), "--port", str(port)]
    with log.open("w") as stream:
        process = subprocess.Popen(
            command, stdout=stream, stderr=subprocess.STDOUT, env=env, start_new_session=True
        )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"hocso present exited {process.returncode}:\n{log.read_text()}")
        try:
            urllib.request.urlopen(url, timeout=2).close()
            break
        except OSError:
            time.sleep(0.3)
    else:
        stop_present(process)
        raise RuntimeError(f"hocso present did not answer in {timeout}s:\n{log.read_text()}")
    match = re.search(r"(http://\S+/hocso/facilitator\?key=\S+)", log.read_text())
    assert match, log.read_text()
    return PresentServer(process=process, url=url, facilitator_url=match.group(1), course=course)


def stop_present(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def wait_for_warm_pools(server: PresentServer, expected_kernels: int, timeout: float = 120) -> None:
    """Wait until the server's warm kernels have started (so tests measure classroom conditions)."""
    import psutil

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        kernels = [
            c
            for c in psutil.Process(server.process.pid).children(recursive=True)
            if "ipykernel" in " ".join(c.cmdline())
        ]
        if len(kernels) >= expected_kernels:
            return
        time.sleep(0.5)


@pytest.fixture(scope="session")
def present_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PresentServer]:
    """One server for the whole session: every real app plus the fixtures, one warm kernel each."""
    root = tmp_path_factory.mktemp("present")
    extra = {
        **FIXTURE_APPS,
        "zz_fixture_broken": (("Ứng dụng lỗi", "Broken app"), BROKEN_APP),
        "zz_fixture_unknown_widget": (("Widget lạ", "Unknown widget"), UNKNOWN_WIDGET_APP),
    }
    course = build_course(root / "course", extra, pool_size=1)
    write_app(
        course / "notebooks" / "apps",
        "zz_private_scores",
        ("Điểm lớp", "Class scores"),
        BUTTON_APP,
        "facilitator",
    )
    server = start_present(course, pick_port(), root / "home")
    yield server
    stop_present(server.process)


@pytest.fixture
def start_server(tmp_path: Path) -> Iterator[Callable[..., PresentServer]]:
    """Start a dedicated server on a course with only the given fixture apps; stopped after the test."""
    started: list[PresentServer] = []

    def start(apps: list[str], pool_size: int, *args: str) -> PresentServer:
        extra = {name: FIXTURE_APPS[name] for name in apps}
        course = build_course(tmp_path / f"course{len(started)}", extra, pool_size, real_apps=False)
        server = start_present(course, pick_port(), tmp_path / "home", *args)
        started.append(server)
        return server

    yield start
    for server in started:
        stop_present(server.process)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """`app_name` runs a test once per app: every real app found now, plus the fixtures."""
    if "app_name" in metafunc.fixturenames:
        metafunc.parametrize("app_name", every_app_name())


@pytest.fixture(scope="session")
def all_app_names() -> list[str]:
    return every_app_name()


@pytest.fixture(scope="session")
def run_async() -> Callable[[Coroutine], object]:
    """Run a coroutine on its own thread: Playwright's sync API keeps an event loop on the main one."""

    def run(coroutine: Coroutine) -> object:
        with ThreadPoolExecutor(1) as thread:
            return thread.submit(asyncio.run, coroutine).result()

    return run


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
