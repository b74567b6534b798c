"""App discovery, the vi/en title convention, and the CLI's one-line errors (no server needed)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat import v4

from hocso.present.apps import AppNotFound, discover_apps, find_app
from hocso.present.server import VISITOR_MESSAGE_TYPES, PresentOptions, voila_config

REPO_ROOT = Path(__file__).resolve().parents[2]


def notebook(path: Path, cells: list, title: dict | None = None) -> None:
    nb = v4.new_notebook(cells=cells)
    if title:
        nb.metadata["hocso"] = {"title": title}
    nbformat.write(nb, path)


def lang_cell(text: str, lang: str):
    cell = v4.new_markdown_cell(text)
    cell.metadata["hocso"] = {"lang": lang}
    return cell


def test_titles_follow_the_convention(tmp_path: Path) -> None:
    notebook(
        tmp_path / "m01_meta.ipynb",
        [v4.new_markdown_cell("# ignored")],
        {"vi": "Mật khẩu", "en": "Passwords"},
    )
    notebook(tmp_path / "m02_pairs.ipynb", [lang_cell("# Lừa đảo\ntext", "vi"), lang_cell("## Scams", "en")])
    notebook(
        tmp_path / "m03_heading.ipynb", [v4.new_code_cell("1"), v4.new_markdown_cell("intro\n\n# Mã QR")]
    )
    notebook(tmp_path / "m04_bare.ipynb", [v4.new_code_cell("1")])
    (tmp_path / "m05_broken.ipynb").write_text("{not json")
    apps = {app.name: (app.title.vi, app.title.en) for app in discover_apps(tmp_path)}
    assert apps == {
        "m01_meta": ("Mật khẩu", "Passwords"),
        "m02_pairs": ("Lừa đảo", "Scams"),
        "m03_heading": ("Mã QR", "Mã QR"),
        "m04_bare": ("m04_bare", "m04_bare"),
        "m05_broken": ("m05_broken", "m05_broken"),
    }


def test_find_app_by_name_file_or_prefix(tmp_path: Path) -> None:
    for name in ("m04_phishing", "m05_links", "m05_more"):
        notebook(tmp_path / f"{name}.ipynb", [])
    apps = discover_apps(tmp_path)
    assert find_app(apps, "m04").name == "m04_phishing"
    assert find_app(apps, "m05_links.ipynb").name == "m05_links"
    with pytest.raises(AppNotFound, match="several apps"):
        find_app(apps, "m05")
    with pytest.raises(AppNotFound, match="the apps are: m04_phishing, m05_links, m05_more"):
        find_app(apps, "m99")


def test_voila_is_configured_for_visitors(tmp_path: Path) -> None:
    notebook(tmp_path / "a.ipynb", [])
    options = PresentOptions(
        apps_dir=tmp_path, apps=tuple(discover_apps(tmp_path)), course_title="x", language="vi"
    )
    config = voila_config(options)
    assert config.VoilaConfiguration.strip_sources is True
    assert config.VoilaConfiguration.show_tracebacks is False
    assert "execute_request" not in VISITOR_MESSAGE_TYPES
    # kernels of closed pages are stopped after the course's idle minutes; open pages keep theirs
    assert config.MappingKernelManager.cull_idle_timeout == options.cull_idle_minutes * 60 > 0
    assert config.MappingKernelManager.cull_connected is False


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "hocso", *args], capture_output=True, text=True, timeout=60)


def test_unknown_app_is_one_clear_line(course_copy: Path) -> None:
    notebook(course_copy / "notebooks" / "apps" / "m04_phishing.ipynb", [])
    result = run_cli("present", "m99", "--course", str(course_copy))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        "hocso: no app 'm99' in notebooks/apps; the apps are: "
        + ", ".join(sorted(p.stem for p in (course_copy / "notebooks" / "apps").glob("*.ipynb")))
    ]


def test_no_apps_says_where_to_put_them(course_copy: Path) -> None:
    shutil.rmtree(course_copy / "notebooks" / "apps", ignore_errors=True)
    result = run_cli("present", "--course", str(course_copy), "--language", "en")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "There are no apps in" in result.stderr


def test_help_explains_the_command() -> None:
    result = run_cli("present", "--help")
    assert result.returncode == 0
    for word in ("APP", "--host", "--port", "QR", "facilitator"):
        assert word in result.stdout
