"""`UrlInspector`: a link taken apart, with the registered domain (whose site it really is) highlighted.

The analysis is `hocso.safety.links.inspect_url` (offline Public Suffix List via tldextract); this
widget only shows it so a beginner sees at a glance which part of the address matters.
"""

from __future__ import annotations

import ipywidgets as w

from hocso.config.models import LanguageCode
from hocso.i18n import t
from hocso.safety.errors import SafetyError
from hocso.safety.links import TRUSTED_DOMAINS, UrlReport, inspect_url
from hocso.widgets.look import (
    FONT,
    Tone,
    banner,
    big_button,
    escape,
    frame,
    full_width,
    heading,
    paragraph,
    pick_language,
)

BAD_WARNINGS = frozenset({"lookalike", "punycode", "userinfo", "ip_host"})


class UrlInspector(w.VBox):
    """Paste a link, press Inspect; `result` is the `UrlReport` (None until a valid link is inspected)."""

    def __init__(
        self,
        url: str = "",
        *,
        trusted: tuple[str, ...] = TRUSTED_DOMAINS,
        language: LanguageCode | None = None,
    ) -> None:
        self.lang = pick_language(language)
        self.trusted = trusted
        self.result: UrlReport | None = None
        self.error: str | None = None
        lang = self.lang
        self.url = w.Text(value=url, placeholder="https://...", layout=full_width(height="2.6em"))
        self.inspect_button = big_button(t("widgets.url.inspect", lang), "primary")
        self.inspect_button.on_click(lambda _: self.inspect())
        self.address = w.HTML(layout=full_width())
        self.parts = w.HTML(layout=full_width())
        self.verdict = w.HTML(layout=full_width())
        super().__init__(
            [
                w.HTML(heading(t("widgets.url.title", lang))),
                w.HTML(paragraph(t("widgets.url.intro", lang))),
                self.url,
                self.inspect_button,
                self.address,
                self.verdict,
                self.parts,
            ],
            **frame(),
        )
        if url:
            self.inspect()

    @property
    def value(self) -> str:
        return self.url.value

    @value.setter
    def value(self, url: str) -> None:
        self.url.value = url

    def inspect(self) -> UrlReport | None:
        lang = self.lang
        self.address.value = self.parts.value = ""
        try:
            report = inspect_url(self.url.value, self.trusted)
        except SafetyError as error:
            self.result, self.error = None, str(error)
            self.verdict.value = banner(t("widgets.url.not_a_link", lang), "info") + paragraph(str(error))
            return None
        self.result, self.error = report, None
        self.address.value = self._address_html(report)
        self.parts.value = self._parts_html(report)
        explained = report.explain(lang)
        if not report.warnings:
            verdict = banner(t("widgets.url.owner", lang, domain=report.registered_domain), "good")
        else:
            tone: Tone = "bad" if BAD_WARNINGS & set(report.warnings) else "warn"
            verdict = banner(t("widgets.url.careful", lang, domain=report.registered_domain), tone)
        lines = [
            banner(text, "bad" if code in BAD_WARNINGS else "warn")
            for code, text in zip(report.warnings, explained, strict=True)
        ]
        if report.lookalike_of:
            lines.append(paragraph(t("widgets.url.lookalike_of", lang, domain=report.lookalike_of)))
        if report.expanded:
            lines.append(paragraph(t("widgets.url.expanded", lang, url=report.expanded)))
        self.verdict.value = verdict + "".join(lines)
        return report

    def _address_html(self, report: UrlReport) -> str:
        """The host with the registered domain in a bold box and everything else greyed out."""
        sub = f"{report.subdomain}." if report.subdomain else ""
        scheme = f"{report.scheme}://" if report.scheme else ""
        grey = "color:#6b7280"
        return (
            f'<div style="{FONT};font-size:1.4em;font-family:monospace;word-break:break-all;margin:8px 0">'
            f'<span style="{grey}">{escape(scheme + sub)}</span>'
            f'<span style="font-weight:700;background:#fef3c7;border:2px solid #92400e;border-radius:4px;'
            f'padding:0 4px">{escape(report.registered_domain)}</span>'
            f'<span style="{grey}">{escape(report.path)}{"?" + escape(report.query) if report.query else ""}</span>'
            "</div>"
        )

    def _parts_html(self, report: UrlReport) -> str:
        lang = self.lang
        rows = [
            ("scheme", report.scheme),
            ("subdomain", report.subdomain or "—"),
            ("registered_domain", report.registered_domain),
            ("public_suffix", report.public_suffix or "—"),
            ("path", report.path or "/"),
        ]
        if report.unicode_host != report.host:
            rows.insert(1, ("unicode_host", report.unicode_host))
        cells = "".join(
            f'<tr><td style="padding:4px 12px 4px 0;color:#374151">{escape(t(f"widgets.url.part.{name}", lang))}</td>'
            f'<td style="font-family:monospace;word-break:break-all">{escape(value)}</td></tr>'
            for name, value in rows
        )
        return f'<table style="{FONT};border-collapse:collapse">{cells}</table>'
