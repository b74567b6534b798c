"""Answers given through widgets, saved next to the notebook so they count when nbgrader re-runs it.

nbgrader grades by re-running the notebook, and nobody clicks a widget during that run. So a widget
saves each answer (when the learner gives it, never when the widget is created) to a small JSON file
in the notebook's folder, `<notebook stem>.answers.json`, which `nbgrader submit`/`collect` carry with
the notebook into `submitted/` and `autograde` into `autograded/`. A graded cell reads it back:

    from hocso.widgets.answers import load_answer
    assert load_answer("inbox")["sms-01"] == "scam"

Which file (first match wins): the `answers_file=` argument; `HOCSO_ANSWERS_FILE`; `use_answers_file()`
called earlier in the kernel; the notebook the Jupyter server names in `JPY_SESSION_NAME` when it is
in the working directory; the only `*.ipynb` in the working directory (the kernel's cwd is the
notebook's folder in JupyterLab and under nbgrader autograde). A folder with several notebooks calls
`use_answers_file("<stem>.answers.json")` once at the top of each.

An author running a notebook inside the course source (`notebooks/` next to `course_config/`) gets
answers kept in the kernel's memory only: a file there would be released to every learner by
`generate_assignment` and copied over their answers by `autograde`. An explicit file still wins.

Errors (each message names the file and what to do):

    HocsoError
    └── AnswersError
        ├── AnswersFileNotFound   which file is meant cannot be worked out (author's setup problem)
        └── AnswerMissing         no readable answer for a question (missing or corrupt file, no key)
"""

from __future__ import annotations

import json
import os
import tempfile
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from hocso.config.models import LanguageCode
from hocso.errors import HocsoError

ANSWERS_FILE_ENV = "HOCSO_ANSWERS_FILE"
SESSION_ENV = "JPY_SESSION_NAME"
SUFFIX = ".answers.json"
FORMAT = "hocso-answers/1"

_chosen_file: Path | None = None
_in_memory: dict[Path, dict[str, Any]] = {}  # answers of notebooks run inside the course source


class AnswersError(HocsoError):
    """An answer cannot be saved or read; the message names the file."""


class AnswersFileNotFound(AnswersError):
    """The answers file cannot be worked out from the environment."""


class AnswerMissing(AnswersError, LookupError):
    """A graded cell asked for an answer the learner has not (readably) given: zero for that cell."""


def use_answers_file(path: str | os.PathLike[str] | None) -> Path | None:
    """Fix this kernel's answers file (relative paths are to the notebook's folder); None to forget."""
    global _chosen_file
    _chosen_file = Path(path) if path is not None else None
    return _chosen_file


def kernel_notebook() -> Path | None:
    """The notebook this kernel runs, when it can be told: the one the Jupyter server names in
    `JPY_SESSION_NAME` if it is in the working directory, else the only notebook there."""
    cwd = Path.cwd()
    if session := os.environ.get(SESSION_ENV):
        # trusted only when that notebook is here: a grader started from a notebook passes its own on
        candidate = cwd / Path(session).name
        if candidate.suffix == ".ipynb" and candidate.exists():
            return candidate
    notebooks = sorted(cwd.glob("*.ipynb"))
    return notebooks[0] if len(notebooks) == 1 else None


def edition_language() -> str | None:
    """The language of the learner edition this kernel runs (`metadata.hocso.edition`, written by
    release), so an English edition's widgets and checks speak English whatever the server's default."""
    notebook = kernel_notebook()
    if notebook is None:
        return None
    try:
        return _edition_language(notebook, notebook.stat().st_mtime_ns)
    except OSError:
        return None


@lru_cache(maxsize=8)
def _edition_language(notebook: Path, _mtime: int) -> str | None:
    try:
        metadata = json.loads(notebook.read_text(encoding="utf-8")).get("metadata", {})
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, AttributeError):
        return None
    edition = metadata.get("hocso", {}).get("edition") if isinstance(metadata, dict) else None
    language = edition.get("language") if isinstance(edition, dict) else None
    return language if isinstance(language, str) else None


def answers_path(answers_file: str | os.PathLike[str] | None = None) -> Path:
    """The answers file a widget or graded cell in this kernel uses (see the module docstring)."""
    if answers_file is not None:
        return Path(answers_file)
    if env := os.environ.get(ANSWERS_FILE_ENV):
        return Path(env)
    if _chosen_file is not None:
        return _chosen_file
    if (notebook := kernel_notebook()) is not None:
        return notebook.with_name(notebook.stem + SUFFIX)
    cwd = Path.cwd()
    found = ", ".join(n.name for n in sorted(cwd.glob("*.ipynb"))) or "none"
    raise AnswersFileNotFound(
        f"cannot tell which notebook's answers file to use in {cwd} (notebooks here: {found}); "
        'put `from hocso.widgets.answers import use_answers_file; use_answers_file("<notebook>.answers.json")` '
        "at the top of the notebook"
    )


