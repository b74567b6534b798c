"""`hocso lab`: the learner's lab serves their own workspace (never the course source), submits
through the exchange, and stops quietly on Ctrl+C; `--author` serves the sources and says so."""

from __future__ import annotations

import importlib.util
import json
import signal
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from hocso.config import load_course

pytestmark = pytest.mark.slow

_spec = importlib.util.spec_from_file_location(
    "lab_fixtures", Path(__file__).parents[1] / "lab" / "conftest.py"
)
lab_fixtures = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = lab_fixtures  # dataclasses look their module up there
_spec.loader.exec_module(lab_fixtures)


def small_course(course_copy: Path) -> Path:
    """The course with two modules, so the lab starts in seconds (release + fetch are real)."""
    toml = course_copy / "course_config" / "course.toml"
    text = toml.read_text(encoding="utf-8")
    head, *modules = text.split("\n[[modules]]\n")
    keep = [m for m in modules if m.startswith(('id = "m01"', 'id = "m04"'))]
    toml.write_text(head + "".join("\n[[modules]]\n" + m for m in keep), encoding="utf-8")
    # the assistant's FAQ and glossary name the other modules too, which load_course rightly refuses
    # in a two-module course; these tests are about the workspace, not the assistant
    (course_copy / "course_config" / "assistant.toml").unlink(missing_ok=True)
    return course_copy


def test_learner_lab_serves_the_workspace_submits_and_stops_quietly(
    course_copy: Path, tmp_path: Path
) -> None:
    course_root = small_course(course_copy)
    lab = lab_fixtures.start_lab(tmp_path / "home", "vi", "ana", course=course_root)
    try:
        root = lab.api("api/contents")
        names = {item["name"] for item in root["content"]}
        assert any(name.startswith("Bài 04 · ") for name in names), names
        assert "m04" not in names and "apps" not in names  # the source layout is not served
        assert str(lab.workspace) in lab.log.read_text()
        folder = next(name for name in names if name.startswith("Bài 04 · "))
        notebook = lab.api(f"api/contents/{folder}/m04_phishing.ipynb")
        text = json.dumps(notebook["content"], ensure_ascii=False)
        assert "BEGIN SOLUTION" not in text and "BEGIN HIDDEN TESTS" not in text
        languages = {c["metadata"].get("hocso", {}).get("lang") for c in notebook["content"]["cells"]}
        assert "en" not in languages  # the vi edition only
        with pytest.raises(urllib.error.HTTPError) as instructor_tool:
            lab.api("formgrader")
        assert instructor_tool.value.code == 404
        assert lab.api("hocso/lab/texts")["submit"] == "Nộp bài"
        receipt = lab.api("hocso/lab/submit", "POST", {"path": f"{folder}/m04_phishing.ipynb"})
        assert "m04_phishing.ipynb" in receipt["files"]
        inbound = tmp_path / "home" / "courses" / "hocso-101" / "exchange" / "hocso-101" / "inbound"
        assert [p.name.split("+")[:2] for p in inbound.iterdir()] == [["ana", "m04"]]
        with pytest.raises(urllib.error.HTTPError) as outside:
            lab.api("hocso/lab/submit", "POST", {"path": "Bắt đầu ở đây.md"})
        assert outside.value.code == 400
    finally:
        code, log = lab_fixtures.stop_lab(lab, signal.SIGINT)
    assert code == 0, log[-3000:]
    assert "Traceback" not in log and "KeyboardInterrupt" not in log, log[-3000:]
    assert "Đã dừng phòng thực hành." in log[log.rfind("received signal") :], log[-500:]


def test_a_second_start_keeps_the_learners_work(course_copy: Path, tmp_path: Path) -> None:
    course_root = small_course(course_copy)
    lab = lab_fixtures.start_lab(tmp_path / "home", "en", "bob", course=course_root)
    lab_fixtures.stop_lab(lab)
    folder = next(p for p in lab.workspace.iterdir() if p.name.startswith("Module 04 · "))
    mine = folder / "m04_phishing.ipynb"
    mine.write_text(
        mine.read_text(encoding="utf-8").replace("Phishing", "Phishing (my notes)"), encoding="utf-8"
    )
    again = lab_fixtures.start_lab(tmp_path / "home", "en", "bob", course=course_root)
    lab_fixtures.stop_lab(again)
    assert "(my notes)" in mine.read_text(encoding="utf-8")


