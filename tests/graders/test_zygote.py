"""The zygote that forks each submission: what a submission's process inherits, and recovery."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator

import IPython
import pytest

from hocso.graders import zygote
from hocso.graders.sandbox import Limits
from hocso.graders.zygote import ZygoteRoot, run_forked

LIMITS = Limits(cell_timeout=5, notebook_timeout=20)


@pytest.fixture
def zygote_scope(tmp_path) -> Iterator[str]:
    """A zygote root as `hocso grade autograde` starts one, and no zygote left behind."""
    with ZygoteRoot([str(tmp_path)]):
        yield str(tmp_path)
        mine = zygote._zygotes.get(os.getpid())
        if mine is not None:
            mine.close()


def _stdout(outputs: list[list[dict]]) -> str:
    return "".join(o.get("text", "") for cell in outputs for o in cell if o.get("name") == "stdout")


def test_submission_inherits_only_its_own_pipe(zygote_scope):
    """Not the grading worker's pool pipes or gradebook: only stdin/out/err, its request and result pipes."""
    source = (
        "import os\n"
        "for fd in sorted(int(n) for n in os.listdir('/proc/self/fd')):\n"
        "    try:\n"
        "        print(fd, os.readlink(f'/proc/self/fd/{fd}'))\n"
        "    except OSError:\n"
        "        pass"
    )
    outputs, reason, _review = run_forked([source], LIMITS, zygote_scope)
    assert reason is None
    files = dict(line.split(" ", 1) for line in _stdout(outputs).splitlines())
    extra = {fd: target for fd, target in files.items() if int(fd) > 2}
    pipes = [t for t in extra.values() if t.startswith("pipe:")]
    listing = [t for t in extra.values() if "/proc/" in t]  # os.listdir's own descriptor
    assert len(pipes) == 2 and len(pipes) + len(listing) == len(extra), files


def test_a_submission_cannot_end_its_zygote(zygote_scope):
    """It is PID 1 of its own namespace: the zygote (its parent) is not there to be signalled."""
    killer = (
        "import os, signal\nprint(os.getppid())\nos.kill(os.getppid(), signal.SIGKILL)\nprint('still here')"
    )
    outputs, reason, review = run_forked([killer, "print(6 * 7)"], LIMITS, zygote_scope)
    assert reason is None and review == []
    assert _stdout(outputs) == "0\nstill here\n42\n"
    outputs, reason, _review = run_forked(["print(6 * 7)"], LIMITS, zygote_scope)
    assert reason is None and _stdout(outputs) == "42\n"


def test_learners_do_not_share_state(zygote_scope):
    run_forked(["import json\njson.dumps = None\nSECRET = 1"], LIMITS, zygote_scope)
    outputs, reason, _review = run_forked(
        ["import json\nprint(json.dumps([1]), 'SECRET' in globals())"], LIMITS, zygote_scope
    )
    assert reason is None and _stdout(outputs) == "[1] False\n"


def test_submission_process_holds_nothing_of_the_grader(zygote_scope):
    """Forked from the lean root: no nbgrader, SQLAlchemy or gradebook objects to find, and the
    grading process itself never gets an IPython shell."""
    probe = (
        "import sys\nprint(sorted(m for m in ('nbgrader', 'sqlalchemy', 'nbconvert') if m in sys.modules))"
    )
    outputs, reason, _review = run_forked([probe], LIMITS, zygote_scope)
    assert reason is None and _stdout(outputs) == "[]\n"
    assert IPython.get_ipython() is None


def test_without_a_root_the_zygote_is_forked_from_the_caller(tmp_path):
    """A caller grading in its own process (no root) still gets isolated, working runs."""
    code = (
        "from hocso.graders.zygote import run_forked, _zygotes\n"
        "from hocso.graders.sandbox import Limits\n"
        f"outputs, reason, _review = run_forked(['print(6 * 7)'], Limits(), {str(tmp_path)!r})\n"
        "print(reason, outputs[0][0]['text'].strip())\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "None 42"


def test_what_a_submission_writes_into_its_pipe_is_never_unpickled(zygote_scope, tmp_path):
    """The result pipe is the submission's to write: the worker reads it as JSON only, and a forged
    message is flagged for review."""
    marker = tmp_path / "unpickled"
    forged = (
        "import os, pickle, struct\n"
        "class Boom:\n"
        "    def __reduce__(self):\n"
        f"        return (os.mkdir, ({str(marker)!r},))\n"
        "data = pickle.dumps([Boom()])\n"
        "for fd in os.listdir('/proc/self/fd'):\n"
        "    try:\n"
        "        os.write(int(fd), struct.pack('!I', len(data)) + data)\n"
        "    except OSError:\n"
        "        pass"
    )
    outputs, reason, review = run_forked(["print('before')", forged, "print('after')"], LIMITS, zygote_scope)
    assert review and "unreadable results" in review[0], (reason, review)
    assert not marker.exists()
    assert _stdout(outputs[:1]) == "before\n"  # what came before the forgery is kept
