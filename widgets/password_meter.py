"""`PasswordMeter`: how guessable a password is, in plain words, with NIST SP 800-63B advice.

The password stays in the kernel: it is never stored on the widget beyond the input box, never
logged and never put in `result` (a `PasswordAssessment` holds only the estimate).
"""

from __future__ import annotations

from collections.abc import Sequence

import ipywidgets as w

from hocso.config.models import LanguageCode
from hocso.i18n import t
from hocso.safety.passwords import PasswordAssessment, assess_password, explain_problem, nist_problems
from hocso.widgets.look import TONES, Tone, banner, frame, full_width, heading, paragraph, pick_language

# zxcvbn score 0..4 → tone; the label text says the same in words
SCORE_TONES: tuple[Tone, ...] = ("bad", "bad", "warn", "good", "good")


class PasswordMeter(w.VBox):
    """Type a password and see its strength as it is typed; `user_inputs` are words about the learner."""

    def __init__(self, user_inputs: Sequence[str] = (), language: LanguageCode | None = None) -> None:
        self.lang = pick_language(language)
        self.user_inputs = tuple(user_inputs)
        self.result: PasswordAssessment | None = None
        self.problems: tuple[str, ...] = ()
        lang = self.lang
        self.password = w.Password(
            placeholder=t("widgets.password.placeholder", lang), layout=full_width(height="2.6em")
        )
        self.show = w.Checkbox(description=t("widgets.password.show", lang), indent=False)
        self.visible = w.Text(layout=full_width(height="2.6em"), disabled=True)
        self.visible.layout.display = "none"
        self.meter = w.HTML()
        self.advice = w.HTML()
        self.password.observe(lambda _: self.assess(), names="value")
        self.show.observe(lambda _: self._toggle_visible(), names="value")
        super().__init__(
            [
                w.HTML(heading(t("widgets.password.title", lang))),
                w.HTML(paragraph(t("widgets.password.private", lang))),
                self.password,
                self.show,
                self.visible,
                self.meter,
                self.advice,
            ],
            **frame(),
        )
        self.assess()

    @property
    def value(self) -> int | None:
        """zxcvbn's score, 0 (guessed at once) to 4 (very hard to guess); None while empty."""
        return self.result.score if self.result else None

    def assess(self) -> PasswordAssessment | None:
        lang = self.lang
        password = self.password.value
        if self.show.value:
            self.visible.value = password
        if not password:
            self.result, self.problems = None, ()
            self.meter.value = paragraph(t("widgets.password.empty", lang))
            self.advice.value = ""
            return None
        self.result = assess_password(password, self.user_inputs)
        self.problems = tuple(nist_problems(password, context_words=self.user_inputs))
        self.meter.value = self._meter_html(self.result)
        notes = [banner(explain_problem(code, lang), "bad") for code in self.problems]
        notes += [banner(hint, "warn") for hint in self.result.feedback(lang)]
        if not self.problems and self.result.score >= 3:
            notes.append(banner(t("widgets.password.good_advice", lang), "good"))
        notes.append(paragraph(t("widgets.password.nist", lang)))
        self.advice.value = "".join(notes)
        return self.result

    def _meter_html(self, result: PasswordAssessment) -> str:
        lang = self.lang
        tone = SCORE_TONES[result.score]
        colour, _, icon = TONES[tone]
        segments = "".join(
            f'<span style="display:inline-block;width:18%;height:14px;margin-right:2%;border-radius:4px;'
            f'background:{colour if i <= result.score else "#e5e7eb"}"></span>'
            for i in range(5)
        )
        label = t(f"widgets.password.score_{result.score}", lang)
        crack = t("widgets.password.crack_time", lang, time=result.crack_time_text(lang))
        return (
            f'<div style="margin:6px 0">{segments}</div>'
            f'<div style="font-size:1.3em;color:{colour};font-weight:600">{icon} {label}</div>'
            f"{paragraph(crack)}"
        )

    def _toggle_visible(self) -> None:
        self.visible.layout.display = "" if self.show.value else "none"
        self.visible.value = self.password.value if self.show.value else ""
