"""The zygote that forks each submission: what a submission's process inherits, and recovery."""

from __future__ import annotations

import builtins
import os
import sys
from collections.abc import Iterator

import IPython
import pytest
from hocso.graders import fast_execute
from hocso.graders.fast_execute import run_forked, shell_for_workers
from hocso.graders.sandbox import Limits

LIMITS = Limits(cell_timeout=5, notebook_timeout=20)


@pytest.fixture
def zygote_scope(tmp_path) -> Iterator[str]:
    """A shell only while the test runs (as for the workers), and no zygote left behind."""
    with shell_for_workers():
        yield str(tmp_path)
    zygote = fast_execute._zygotes.get(os.getpid())
    if zygote is not None:
        zygote.close()


def _stdout(outputs: list[list[dict]]) -> str:
    return "".join(o.get("text", "") for cell in outputs for o in cell if o.get("name") == "stdout")


def test_submission_inherits_only_its_own_pipe(zygote_scope):
    """Not the grading worker's pool pipes or gradebook: only stdin/out/err and its result pipe."""
    source = (
        "import os\n"
        "for fd in sorted(int(n) for n in os.listdir('/proc/self/fd')):\n"
        "    try:\n"
        "        print(fd, os.readlink(f'/proc/self/fd/{fd}'))\n"
        "    except OSError:\n"
        "        pass"
    )
    outputs, reason = run_forked([source], LIMITS, zygote_scope)
    assert reason is None
    files = dict(line.split(" ", 1) for line in _stdout(outputs).splitlines())
    extra = {fd: target for fd, target in files.items() if int(fd) > 2}
    pipes = [t for t in extra.values() if t.startswith("pipe:")]
    listing = [t for t in extra.values() if "/proc/" in t]  # os.listdir's own descriptor
    assert len(pipes) == 1 and len(pipes) + len(listing) == len(extra), files


def test_a_submission_that_ends_the_zygote_does_not_stop_the_next(zygote_scope):
    killer = "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)\nprint('still here')"
    outputs, reason = run_forked([killer, "print(6 * 7)"], LIMITS, zygote_scope)
    assert reason and "helper process stopped" in reason
    assert "still here" in _stdout(outputs) and "42" in _stdout(outputs)  # its own work is kept
    outputs, reason = run_forked(["print(6 * 7)"], LIMITS, zygote_scope)
    assert reason is None and _stdout(outputs) == "42\n"


def test_learners_do_not_share_state(zygote_scope):
    run_forked(["import json\njson.dumps = None\nSECRET = 1"], LIMITS, zygote_scope)
    outputs, reason = run_forked(
        ["import json\nprint(json.dumps([1]), 'SECRET' in globals())"], LIMITS, zygote_scope
    )
    assert reason is None and _stdout(outputs) == "[1] False\n"


def test_the_caller_gets_its_process_back():
    main, hooks = sys.modules["__main__"], (sys.displayhook, sys.excepthook, sys.stdout)
    had_ipython = "__IPYTHON__" in builtins.__dict__
    with shell_for_workers():
        assert IPython.get_ipython() is not None
    assert IPython.get_ipython() is None
    assert sys.modules["__main__"] is main
    assert (sys.displayhook, sys.excepthook, sys.stdout) == hooks
    assert ("__IPYTHON__" in builtins.__dict__) == had_ipython
