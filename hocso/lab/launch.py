"""Start a learner kernel with its own process output (warnings, ipykernel's shutdown noise) in the
lab's kernel log instead of the learner's terminal; what a cell prints still goes to the notebook.

    python -m hocso.lab.launch -f {connection_file} --ext hocso.lab.kernel
"""

from __future__ import annotations

import os

from hocso.lab.kernel import LOG_ENV


def main() -> None:
    if log := os.environ.get(LOG_ENV):
        try:
            target = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        except OSError:
            target = None
        if target is not None:
            os.dup2(target, 1)
            os.dup2(target, 2)
            os.close(target)
    from ipykernel import kernelapp

    kernelapp.launch_new_instance()


if __name__ == "__main__":
    main()
