"""A built wheel installs `hocso`, `hocso.widgets` and `hocso.graders`, and no generic top-level names."""

from __future__ import annotations

import site
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def test_wheel_imports_in_a_fresh_environment(repo_root: Path, tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(dist),
            str(repo_root),
        ],
        check=True,
        cwd=tmp_path,
    )
    wheel = next(dist.glob("hocso-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    top_level = {name.split("/")[0] for name in names}
    assert {name for name in top_level if not name.endswith(".dist-info")} == {"hocso"}
    template = "hocso/present/share/voila/templates/hocso/"
    for shipped in ("index.html.j2", "static/hocso-widgets.js", "static/hocso-widgets.css"):
        assert template + shipped in names, f"`hocso present` needs {shipped} in the wheel"
    assert template + "static/hocso-widgets.LICENSES.txt" in names, "bundled packages' licenses ship too"

    env_dir = tmp_path / "fresh"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    subprocess.run([python, "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)], check=True)
    # Dependencies come from this environment's site-packages, added after the fresh one's own, so the
    # wheel's hocso is found first and the editable install of the checkout is never used.
    fresh_site = Path(
        subprocess.check_output(
            [python, "-c", "import site; print(site.getsitepackages()[0])"], text=True
        ).strip()
    )
    (fresh_site / "zz_test_deps.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    probe = (
        "import hocso, hocso.widgets, hocso.graders, hocso.config, importlib.util as u;"
        f"assert all(m.__file__.startswith({str(fresh_site)!r}) for m in (hocso, hocso.widgets, hocso.graders)), hocso.__file__;"
        "assert u.find_spec('widgets') is None and u.find_spec('graders') is None;"
        "from hocso.i18n import t; assert t('core.lab.open', 'en', url='U').endswith('U');"
        f"print(hocso.config.load_course({str(repo_root)!r}).id)"
    )
    result = subprocess.run([python, "-c", probe], capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "hocso-101"
