"""A class arriving at once: `hocso present APP --class-size N` warms one kernel per learner before
they come, says when it is ready, and every learner of the burst gets working widgets."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from hocso.config import load_course
from hocso.config.errors import CourseConfigError
from hocso.present.visitor import classroom

from .conftest import FIXTURE_APPS, build_course, pick_port, start_present, stop_present

CLASS = 3


def test_class_size_is_validated_with_the_field_named(tmp_path: Path) -> None:
    course = build_course(tmp_path / "course", {}, pool_size=1, real_apps=False)
    toml = course / "course_config" / "course.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("[present]", "[present]\nclass_size = 0", 1))
    with pytest.raises(CourseConfigError, match="class_size"):
        load_course(course)


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_a_class_gets_warm_kernels_a_ready_message_and_working_widgets(tmp_path: Path, run_async) -> None:
    course = build_course(
        tmp_path / "course", {"zz_fixture_button": FIXTURE_APPS["zz_fixture_button"]}, 0, False
    )
    server = start_present(
        course, pick_port(), tmp_path / "home", "zz_fixture_button", "--class-size", str(CLASS)
    )
    try:
        log = course / "present.log"
        deadline = time.monotonic() + 240
        while "Sẵn sàng cho lớp học" not in log.read_text(encoding="utf-8") and time.monotonic() < deadline:
            time.sleep(0.5)
        printed = log.read_text(encoding="utf-8")
        assert f"Đang chuẩn bị cho lớp {CLASS} người" in printed
        ready = re.search(r"Sẵn sàng cho lớp học: (\d+) kernel", printed)
        # start_present's own first request (/ redirects to the app) may have taken one already
        assert ready and int(ready.group(1)) >= CLASS - 1, printed[-2000:]
        assert "Ready for the class" not in printed, "a vi course speaks vi only"
        results = run_async(classroom(server.app_url("zz_fixture_button"), CLASS, timeout=120))
        assert [r.error for r in results] == [""] * CLASS
        assert all(r.widgets >= 2 for r in results)
    finally:
        stop_present(server.process)
