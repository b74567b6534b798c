"""How every hocso widget looks: large text, colour that carries meaning, and an icon so colour is never alone.

Facilitators project these on a wall and learners open them on phones, so text is big, boxes are
full width and each verdict has a symbol (✔ ⚠ ✖) as well as a colour.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Literal

import ipywidgets as w

from hocso.config.models import LanguageCode, Localized
from hocso.i18n import current_language, normalize_language
from hocso.widgets.answers import edition_language

Tone = Literal["good", "warn", "bad", "info"]
# (text colour, background, icon): readable on a projector; the icon repeats the meaning
TONES: dict[Tone, tuple[str, str, str]] = {
    "good": ("#14532d", "#dcfce7", "✔"),
    "warn": ("#713f12", "#fef9c3", "⚠"),
    "bad": ("#7f1d1d", "#fee2e2", "✖"),
    "info": ("#1e3a8a", "#dbeafe", "ℹ"),
}
FONT = "font-size:1.15em;line-height:1.5"
# Scoped to the class every hocso widget carries: bigger controls, rounded cards and phone frames.
# Learners use a thumb on a 390 px phone: every control is at least 44 px tall, long option texts
# wrap (with the radio or check box beside their first line), choice buttons wrap onto new rows with
# a gap, and the chosen one stands out by colour and by its border, not by a shade of grey.
STYLE_SHEET = (
    "<style>"
    ".hocso-widget .widget-button,.hocso-widget .widget-toggle-button{font-size:1.05em;min-height:44px}"
    ".hocso-widget .widget-text input,.hocso-widget textarea{font-size:1.15em}"
    ".hocso-card{border-radius:14px}.hocso-phone{border-radius:28px;background:#ffffff}"
    ".hocso-widget .hocso-text{overflow-wrap:anywhere;word-break:break-word}"
    ".hocso-widget .widget-radio-box label,.hocso-widget .widget-checkbox label{display:flex;"
    "align-items:flex-start;gap:.6em;font-size:1.15em;line-height:1.5;margin:.4em 0;min-height:44px;"
    "height:auto;white-space:normal;overflow:visible;text-overflow:clip;max-width:100%}"
    ".hocso-widget .widget-radio-box label,.hocso-widget .widget-checkbox label{flex-direction:row;"
    "justify-content:flex-start}"
    ".hocso-widget .widget-radio-box input,.hocso-widget .widget-checkbox input{order:-1;flex:none;"
    "font-size:inherit;width:1.4em;height:1.4em;margin:.1em 0 0 0}"
    ".hocso-widget .widget-checkbox{height:auto;max-width:100%}"
    ".hocso-widget .widget-label-basic span{white-space:normal;overflow:visible}"
    ".hocso-widget .widget-toggle-buttons{flex-wrap:wrap;height:auto}"
    ".hocso-widget .widget-toggle-button{height:auto;white-space:normal;overflow:visible;text-overflow:clip;"
    "max-width:100%;margin:4px 8px 4px 0;padding:6px 14px;border:2px solid #9ca3af;border-radius:10px;"
    "background:#f9fafb}"
    ".hocso-widget .widget-toggle-button.mod-active{background:#1e3a8a;color:#ffffff;border-color:#1e3a8a;"
    "font-weight:600}"
    ".hocso-widget .widget-toggle-button.mod-active::before{content:'✓ '}"
    "</style>"
)
#: Text an author gives a widget: one string, {"vi": ..., "en": ...}, or a `Localized` (what every
#: one of them becomes, `Localized.of`).
Text = str | Mapping[str, str] | Localized


def pick_language(language: LanguageCode | None) -> LanguageCode:
    """The widget's language: the one asked for, else the learner edition's, else the notebook's
    (`hocso.i18n.set_language`, or the lab's `HOCSO_LANG`)."""
    if language:
        return normalize_language(language)
    try:
        return normalize_language(edition_language() or current_language())
    except ValueError:
        return current_language()


def localized(text: Text, language: LanguageCode) -> str:
    """An author's text in `language`, falling back to the other language rather than showing nothing."""
    return Localized.of(text)(language)


def escape(text: object) -> str:
    return html.escape(str(text), quote=False)  # body text only, never inside attributes


def banner(message: str, tone: Tone) -> str:
    """A full-width coloured line with its icon; `message` is escaped."""
    colour, background, icon = TONES[tone]
    return (
        f'<div style="{FONT};color:{colour};background:{background};border-left:6px solid {colour};'
        f'padding:8px 12px;margin:4px 0;border-radius:6px"><b>{icon}</b> {escape(message)}</div>'
    )


def heading(message: str) -> str:
    """A widget's title; it also carries the style sheet, so every widget brings its own look."""
    return f'{STYLE_SHEET}<div style="font-size:1.35em;font-weight:600;margin:4px 0">{escape(message)}</div>'


def paragraph(message: str) -> str:
    return f'<div style="{FONT}">{escape(message)}</div>'


def full_width(**extra: str) -> w.Layout:
    return w.Layout(width="100%", max_width="48em", **extra)


def frame() -> dict[str, object]:
    """Keyword arguments for a widget's outer box: full width, padded, and the `hocso-widget` class."""
    return {"layout": full_width(padding="8px"), "_dom_classes": ("hocso-widget",)}


def big_button(description: str = "", style: str = "") -> w.Button:
    return w.Button(
        description=description,
        button_style=style,
        layout=w.Layout(width="auto", min_width="12em", height="2.6em", margin="4px 8px 4px 0"),
    )
