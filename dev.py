#!/usr/bin/env python3
"""Set up hocso in a local virtual environment, then run the lab or the tests.

    python3 dev.py lab     # the learning lab, with the embedded offline assistant
    python3 dev.py test    # the whole test suite
    python3 dev.py types   # mypy over all of hocso, graders/ and widgets/ included

Needs only Python 3.11+. The first run creates `.venv/` and installs hocso with its test and local-model
extras; later runs reinstall only when pyproject.toml or setup.py changed. The local model's server,
llama-cpp-python, builds from source once (about 7 minutes on 2 cores) into a wheelhouse under
~/.cache/hocso (HOCSO_WHEELHOUSE moves it); later installs, and CI on the same machine, reuse it. Extra arguments go to `hocso lab` or to
pytest, e.g. `python3 dev.py test -k config -x`.
"""

from __future__ import annotations

import ast
import contextlib
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STAMP = VENV / ".hocso-install-stamp"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
NO_TESTS_COLLECTED = 5
FRONTEND = ROOT / "frontend"
FRONTEND_STAMP = FRONTEND / "node_modules" / ".hocso-install-stamp"
#: llama.cpp's default build uses every CPU feature of the build machine (AMX, AVX-512) and crashed on
#: the one this was written on; these flags give a build that runs on any x86-64 with AVX2.
LLAMA_CPP_BUILD_ENV = {
    "CMAKE_ARGS": "-DGGML_NATIVE=OFF -DGGML_AMX_INT8=OFF -DGGML_AVX512=OFF",
    "CMAKE_BUILD_PARALLEL_LEVEL": "2",
}


def _install_fingerprint() -> str:
    digest = hashlib.sha256()
    for name in ("pyproject.toml", "setup.py"):
        digest.update((ROOT / name).read_bytes())
    return digest.hexdigest()


def ensure_environment() -> None:
    """Create `.venv` and install hocso[test] into it, unless it is already current."""
    if sys.version_info < (3, 11):  # noqa: UP036 - dev.py must explain itself on an old Python
        sys.exit(f"hocso needs Python 3.11 or newer; this is {sys.version.split()[0]}.")
    if not PYTHON.exists():
        print(f"Creating the virtual environment in {VENV} ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    fingerprint = _install_fingerprint()
    if STAMP.exists() and STAMP.read_text() == fingerprint:
        return
    print("Installing hocso and its dependencies (a few minutes the first time) ...", flush=True)
    pip = [str(PYTHON), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "--upgrade", "pip", "setuptools>=77", "wheel"], check=True)
    house = ensure_llama_cpp_wheel()
    env = dict(os.environ, **LLAMA_CPP_BUILD_ENV)  # should pip still build it, build it portable
    subprocess.run([*pip, "--find-links", str(house), "-e", f"{ROOT}[test,local-model]"], check=True, env=env)
    STAMP.write_text(fingerprint)


def wheelhouse() -> Path:
    if env := os.environ.get("HOCSO_WHEELHOUSE"):
        return Path(env).expanduser()
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "hocso" / "wheelhouse"


def ensure_llama_cpp_wheel() -> Path:
    """Build llama-cpp-python (the version the local-model extra pins) into the wheelhouse, once.

    `--no-cache-dir`, because pip's own wheel cache is keyed by the source archive, not by CMAKE_ARGS:
    it could hand back a build made without the portable flags."""
    import tomllib  # here: dev.py must still explain itself on a Python older than 3.11

    with (ROOT / "pyproject.toml").open("rb") as stream:
        extra = tomllib.load(stream)["project"]["optional-dependencies"]["local-model"]
    pinned = next(r for r in extra if r.startswith("llama-cpp-python"))
    version = pinned.split("==")[1]
    house = wheelhouse()
    if not list(house.glob(f"llama_cpp_python-{version}-*.whl")):
        house.mkdir(parents=True, exist_ok=True)
        print(
            f"Building llama-cpp-python {version} for the local model (once, about 7 minutes) ...", flush=True
        )
        wheel = [str(PYTHON), "-m", "pip", "wheel", "--disable-pip-version-check", "-q", "--no-deps"]
        requirement = f"llama-cpp-python=={version}"
        env = dict(os.environ, **LLAMA_CPP_BUILD_ENV)
        subprocess.run([*wheel, "--no-cache-dir", "-w", str(house), requirement], check=True, env=env)
    return house


