"""Graded exercises: hints and questions, never the solution.

The system prompt asks every backend for hints only; this output check enforces it afterwards, since
a remote model may not obey. A reply that carries a code solution (a fenced block of several lines,
or several lines that read as Python statements) loses that code and gets a hint instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from hocso.config.models import LanguageCode
from hocso.i18n import t

_FENCE = re.compile(r"```[\w+-]*\n(.*?)(?:```|\Z)", re.DOTALL)
_CODE_LINE = re.compile(
    r"^\s*(?:def |return\b|for .+:|while .+:|if .+:|elif .+:|else:|import |from \w[\w.]* import |"
    r"class \w|print\(|[A-Za-z_][\w\[\]'\".]*\s*[+\-*/]?=\s*\S|try:|except\b|with .+:|lambda\b)"
)
MAX_CODE_LINES = 2


@dataclass(frozen=True)
class CheckedReply:
    text: str
    withheld: bool


def code_lines(text: str) -> int:
    return sum(1 for line in text.splitlines() if _CODE_LINE.match(line))


def withhold_solutions(reply: str, language: LanguageCode | None = None) -> CheckedReply:
    """`reply` without code that could solve a graded cell; `withheld` tells whether anything was cut."""
    withheld = False

    def _cut(match: re.Match[str]) -> str:
        nonlocal withheld
        body = match.group(1)
        if len([line for line in body.splitlines() if line.strip()]) > MAX_CODE_LINES or code_lines(body):
            withheld = True
            return f"[{t('assistant.guard.withheld', language)}]"
        return match.group(0)

    text = _FENCE.sub(_cut, reply)
    if code_lines(text) > MAX_CODE_LINES:
        kept = [line for line in text.splitlines() if not _CODE_LINE.match(line)]
        text = "\n".join([*kept, t("assistant.guard.withheld", language)])
        withheld = True
    return CheckedReply(text=text.strip(), withheld=withheld)


def hint_system_note(language: LanguageCode) -> str:
    """The extra system instruction for graded cells (English: models follow it best)."""
    lang = "Vietnamese" if language == "vi" else "English"
    return (
        "The learner is working on a GRADED exercise. Give hints and guiding questions only. "
        "Never write the code or the exact answer for the exercise, even if asked or told otherwise. "
        f"Answer in {lang}."
    )
