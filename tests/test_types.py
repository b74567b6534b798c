"""mypy over all of hocso (graders/ and widgets/ included), and `--strict` over hocso.config and
hocso.graders, as a ratchet.

`dev.py`'s typecheck_tree() lays build/typecheck/hocso out as the installed package is (symlinks:
graders/ -> hocso/graders, widgets/ -> hocso/widgets), so `mypy -p hocso` checks every module; the
mypy settings are pyproject.toml's [tool.mypy]. `python3 dev.py types` runs the same by hand.

Ratchet: the goal is zero errors. Until then tests/types_baseline.json holds the committed number of
errors per file for each run; a file may have fewer, never more (a file missing from it: zero). When a
file has fewer, the test warns with the new counts: lower the baseline in the same commit, so the
numbers only ever go down. (Fewer is not a failure: several engineers commit to one checkout at once,
and a fix in one file must not turn another's suite red.) When every count is zero, the
baseline is `{"all": {}, "strict": {}}` and this is a plain zero-error gate.
"""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
import warnings
from collections import Counter
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
BASELINE = Path(__file__).with_name("types_baseline.json")
RUNS = {
    "all": ["-p", "hocso"],
    "strict": ["--strict", "--follow-imports=silent", "-p", "hocso.config", "-p", "hocso.graders"],
}
ERROR = re.compile(r"^build/typecheck/(?P<path>[^:]+\.pyi?):\d+: error: ")


def _typecheck_tree() -> None:
    spec = importlib.util.spec_from_file_location("hocso_dev", REPO_ROOT / "dev.py")
    assert spec and spec.loader
    dev = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(dev)
    dev.typecheck_tree()


def errors_per_file(run: str) -> tuple[Counter[str], str]:
    """{"hocso/graders/x.py": n} for one mypy run (paths as in the installed package), and its output."""
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--cache-dir", f"build/typecheck/.mypy_cache-{run}", *RUNS[run]],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert done.returncode in (0, 1), f"mypy crashed:\n{done.stdout}\n{done.stderr}"
    counts = Counter(m["path"] for line in done.stdout.splitlines() if (m := ERROR.match(line)))
    return counts, done.stdout


@pytest.fixture(scope="module", autouse=True)
def typecheck_tree() -> None:
    _typecheck_tree()


@pytest.mark.slow
@pytest.mark.timeout(1500)
@pytest.mark.parametrize("run", list(RUNS))
def test_mypy_errors_only_go_down(run: str) -> None:
    baseline: dict[str, int] = json.loads(BASELINE.read_text())[run]
    counts, output = errors_per_file(run)
    rose = {f: (n, baseline.get(f, 0)) for f, n in counts.items() if n > baseline.get(f, 0)}
    fell = {f: (counts.get(f, 0), n) for f, n in baseline.items() if counts.get(f, 0) < n}
    assert not rose, f"mypy ({run}): more errors than {BASELINE.name} allows (now, allowed): {rose}\n{output}"
    if fell:
        warnings.warn(
            f"mypy ({run}): fewer errors than {BASELINE.name} says (now, baseline): {fell}; "
            "lower the baseline to the new counts (delete a file's entry at zero)",
            stacklevel=1,
        )
