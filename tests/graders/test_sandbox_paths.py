"""Where Python and hocso live decides what the sandbox binds: a checkout or venv under /tmp (a CI clone).

Regression for 268d010: the zygote root's `--tmpfs /tmp` used to come after the read-only binds of the
Python folders, so a venv or checkout under /tmp was hidden behind an empty tmpfs and every
submission failed with "the grading process could not be started ([Errno 32] Broken pipe)".
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from hocso.graders import sandbox

pytestmark = pytest.mark.skipif(
    bool(sandbox.missing_protections()), reason="the strong sandbox is not available on this machine"
)


def test_a_python_folder_under_tmp_stays_visible_in_the_zygote_root(monkeypatch):
    """Run the real bubblewrap command line with one extra Python folder under /tmp, as a clone's."""
    under_tmp = Path(tempfile.mkdtemp(prefix="hocso-clone-", dir="/tmp"))
    try:
        (under_tmp / "marker.txt").write_text("the clone's own files\n")
        found = sandbox.python_dirs()
        monkeypatch.setattr(sandbox, "python_dirs", lambda: [*found, str(under_tmp)])
        probe = f"print(open({str(under_tmp / 'marker.txt')!r}).read(), end='')"
        command = sandbox.root_command([sys.executable, "-c", probe], [])
        done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    finally:
        shutil.rmtree(under_tmp, ignore_errors=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "the clone's own files\n"


def test_the_tmpfs_comes_before_every_bind_under_tmp(monkeypatch):
    """The order is the fix: bubblewrap applies its mounts in order, a later tmpfs hides earlier binds."""
    monkeypatch.setattr(
        sandbox, "python_dirs", lambda: ["/usr", "/tmp/ci-clone/.venv", "/tmp/ci-clone/hocso"]
    )
    args = sandbox.root_command(["python3"], [])
    tmpfs = next(i for i, a in enumerate(args) if a == "--tmpfs" and args[i + 1] == "/tmp")
    binds = [i for i, a in enumerate(args) if a == "--ro-bind" and args[i + 1].startswith("/tmp/")]
    assert len(binds) == 2
    assert all(tmpfs < i for i in binds)
