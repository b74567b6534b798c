"""Scoring saved widget answers in nbgrader's test cells: per-item partial credit and plain-word feedback.

A graded exercise is a widget cell (which saves the answer, see `hocso.widgets.graded`) and an
autograder test cell whose visible part only says whether every item is answered, and whose hidden
part holds the key:

    from hocso.widgets.grading import Expect, answered, grade_items
    answered("m04-inbox", 8)
    ### BEGIN HIDDEN TESTS
    grade_items("m04-inbox", 4, {
        "g1": Expect("scam", vi="Ngân hàng không gửi link qua SMS.", en="Banks do not text links."),
        ...
    })
    ### END HIDDEN TESTS

`grade_*` prints one ✅/❌ line per item with the reason, in the language the learner worked in, and
returns the points earned as the cell's value: nbgrader takes a number a test cell returns as its
partial credit. Nothing here raises or writes to stderr (nbgrader gives 0 to a cell with stderr), so
a missing or damaged answers file is a friendly line and 0 points, never a traceback. The released
notebook keeps only `answered(...)`, so no key reaches the learner before grading.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

from hocso.config.models import LanguageCode
from hocso.i18n import current_language, normalize_language, t
from hocso.widgets.answers import answers_language, saved_answers
from hocso.widgets.look import Text, localized, pick_language

AnswersFile = str | os.PathLike[str] | None


@dataclass(frozen=True)
class Expect:
    """One graded item: the answer that earns its share of the points, and why, in both languages.

    `answer` is a choice key (or True/False for "should this option be selected"); `also` lists other
    answers that are right too; `label` names the item in the feedback (default: its id)."""

    answer: Any
    vi: str
    en: str
    label: Text | None = None
    also: tuple[Any, ...] = field(default=())

    def accepts(self, given: Any) -> bool:
        return given == self.answer or given in self.also

    def why(self, language: LanguageCode) -> str:
        return self.vi if language == "vi" else self.en


def feedback_language(answers_file: AnswersFile = None) -> LanguageCode:
    """The language of the learner's widgets, else of their edition, else the notebook's."""
    saved = answers_language(answers_file)
    try:
        return normalize_language(saved) if saved else pick_language(None)
    except ValueError:
        return current_language()


def answered(question_id: str, items: int | Sequence[str], *, answers_file: AnswersFile = None) -> None:
    """Say (✅/❌) whether every item of the exercise has an answer; never reveals right or wrong.

    Returns nothing: it is the last line of the released test cell, where a value would show as a bare
    `True` under the sentence."""
    lang = feedback_language(answers_file)
    answer = _saved(question_id, answers_file)
    wanted = items if isinstance(items, int) else len(items)
    if isinstance(answer, dict):
        given = (
            sum(1 for v in answer.values() if v not in (None, "", []))
            if isinstance(items, int)
            else sum(1 for item in items if answer.get(item) not in (None, "", []))
        )
    elif isinstance(answer, list):
        given = sum(1 for v in answer if v not in (None, ""))
        if isinstance(items, int) and items == 1:
            given = min(given, 1)
    else:
        given = 0
    given = min(given, wanted)
    done = given >= wanted
    key = "widgets.grading.all_answered" if done else "widgets.grading.missing"
    print(("✅ " if done else "❌ ") + t(key, lang, given=given, total=wanted))


def grade_items(
    question_id: str, points: float, key: Mapping[str, Expect], *, answers_file: AnswersFile = None
) -> float:
    """Each item of a `{item id: choice}` answer earns `points / len(key)` when it matches."""
    lang = feedback_language(answers_file)
    answer = _saved(question_id, answers_file)
    given = answer if isinstance(answer, dict) else {}
    results = []
    for item, expect in key.items():
        choice = given.get(item)
        results.append((item, expect, None if choice in (None, "") else expect.accepts(choice)))
    return _report(results, points, lang, nothing_saved=not given)


def grade_selection(
    question_id: str, points: float, key: Mapping[str, Expect], *, answers_file: AnswersFile = None
) -> float:
    """For "choose every right option" answers (a list of keys): each option earns its share when it
    is selected exactly when `Expect(True)` says it should be. A blank answer earns nothing."""
    lang = feedback_language(answers_file)
    answer = _saved(question_id, answers_file)
    chosen = {str(k) for k in answer} if isinstance(answer, list) else set()
    results = [
        (option, expect, None if not chosen else expect.accepts(option in chosen))
        for option, expect in key.items()
    ]
    # "right" alone would read oddly next to a false statement the learner rightly left out
    verdicts = {
        option: f"widgets.grading.{'chosen' if expect.answer else 'left_out'}_{'right' if ok else 'wrong'}"
        for option, expect, ok in results
        if ok is not None
    }
    return _report(results, points, lang, nothing_saved=not chosen, verdicts=verdicts)


def grade_order(
    question_id: str,
    points: float,
    order: Sequence[str],
    *,
    vi: str,
    en: str,
    answers_file: AnswersFile = None,
) -> float:
    """An ordering earns the share of step pairs it puts in the right relative order (one step out of
    place costs little, a reversed list everything); missing steps count as misplaced."""
    lang = feedback_language(answers_file)
    answer = _saved(question_id, answers_file)
    given = [str(step) for step in answer] if isinstance(answer, list) else []
    position = {step: index for index, step in enumerate(given) if step}
    pairs = list(combinations(order, 2))
    right = sum(1 for a, b in pairs if a in position and b in position and position[a] < position[b])
    share = right / len(pairs) if pairs else 0.0
    earned = round(points * share, 2)
    why = vi if lang == "vi" else en
    if not position:
        print("⬜ " + t("widgets.grading.not_answered", lang) + " " + why)
    elif right == len(pairs):
        print("✅ " + t("widgets.grading.order_right", lang) + " " + why)
    else:
        print("❌ " + t("widgets.grading.order_partly", lang, right=right, total=len(pairs)) + " " + why)
    print(t("widgets.grading.points", lang, earned=_number(earned), total=_number(points)))
    return earned


def _saved(question_id: str, answers_file: AnswersFile) -> Any:
    """The saved answer, or None; `saved_answers` already turns a missing or damaged file into {}."""
    return saved_answers(answers_file).get(question_id)


def _report(
    results: list[tuple[str, Expect, bool | None]],
    points: float,
    lang: LanguageCode,
    *,
    nothing_saved: bool,
    verdicts: Mapping[str, str] | None = None,
) -> float:
    if nothing_saved:
        print("⬜ " + t("widgets.grading.nothing_saved", lang))
    right = 0
    for item, expect, ok in results:
        label = localized(expect.label, lang) if expect.label is not None else item
        if ok is None:
            mark, verdict = "⬜", t("widgets.grading.not_answered", lang)
        elif ok:
            mark, verdict = "✅", t((verdicts or {}).get(item, "widgets.grading.right"), lang)
            right += 1
        else:
            mark, verdict = "❌", t((verdicts or {}).get(item, "widgets.grading.wrong"), lang)
        print(f"{mark} {verdict} · {label}: {expect.why(lang)}")
    earned = round(points * right / len(results), 2) if results else 0.0
    print(t("widgets.grading.points", lang, earned=_number(earned), total=_number(points)))
    if right < len(results):
        print(t("widgets.grading.next_step", lang))
    return earned


def _number(value: float) -> str:
    return f"{value:g}"
