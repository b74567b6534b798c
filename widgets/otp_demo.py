"""`OtpDemo`: a live authenticator code, and what happens when it is read out to a "bank employee".

The lesson of module m03 in one screen: the code on your phone is the last key to your account, so
whoever hears it can log in as you, right now.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import ipywidgets as w
import pyotp

from hocso.config.models import LanguageCode
from hocso.i18n import t
from hocso.safety.otp import PERIOD, random_secret, seconds_left, totp_now
from hocso.widgets.look import banner, big_button, frame, full_width, heading, paragraph, pick_language


class OtpDemo(w.VBox):
    """A phone showing the current code, a scam call asking for it, and two choices: share or hang up.

    `clock` returns Unix time (tests pass a fixed one); `live=True` refreshes the code every second.
    `result` is "shared" or "refused" once the learner chose.
    """

    def __init__(
        self,
        secret: str | None = None,
        *,
        language: LanguageCode | None = None,
        clock: Callable[[], float] = time.time,
        live: bool = True,
    ) -> None:
        self._stop = threading.Event()
        self.lang = pick_language(language)
        self.secret = secret or random_secret()
        self.clock = clock
        self.result: str | None = None
        lang = self.lang
        self.phone = w.HTML(layout=full_width())
        self.call = w.HTML(banner(t("widgets.otp.caller", lang), "warn"))
        self.share_button = big_button(t("widgets.otp.share", lang), "danger")
        self.refuse_button = big_button(t("widgets.otp.refuse", lang), "success")
        self.outcome = w.HTML()
        self.share_button.on_click(lambda _: self.share())
        self.refuse_button.on_click(lambda _: self.refuse())
        super().__init__(
            [
                w.HTML(heading(t("widgets.otp.title", lang))),
                self.phone,
                self.call,
                w.HBox([self.share_button, self.refuse_button], layout=w.Layout(flex_flow="row wrap")),
                self.outcome,
            ],
            **frame(),
        )
        self.refresh()
        if live:
            threading.Thread(target=self._tick, daemon=True, name="hocso-otp-demo").start()

    @property
    def value(self) -> str:
        """The code the phone shows now."""
        return totp_now(self.secret, self.clock())

    def refresh(self) -> None:
        now = self.clock()
        left = seconds_left(now)
        width = int(100 * left / PERIOD)
        self.phone.value = (
            '<div style="max-width:20em;border:3px solid #111827;border-radius:24px;padding:16px;'
            'text-align:center;background:#f9fafb">'
            f"{paragraph(t('widgets.otp.phone', self.lang))}"
            f'<div style="font-size:2.6em;letter-spacing:0.15em;font-family:monospace;font-weight:700">'
            f"{totp_now(self.secret, now)}</div>"
            f'<div style="background:#e5e7eb;border-radius:4px"><div style="width:{width}%;height:8px;'
            f'background:#2563eb;border-radius:4px"></div></div>'
            f"{paragraph(t('widgets.otp.seconds_left', self.lang, seconds=left))}</div>"
        )

    def share(self) -> bool:
        """Read the code to the caller, who types it into the bank's login: True when it lets them in."""
        code = self.value
        accepted = pyotp.TOTP(self.secret, interval=PERIOD).verify(
            code, for_time=int(self.clock()), valid_window=1
        )
        self.result = "shared"
        self.outcome.value = banner(t("widgets.otp.stolen", self.lang, code=code), "bad") + paragraph(
            t("widgets.otp.lesson", self.lang)
        )
        return accepted

    def refuse(self) -> None:
        self.result = "refused"
        self.outcome.value = banner(t("widgets.otp.safe", self.lang), "good") + paragraph(
            t("widgets.otp.lesson", self.lang)
        )

    def close(self) -> None:
        self._stop.set()
        super().close()

    def _tick(self) -> None:
        while not self._stop.wait(1.0):
            self.refresh()
