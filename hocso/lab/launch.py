"""Start a learner kernel with its own process output (warnings, ipykernel's shutdown noise) in the
lab's kernel log instead of the learner's terminal; what a cell prints still goes to the notebook.
A kernel that cannot start says so in one line on the lab's own output (under the hub: the hub's
log), naming the kernel log that holds the traceback.

    python -m hocso.lab.launch -f {connection_file} --ext hocso.lab.kernel
"""

from __future__ import annotations

import os

from hocso.lab.kernel import LOG_ENV


def main() -> None:
    lab_output = None
    if log := os.environ.get(LOG_ENV):
        try:
            target = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        except OSError:
            target = None
        if target is not None:
            lab_output = os.fdopen(os.dup(2), "w", encoding="utf-8", errors="replace")
            os.dup2(target, 1)
            os.dup2(target, 2)
            os.close(target)
    from ipykernel import kernelapp

    try:
        kernelapp.launch_new_instance()
    except Exception as error:
        if lab_output is not None:
            print(f"hocso: kernel {os.getpid()} stopped: {error!r} (traceback in {log})", file=lab_output)
            lab_output.flush()
        raise
    finally:
        if lab_output is not None:
            lab_output.close()


if __name__ == "__main__":
    main()
