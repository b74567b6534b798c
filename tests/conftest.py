"""Shared fixtures: an isolated data home per test, the committed course, and the real browser."""

from __future__ import annotations

import importlib.util
import os
import shutil
import socket
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from hocso.chromium import HEADLESS_FLAGS
from hocso.config import Course, load_course

REPO_ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")


@pytest.fixture(autouse=True)
def isolated_data_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own HOCSO_HOME, so nothing touches the developer's real gradebook."""
    home = tmp_path_factory.mktemp("hocso-home")
    monkeypatch.setenv("HOCSO_HOME", str(home))
    monkeypatch.delenv("HOCSO_COURSE", raising=False)
    monkeypatch.delenv("HOCSO_LANG", raising=False)
    return home


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(scope="session")
def course() -> Course:
    return load_course(REPO_ROOT)


@pytest.fixture
def course_copy(tmp_path: Path) -> Path:
    """A writable copy of the course (config and notebooks) for tests that break or grade it."""
    target = tmp_path / "course"
    shutil.copytree(REPO_ROOT / "course_config", target / "course_config")
    if (REPO_ROOT / "notebooks").is_dir():
        shutil.copytree(REPO_ROOT / "notebooks", target / "notebooks")
    (target / "notebooks").mkdir(exist_ok=True)
    return target


@pytest.fixture
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _postgres_server_module() -> ModuleType:
    """tests/postgres_server.py (bench/gradebook.py uses it too), loaded by path."""
    name = "hocso_tests_postgres_server"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name("postgres_server.py"))
        assert spec is not None and spec.loader is not None
        sys.modules[name] = module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    return sys.modules[name]


@pytest.fixture(scope="session")
def postgres() -> Iterator[object]:
    """One real PostgreSQL server (Debian's package) on loopback for the whole session, shared by every
    test that needs one; each course gets a database of its own. CI installs the package, so there a
    missing server fails instead of skipping."""
    module = _postgres_server_module()
    bindir = module.postgres_bindir()
    if bindir is None:
        message = "Debian's postgresql is not installed (apt-get install postgresql); gradebook tests need it"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    server = module.start_postgres(bindir)
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def gradebook_db_url(request: pytest.FixtureRequest) -> str | None:
    """The course.toml `db_url` of a test run on each gradebook database: None (SQLite, the default)
    or a new database on the session's PostgreSQL server (started only when a test asks for it)."""
    if request.param == "sqlite":
        return None
    return request.getfixturevalue("postgres").new_database_url()


@pytest.fixture(scope="session")
def chromium_executable() -> str:
    """Debian's Chromium; CI installs it, so there a missing browser fails instead of skipping."""
    for candidate in CHROMIUM_CANDIDATES:
        if Path(candidate).exists():
            return candidate
    message = "Debian's chromium is not installed (apt-get install chromium); browser tests need it"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def browser(chromium_executable: str) -> Iterator[object]:
    """Debian's Chromium through Playwright (never a downloaded browser), one for the whole session.

    Playwright's sync API keeps an event loop on the main thread while it is open, so a second
    `sync_playwright()` in the same session fails ("Sync API inside the asyncio loop"): every browser
    test takes this fixture and opens its own context.
    """
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=chromium_executable, args=list(HEADLESS_FLAGS))
        yield instance
        instance.close()
