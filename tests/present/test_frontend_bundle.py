"""The committed front end (hocso-widgets.js/.css in the hocso Voila template) is what frontend/ builds.

A phone runs that bundle, not the sources, so a source change that was never rebuilt would ship
silently. The first test needs no Node.js: the bundle's first line names the hash of the sources it
was built from. The second rebuilds with the pinned esbuild and compares bytes (Node.js and
`npm ci` in frontend/, which `python3 dev.py test` runs where npm is; CI has it)."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from hocso.present import SHARE_DIR

REPO_ROOT = Path(__file__).resolve().parents[2]
FRONTEND = REPO_ROOT / "frontend"
STATIC = SHARE_DIR / "voila" / "templates" / "hocso" / "static"
BUILT = ("hocso-widgets.js", "hocso-widgets.css", "hocso-widgets.LICENSES.txt")
REBUILD = "cd frontend && npm ci && npm run build"


def sources_hash() -> str:
    """The same hash as frontend/build.mjs: each source's name, a newline, then its bytes."""
    names = ["build.mjs", "package.json", "package-lock.json"]
    names += [f"src/{path.name}" for path in sorted((FRONTEND / "src").iterdir())]
    digest = hashlib.sha256()
    for name in names:
        digest.update(f"{name}\n".encode())
        digest.update((FRONTEND / name).read_bytes())
    return digest.hexdigest()


def test_bundle_was_built_from_the_committed_sources() -> None:
    first_line = (STATIC / "hocso-widgets.js").read_text(encoding="utf-8").split("\n", 1)[0]
    built_from = re.search(r"sources sha256 ([0-9a-f]{64})", first_line)
    assert built_from, f"hocso-widgets.js does not name its sources; rebuild it: {REBUILD}"
    assert built_from.group(1) == sources_hash(), f"frontend/ changed since the bundle was built: {REBUILD}"


def test_rebuilding_gives_the_committed_bundle(tmp_path: Path) -> None:
    node = shutil.which("node")
    if node is None or not (FRONTEND / "node_modules" / "esbuild").is_dir():
        message = "Node.js and frontend/node_modules (npm ci) are needed to rebuild the front end"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    subprocess.run([node, "build.mjs", str(tmp_path)], cwd=FRONTEND, check=True, capture_output=True)
    for name in BUILT:
        assert (tmp_path / name).read_bytes() == (STATIC / name).read_bytes(), f"{name} differs: {REBUILD}"
