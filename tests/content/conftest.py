"""The content tests' one shared fixture: every module grading and app run, started on first use.

`content_run` queues, as soon as the first content test asks, every run the selected tests need (so
`-k m03` grades m03 only) in the order they will be wanted; each test then waits for its own run.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # pytest runs with --import-mode=importlib

from grading import ContentRun


def _wanted(items: list[pytest.Item]) -> list[tuple[str, str]]:
    """The runs the selected, not skipped content tests need, in test order."""
    keys: list[tuple[str, str]] = []
    for item in items:
        callspec = getattr(item, "callspec", None)
        if callspec is None or "content_run" not in getattr(item, "fixturenames", ()):
            continue
        if item.get_closest_marker("skip"):
            continue
        if "module_id" in callspec.params:
            keys.append(("module", callspec.params["module_id"]))
        if "app" in callspec.params:
            keys.append(("app", callspec.params["app"]))
    return list(dict.fromkeys(keys))


@pytest.fixture(scope="session")
def content_run(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ContentRun]:
    run = ContentRun(tmp_path_factory)
    run.start(_wanted(request.session.items))
    yield run
    run.close()
