"""One grader per learner at a time: two `hocso grade autograde` runs on one course share the work.

A run claims each learner before any worker gets the job, with an exclusive, non-blocking `flock`
on `<runtime>/.hocso-claims/<module>/<learner>.lock`, and holds it until the learner's result is
back (its grades committed, its done-marker written). A learner that another run holds is left to
that run; a learner claimed just after another run finished it is found graded and skipped. So two
runs started together grade every learner once between them, and neither removes the other's
half-written autograded folder. The claims are taken by the one process that reads the results,
whatever the engine, so a Dask worker lost mid-job does not free its learner for another run.

The kernel drops a lock when its holder ends, however it ends: a killed grader leaves no claim.
The lock files stay (deleting one while another run opens it would let two runs hold "the" lock).
A process forked while claims are held (a local engine's worker) closes its copies at once, so the
claim ends when the grader lets it go.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from pathlib import Path

__all__ = ["CLAIMS_DIR", "LearnerClaims"]

CLAIMS_DIR = ".hocso-claims"  # a dot folder: nbgrader and Jupyter list no student or file there
_held_in_process: set[int] = set()


class LearnerClaims:
    """The learners of `assignment` this process is grading now (see the module docstring)."""

    def __init__(self, runtime: Path, assignment: str) -> None:
        self.folder = runtime / CLAIMS_DIR / assignment
        self.folder.mkdir(parents=True, exist_ok=True)
        self._held: dict[str, int] = {}

    def take(self, learner: str) -> bool:
        """Claim `learner`; False if another grader holds it."""
        if learner in self._held:
            return True
        handle = os.open(self.folder / f"{learner}.lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(handle)
            return False
        self._held[learner] = handle
        _held_in_process.add(handle)
        return True

    def release(self, learner: str) -> None:
        handle = self._held.pop(learner, None)
        if handle in _held_in_process:  # not in a forked child, where the number may be another file's
            _held_in_process.discard(handle)
            os.close(handle)

    def __enter__(self) -> LearnerClaims:
        return self

    def __exit__(self, *exc: object) -> None:
        for learner in list(self._held):
            self.release(learner)


def _close_inherited_claims() -> None:
    """In a forked child: close (never unlock) the claims' descriptors, which stay the parent's."""
    for handle in list(_held_in_process):
        with contextlib.suppress(OSError):
            os.close(handle)
    _held_in_process.clear()


os.register_at_fork(after_in_child=_close_inherited_claims)
