"""nbgrader works from an environment that is not activated: no `alembic` command on PATH."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def test_gradebook_opens_without_alembic_on_path(tmp_path: Path) -> None:
    code = (
        "import shutil, sys\n"
        "assert shutil.which('alembic') is None, 'alembic is on PATH: the test proves nothing'\n"
        "import hocso.graders.release\n"
        "from nbgrader.api import Gradebook\n"
        f"with Gradebook('sqlite:///{tmp_path / 'gradebook.db'}', 'c1') as gb:\n"
        "    gb.add_student('learner1')\n"
        "from hocso.nbgrader_compat import alembic_head\n"
        "print(alembic_head())\n"
    )
    env = {**os.environ, "PATH": "/usr/bin:/bin"}  # as `.venv/bin/hocso` started from a plain shell
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert len(done.stdout.strip()) == 12  # an alembic revision id
    assert (tmp_path / "gradebook.db").is_file()