def test_author_mode_serves_the_sources_and_says_so(course_copy: Path, tmp_path: Path) -> None:
    lab = lab_fixtures.start_lab(
        tmp_path / "home", "vi", "author", "--author", course=small_course(course_copy)
    )
    try:
        names = {item["name"] for item in lab.api("api/contents")["content"]}
        assert {"m01", "m04"} <= names
        assert "CHẾ ĐỘ TÁC GIẢ" in lab.log.read_text()
        with urllib.request.urlopen(lab.url("custom/custom.css")) as css:
            assert "Chế độ tác giả" in css.read().decode()
    finally:
        code, log = lab_fixtures.stop_lab(lab)
    assert code == 0 and "Traceback" not in log, log[-3000:]


def test_cull_minutes_come_from_course_toml(course: object, tmp_path: Path) -> None:
    from hocso.lab.settings import lab_arguments, write_lab_config

    course = load_course(Path(__file__).parents[2])
    config = write_lab_config(tmp_path, "learner", "vi")
    arguments = lab_arguments(config, tmp_path, "127.0.0.1", 8888, "x", False, course)
    assert f"--MappingKernelManager.cull_idle_timeout={course.lab.cull_idle_minutes * 60}" in arguments
    assert "--MappingKernelManager.cull_connected=True" in arguments


def test_ctrl_c_on_dev_py_lab_is_quiet(course_copy: Path, tmp_path: Path) -> None:
    """Ctrl+C reaches the whole process group (dev.py and the lab): the lab stops itself, dev.py waits."""
    import os
    import re
    import subprocess
    import time

    repo = Path(__file__).parents[2]
    script = tmp_path / "run_dev_lab.py"
    script.write_text(
        "import importlib.util, sys\n"
        f"spec = importlib.util.spec_from_file_location('dev', {str(repo / 'dev.py')!r})\n"
        "dev = importlib.util.module_from_spec(spec); spec.loader.exec_module(dev)\n"
        "sys.exit(dev.run_lab(sys.argv[1:]))\n"
    )
    log = tmp_path / "dev.log"
    env = {**os.environ, "HOCSO_HOME": str(tmp_path / "home"), "JUPYTER_RUNTIME_DIR": str(tmp_path / "rt")}
    arguments = [
        "--no-browser",
        "--port",
        str(lab_fixtures.free_port()),
        "--course",
        str(small_course(course_copy)),
    ]
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, str(script), *arguments],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
        )
    deadline = time.monotonic() + 120
    while not re.search("is running at", log.read_text()) and time.monotonic() < deadline:
        assert process.poll() is None, log.read_text()[-2000:]
        time.sleep(0.3)
    os.killpg(process.pid, signal.SIGINT)  # what the terminal does on Ctrl+C
    assert process.wait(timeout=60) == 0, log.read_text()[-2000:]
    text = log.read_text()
    assert "Traceback" not in text and "KeyboardInterrupt" not in text, text[-2000:]
    assert "Đã dừng phòng thực hành." in text


def test_feedback_comes_back_to_the_learners_lab(course_copy: Path, tmp_path: Path) -> None:
    """Submit from the lab, the instructor grades and writes feedback; the learner's next lab start
    brings the feedback page into the module's folder and the progress panel shows the grade."""
    import subprocess

    from hocso.widgets import ProgressPanel

    course_root, home = small_course(course_copy), tmp_path / "home"
    lab = lab_fixtures.start_lab(home, "vi", "cam", course=course_root)
    try:
        folder = next(p.name for p in lab.workspace.iterdir() if p.name.startswith("Bài 04 · "))
        lab.api("hocso/lab/submit", "POST", {"path": f"{folder}/m04_phishing.ipynb"})
    finally:
        lab_fixtures.stop_lab(lab)
    env = {**lab.env()}
    for command in (["collect"], ["autograde", "--workers", "1"], ["feedback"]):
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "hocso",
                "grade",
                command[0],
                "m04",
                *command[1:],
                "--course",
                str(course_root),
            ],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr
    again = lab_fixtures.start_lab(home, "vi", "cam", course=course_root)
    lab_fixtures.stop_lab(again)
    pages = list((lab.workspace / folder / "feedback").glob("*/m04_phishing.html"))
    assert pages, "the feedback page did not reach the learner's module folder"
    panel = ProgressPanel(workspace=lab.workspace, course=load_course(course_root), language="vi")
    assert "Điểm đã chấm:" in panel.details.value and panel.value  # the returned grade, per competence
