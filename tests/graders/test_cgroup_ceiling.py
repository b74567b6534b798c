"""A submission's processes share one memory ceiling (a cgroup), not one rlimit each.

Attack: stay under the per-process address-space limit in each of several processes, so that
together they take far more than a submission's memory. Before the cgroup ceiling, three children of
400 MB each (1.2 GB together, each under a 600 MB rlimit) ran to the end.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from hocso.graders import cgroups, zygote
from hocso.graders.sandbox import Limits, missing_protections
from hocso.graders.zygote import ZygoteRoot, run_forked
from hocso.i18n import t

pytestmark = pytest.mark.skipif(
    bool(missing_protections()), reason="the strong sandbox (bubblewrap, root, cgroups) is not available"
)

LIMITS = Limits(cell_timeout=20, notebook_timeout=40, memory_mb=600, disk_mb=100)

SPREAD_OUT = """
import os, time
children = []
for n in range(3):
    pid = os.fork()
    if pid == 0:
        block = bytearray(b'\\x01') * 400_000_000  # written, so every page is really taken
        time.sleep(5)
        os._exit(0)
    children.append(pid)
ended = [os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) for pid in children]
print('CHILDREN', ended)
"""


@pytest.fixture
def zygote_scope(tmp_path) -> Iterator[str]:
    with ZygoteRoot([str(tmp_path)]):
        yield str(tmp_path)
        mine = zygote._zygotes.get(os.getpid())
        if mine is not None:
            mine.close()


def test_processes_spread_out_under_the_rlimit_still_hit_the_submissions_ceiling(zygote_scope):
    outputs, reason, review = run_forked([SPREAD_OUT, "print('after')"], LIMITS, zygote_scope)
    printed = "".join(o.get("text", "") for cell in outputs for o in cell)
    assert "CHILDREN [0, 0, 0]" not in printed  # the kernel ended some of them (-9)
    assert reason == t("graders.autograde.memory_together", limit=600), (reason, printed)
    assert review == []  # out of memory is a failure with its reason, not tampering


def test_an_honest_submission_runs_inside_its_ceiling_and_the_next_one_too(zygote_scope):
    small = "data = bytearray(b'\\x01') * 50_000_000\nprint(len(data) // 1_000_000)"
    for _round in range(2):  # the worker's cgroup is reused, and an earlier OOM does not count again
        outputs, reason, review = run_forked([small], LIMITS, zygote_scope)
        assert reason is None and review == [], reason
        assert "".join(o.get("text", "") for cell in outputs for o in cell) == "50\n"


def test_a_grader_that_died_leaves_no_cgroup_behind(tmp_path, monkeypatch):
    """cgroups of graders whose process is gone are swept when the next one is made."""
    ceiling = cgroups.create(64, 4)
    try:
        parent = ceiling.folders[0].parent
        stale = parent / f"{cgroups.PREFIX}999999999"  # no such process
        stale.mkdir()
        again = cgroups.create(64, 4)
        assert not stale.exists()
        assert again.folders == ceiling.folders
        assert Path(ceiling.folders[0], "cgroup.procs").read_text() == ""
    finally:
        ceiling.remove()
    assert not ceiling.folders[0].exists()


def test_without_writable_cgroups_the_strong_sandbox_is_refused_and_says_why(monkeypatch):
    """A machine where no cgroup can be made: `hocso grade autograde` names it and refuses."""
    from hocso.graders import sandbox
    from hocso.graders.autograde import sandbox_for
    from hocso.graders.errors import GradingError

    monkeypatch.setattr(cgroups, "MOUNT", Path("/nonexistent-cgroup-mount"))
    cgroups.unavailable.cache_clear()
    sandbox.missing_protections.cache_clear()
    try:
        missing = sandbox.missing_protections()
        assert len(missing) == 1 and "cgroups" in missing[0] and "/sys/fs/cgroup" in missing[0]
        with pytest.raises(GradingError) as refused:
            sandbox_for(allow_weak_sandbox=False)
        assert "cgroups" in str(refused.value)
        assert sandbox_for(allow_weak_sandbox=True) is False
    finally:
        monkeypatch.undo()
        cgroups.unavailable.cache_clear()
        sandbox.missing_protections.cache_clear()
    assert sandbox.missing_protections() == ()