def ensure_frontend_tools() -> None:
    """Install the front end's build tools (npm ci) where Node.js is, so the tests can check that the
    committed bundle is what its sources build; without npm that one test is skipped (CI has npm)."""
    npm = shutil.which("npm")
    if npm is None:
        return
    fingerprint = hashlib.sha256((FRONTEND / "package-lock.json").read_bytes()).hexdigest()
    if FRONTEND_STAMP.exists() and FRONTEND_STAMP.read_text() == fingerprint:
        return
    print("Installing the front end's build tools (npm ci) ...", flush=True)
    subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=FRONTEND, check=True)
    FRONTEND_STAMP.write_text(fingerprint)


TYPECHECK_ROOT = ROOT / "build" / "typecheck"  # [tool.mypy] mypy_path in pyproject.toml


def package_dirs() -> dict[str, str]:
    """setup.py's MAPPED (`{"hocso.graders": "graders", ...}`), read without running setup()."""
    tree = ast.parse((ROOT / "setup.py").read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "MAPPED" for t in node.targets):
            return ast.literal_eval(node.value)
    raise LookupError("setup.py defines no MAPPED")


def typecheck_tree() -> Path:
    """A tree of symlinks, build/typecheck/hocso, laid out as the installed package is: hocso/'s own
    entries plus graders/ and widgets/ as hocso/graders and hocso/widgets. mypy maps module names to
    folders and cannot follow setup.py's package_dir nor the editable install's import hook, so this is
    what lets `mypy -p hocso` see the whole package. Links point at the sources (errors and edits land
    in the real files); brought up to date on every call, so new modules are always seen. Updated in
    place, never deleted first, so two runs at once (one shared checkout) do not pull it from each other."""
    package = TYPECHECK_ROOT / "hocso"
    package.mkdir(parents=True, exist_ok=True)
    wanted = {entry.name: entry for entry in (ROOT / "hocso").iterdir() if entry.name != "__pycache__"}
    for name, folder in package_dirs().items():
        wanted[name.split(".", 1)[1]] = ROOT / folder
    for link in package.iterdir():
        stale = link.name not in wanted or link.resolve() != wanted[link.name].resolve()
        if stale and link.is_symlink():
            link.unlink(missing_ok=True)
    for name, target in wanted.items():
        with contextlib.suppress(FileExistsError):  # there already, or another run made it just now
            (package / name).symlink_to(target)
    return TYPECHECK_ROOT


def run_mypy(args: list[str]) -> int:
    typecheck_tree()
    return subprocess.call([str(PYTHON), "-m", "mypy", *(args or ["-p", "hocso"])], cwd=ROOT)


def run_tests(args: list[str]) -> int:
    code = subprocess.call([str(PYTHON), "-m", "pytest", *args], cwd=ROOT)
    if code == NO_TESTS_COLLECTED:
        print("dev.py: pytest collected no tests; that counts as a failure.", file=sys.stderr)
        return 1
    return code


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"lab", "test", "types"}:
        print(__doc__.strip())
        return 2
    ensure_environment()
    command, rest = argv[0], argv[1:]
    if command == "test":
        ensure_frontend_tools()
        return run_tests(rest)
    if command == "types":
        return run_mypy(rest)
    return run_lab(rest)


def run_lab(args: list[str]) -> int:
    """`hocso lab`, which stops itself cleanly on Ctrl+C: this process only waits for it (without
    this, Ctrl+C killed the lab mid-shutdown and printed a KeyboardInterrupt traceback)."""
    process = subprocess.Popen([str(BIN / "hocso"), "lab", *args], cwd=ROOT)
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        return process.wait()
    finally:
        signal.signal(signal.SIGINT, previous)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
