"""`QrPayCheck`: a VietQR code and what it really pays, checked before the learner pays.

A sticker pasted over a shop's QR code sends the money elsewhere; reading the payload (bank,
account, amount) and its CRC is the defence. Parsing is `hocso.safety.vietqr`; the image is segno.
"""

from __future__ import annotations

import io

import ipywidgets as w
import segno

from hocso.config.models import LanguageCode
from hocso.i18n import t
from hocso.safety.errors import SafetyError
from hocso.safety.vietqr import VietQrPayment, needs_biometric, parse_vietqr
from hocso.widgets.look import FONT, banner, big_button, escape, frame, full_width, heading, pick_language


class QrPayCheck(w.VBox):
    """Shows `payload` as a QR image and its fields; `expected_account` is the shop's printed account.

    `result` is the parsed `VietQrPayment` (None when the text is not a VietQR payload);
    `problems` lists "crc", "wrong_account" and "unreadable" findings.
    """

    def __init__(
        self,
        payload: str = "",
        *,
        expected_account: str | None = None,
        show_payload: bool = True,
        language: LanguageCode | None = None,
    ) -> None:
        self.lang = pick_language(language)
        self.expected_account = expected_account
        self.result: VietQrPayment | None = None
        self.problems: tuple[str, ...] = ()
        lang = self.lang
        self.payload = w.Textarea(value=payload, layout=full_width(height="5em"))
        self.payload.layout.display = "" if show_payload else "none"
        self.check_button = big_button(t("widgets.qr.check", lang), "primary")
        self.check_button.on_click(lambda _: self.check())
        # hidden until there is a code to draw: an empty image is a blank box on the first paint
        self.image = w.Image(format="png", layout=w.Layout(width="14em", height="14em", display="none"))
        self.details = w.HTML(layout=full_width())
        self.verdict = w.HTML(layout=full_width())
        super().__init__(
            [
                w.HTML(heading(t("widgets.qr.title", lang))),
                w.HBox(
                    [self.image, self.details], layout=w.Layout(flex_flow="row wrap", align_items="center")
                ),
                self.verdict,
                self.payload,
                self.check_button,
            ],
            **frame(),
        )
        if payload:
            self.check()

    @property
    def value(self) -> str:
        return self.payload.value.strip()

    @value.setter
    def value(self, payload: str) -> None:
        self.payload.value = payload

    def check(self) -> VietQrPayment | None:
        lang = self.lang
        text = self.value
        self.image.value = _qr_png(text) if text else b""
        self.image.layout.display = "" if text else "none"
        try:
            payment = parse_vietqr(text)
        except SafetyError as error:
            self.result, self.problems = None, ("unreadable",)
            self.details.value = ""
            self.verdict.value = (
                banner(t("widgets.qr.unreadable", lang), "bad") + f'<div style="{FONT}">{escape(error)}</div>'
            )
            return None
        problems = []
        if not payment.crc_ok:
            problems.append("crc")
        if self.expected_account is not None and payment.account != self.expected_account:
            problems.append("wrong_account")
        self.result, self.problems = payment, tuple(problems)
        self.details.value = self._details_html(payment)
        notes = [
            banner(t(f"widgets.qr.problem.{code}", lang, expected=self.expected_account), "bad")
            for code in problems
        ]
        if not problems:
            notes.append(banner(t("widgets.qr.looks_right", lang), "good"))
        if payment.amount and needs_biometric(payment.amount):
            notes.append(banner(t("widgets.qr.biometric", lang), "info"))
        notes.append(banner(t("widgets.qr.always_check", lang), "info"))
        self.verdict.value = "".join(notes)
        return payment

    def _details_html(self, payment: VietQrPayment) -> str:
        lang = self.lang
        amount = (
            f"{payment.amount:,}".replace(",", ".") + " đ"
            if payment.amount
            else t("widgets.qr.no_amount", lang)
        )
        rows = [
            ("bank", f"{payment.bank_name or '?'} ({payment.bank_bin})"),
            ("account", payment.account),
            ("amount", amount),
            ("message", payment.message or "—"),
            ("crc", ("✔ " if payment.crc_ok else "✖ ") + payment.crc),
        ]
        cells = "".join(
            f'<tr><td style="padding:4px 12px 4px 0;color:#374151">{escape(t(f"widgets.qr.field.{name}", lang))}</td>'
            f'<td style="font-weight:600;font-size:1.15em">{escape(value)}</td></tr>'
            for name, value in rows
        )
        return f'<table style="{FONT};margin-left:12px">{cells}</table>'


def _qr_png(text: str) -> bytes:
    buffer = io.BytesIO()
    segno.make(text, error="m", micro=False).save(buffer, kind="png", scale=6, border=2)
    return buffer.getvalue()
