"""Thirty phones open the same app at once on loopback: every one gets working widgets.

Each simulated visitor fetches the page, connects to its kernel, clicks the first button and waits
for the widget update (hocso.present.visitor). The memory per visitor (PSS of the server and its
kernels, after minus before, divided by the visitors) goes to test-artifacts/present/load.json.
"""

from __future__ import annotations

import json
import statistics
import time
from pathlib import Path

import pytest

from hocso.present.visitor import classroom, server_memory_mb

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]

VISITORS = 30
POOL = 2  # course.toml's default


def test_thirty_visitors_at_once_all_get_working_widgets(
    start_server, artifacts_dir: Path, run_async
) -> None:
    server = start_server(["zz_fixture_button"], POOL)
    time.sleep(3)  # let the warm pool fill, as it has long before a class arrives
    before = server_memory_mb(server.process.pid)
    started = time.monotonic()
    results = run_async(classroom(server.app_url("zz_fixture_button"), VISITORS, timeout=240))
    wall = time.monotonic() - started
    after = server_memory_mb(server.process.pid)
    failures = [r.error for r in results if not r.ok]
    assert failures == [], failures
    assert all(r.widgets >= 3 for r in results)  # VBox, Button, Label (+ layouts and styles)
    seconds = sorted(r.interactive_seconds for r in results)
    report = {
        "visitors": VISITORS,
        "pool_size": POOL,
        "wall_seconds": round(wall, 1),
        "interactive_seconds_median": round(statistics.median(seconds), 2),
        "interactive_seconds_max": round(seconds[-1], 2),
        "mb_per_visitor": round((after - before) / VISITORS, 1),
        "server_mb_before": round(before),
        "server_mb_after": round(after),
    }
    (artifacts_dir / "load.json").write_text(json.dumps(report, indent=2))
    print(report)
    assert report["mb_per_visitor"] > 0
