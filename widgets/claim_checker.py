"""`ClaimChecker`: mark each claim of an AI answer as supported, unsupported or needs checking.

The learner reads the sources and judges each claim; Check compares with the course's verdicts
(given by the author, or `hocso.safety.claims.check_claims` when none are given) and shows which
source sentence supports a claim. Marks are saved as `{claim id: verdict}`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

import ipywidgets as w

from hocso.config.models import LanguageCode
from hocso.i18n import t
from hocso.safety.claims import VERDICTS, ClaimVerdict, check_claims
from hocso.widgets.graded import PerItemChoices
from hocso.widgets.look import (
    FONT,
    Text,
    Tone,
    banner,
    big_button,
    escape,
    heading,
    localized,
)

VERDICT_TONES: dict[str, Tone] = {"supported": "good", "needs_checking": "warn", "unsupported": "bad"}
VERDICT_ICONS = {"supported": "✔", "needs_checking": "?", "unsupported": "✖"}


class ClaimChecker(PerItemChoices):
    """`claims` maps a claim id to its text; `sources` maps a source name to its text.

    `expected` ({claim id: verdict}) overrides the automatic verdicts where an author knows better.
    `result` is `{claim id: True/False}` (learner matched the verdict) after Check.
    """

    def __init__(
        self,
        question_id: str,
        claims: Mapping[str, Text],
        sources: Mapping[str, str],
        *,
        answer: Text | None = None,
        expected: Mapping[str, str] | None = None,
        language: LanguageCode | None = None,
        answers_file: str | os.PathLike[str] | None = None,
        save: bool = True,
    ) -> None:
        super().__init__(question_id, language=language, answers_file=answers_file, save=save)
        lang = self.lang
        self.claims = {cid: localized(text, lang) for cid, text in claims.items()}
        self.sources = dict(sources)
        self.result: dict[str, bool] | None = None
        automatic = check_claims(list(self.claims.values()), self.sources)
        self.verdicts: dict[str, ClaimVerdict] = dict(zip(self.claims, automatic, strict=True))
        self.expected = {cid: v.verdict for cid, v in self.verdicts.items()} | dict(expected or {})
        if bad := {v for v in self.expected.values() if v not in VERDICTS}:
            raise ValueError(f"claim checker {question_id!r}: unknown verdicts {sorted(bad)}; use {VERDICTS}")
        labels = [(f"{VERDICT_ICONS[v]} {t(f'widgets.claims.{v}', lang)}", v) for v in VERDICTS]
        self.marks: dict[str, w.ToggleButtons] = {}
        self.item_controls = self.marks
        self.feedback: dict[str, w.HTML] = {}
        rows: list[w.Widget] = []
        for cid, text in self.claims.items():
            self.marks[cid] = toggle = w.ToggleButtons(
                options=labels, value=None, style={"button_width": "11em"}
            )
            self.feedback[cid] = w.HTML()
            rows.append(
                w.VBox(
                    [
                        w.HTML(f'<div style="{FONT}"><b>{escape(cid)}.</b> {escape(text)}</div>'),
                        toggle,
                        self.feedback[cid],
                    ],
                    layout=w.Layout(border="1px solid #d1d5db", padding="8px", margin="4px 0"),
                    _dom_classes=("hocso-card",),
                )
            )
        source_html = "".join(
            f'<div style="{FONT};background:#f9fafb;border-left:4px solid #6b7280;padding:6px 10px;margin:4px 0">'
            f"<b>{escape(name)}</b><br>{escape(text)}</div>"
            for name, text in self.sources.items()
        )
        answer_html = (
            f'<div style="{FONT};background:#eef2ff;border-radius:8px;padding:8px 12px">🤖 {escape(localized(answer, lang))}</div>'
            if answer is not None
            else ""
        )
        self.check_button = big_button(t("widgets.claims.check", lang), "primary")
        self.check_button.on_click(lambda _: self.check())
        self.summary = w.HTML()
        self._finish(
            [
                w.HTML(heading(t("widgets.claims.title", lang))),
                w.HTML(answer_html),
                w.HTML(
                    f'<div style="{FONT};font-weight:600;margin-top:8px">{escape(t("widgets.claims.sources", lang))}</div>'
                ),
                w.HTML(source_html),
                *rows,
                self.check_button,
                self.summary,
            ],
            list(self.marks.values()),
        )

    def check(self) -> dict[str, bool]:
        lang = self.lang
        marks = self.value
        self.result = {cid: marks.get(cid) == self.expected[cid] for cid in self.claims}
        for cid, right in self.result.items():
            truth = self.expected[cid]
            verdict = self.verdicts[cid]
            head = t(
                "widgets.claims.right" if right else "widgets.claims.wrong",
                lang,
                verdict=t(f"widgets.claims.{truth}", lang),
            )
            lines = [banner(head, "good" if right else VERDICT_TONES[truth])]
            if truth == verdict.verdict:
                lines.append(f'<div style="{FONT}">{escape(verdict.explain(lang))}</div>')
            self.feedback[cid].value = "".join(lines)
        right_count = sum(self.result.values())
        tone: Tone = "good" if right_count == len(self.result) else "warn"
        self.summary.value = banner(
            t("widgets.claims.score", lang, right=right_count, total=len(self.result)), tone
        )
        return self.result