def save_answer(
    question: str,
    value: Any,
    answers_file: str | os.PathLike[str] | None = None,
    *,
    language: LanguageCode | None = None,
) -> Path:
    """Save `value` (anything JSON can hold) as the answer to `question`, atomically; returns the file.

    `language` is the language the learner worked in; grading feedback is written in it."""
    path = answers_path(answers_file)
    if answers_file is None and _in_course_source(path):
        document = _in_memory.setdefault(path.resolve(), _fresh())
        document["answers"][question] = value
        if language:
            document["language"] = language
        return path
    try:
        document = _read(path)
    except AnswerMissing:
        document = _fresh()
        if path.exists():  # unreadable: keep it for the facilitator rather than silently dropping it
            os.replace(path, path.with_name(path.name + ".corrupt"))
    document["answers"][question] = value
    document["saved_at"][question] = datetime.now(UTC).isoformat(timespec="seconds")
    if language:
        document["language"] = language
    _write_atomically(path, document)
    return path


def answers_language(answers_file: str | os.PathLike[str] | None = None) -> str | None:
    """The language the learner's widgets were in (None when nothing is saved yet)."""
    try:
        language = _read(answers_path(answers_file)).get("language")
    except AnswersError:
        return None
    return language if isinstance(language, str) else None


def saved_answers(answers_file: str | os.PathLike[str] | None = None) -> dict[str, Any]:
    """Every saved answer by question id; empty when there is no readable file (widgets restore from it)."""
    try:
        return dict(_read(answers_path(answers_file))["answers"])
    except AnswersError:
        return {}


def load_answer(
    question: str, part: str | None = None, *, answers_file: str | os.PathLike[str] | None = None
) -> Any:
    """The learner's saved answer to `question` (or one `part` of it, e.g. one inbox message), for a
    graded cell; raises `AnswerMissing` with a message naming the question and file when there is none."""
    try:
        path = answers_path(answers_file)
    except AnswersFileNotFound as error:
        raise AnswerMissing(f"no answer saved for {question!r}: {error}") from None
    answers = _read(path)["answers"]
    if question not in answers:
        raise AnswerMissing(
            f"no answer saved for {question!r} in {path.name} — "
            "answer the question with the widget above (it saves by itself), then save and submit"
        )
    if part is None:
        return answers[question]
    answer = answers[question]
    if not isinstance(answer, dict) or part not in answer:
        raise AnswerMissing(
            f"no answer saved for {part!r} of {question!r} in {path.name} — "
            "answer that item with the widget above, then save and submit"
        )
    return answer[part]


def _fresh() -> dict[str, Any]:
    return {"format": FORMAT, "answers": {}, "saved_at": {}}


def _in_course_source(path: Path) -> bool:
    """True for a file under a course's `notebooks/` (the nbgrader source), found by its `course_config/`."""
    folder = path.resolve().parent
    for parent in (folder, *folder.parents):
        if (parent / "course_config" / "course.toml").is_file():
            return folder.is_relative_to(parent / "notebooks")
    return False


def _read(path: Path) -> dict[str, Any]:
    if (kept := _in_memory.get(path.resolve())) is not None:
        return kept
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise AnswerMissing(
            f"no answers saved yet: {path.name} is missing — answer the questions with the widgets, "
            "then save and submit"
        ) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise AnswerMissing(
            f"{path.name} is damaged and cannot be read ({error.__class__.__name__}); "
            "answer the questions with the widgets again to rewrite it"
        ) from None
    if not (
        isinstance(document, dict)
        and document.get("format") == FORMAT
        and isinstance(document.get("answers"), dict)
    ):
        raise AnswerMissing(f"{path.name} is not a hocso answers file; answer with the widgets again")
    document.setdefault("saved_at", {})
    return document


def _write_atomically(path: Path, document: dict[str, Any]) -> None:
    """Write to a temporary file in the same folder, then rename: a crash never leaves half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            json.dump(document, stream, ensure_ascii=False, indent=1, sort_keys=True)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o644)  # mkstemp makes it private; the instructor's collect must read it
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
