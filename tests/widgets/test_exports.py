"""The package exports what the issue promises, every widget renders in both languages from the catalog,
and widgets never import the graders (the architecture's one-way arrows)."""

from __future__ import annotations

import ast
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import ipywidgets as w
import pytest

import hocso.widgets
from hocso.config import LanguageCode, Localized
from hocso.i18n import catalog
from hocso.safety.phishing import Message
from hocso.safety.photos import make_sample_photo
from hocso.safety.vietqr import build_vietqr

WIDGETS_DIR = Path(hocso.widgets.__file__).parent
PROMISED = [
    "PasswordMeter",
    "OtpDemo",
    "PhishingInbox",
    "UrlInspector",
    "QrPayCheck",
    "PrivacyCheckup",
    "ClaimChecker",
    "Quiz",
    "ProgressPanel",
]


def test_every_promised_widget_is_exported() -> None:
    exported = set(hocso.widgets.__all__)
    assert set(PROMISED) <= exported
    assert all(hasattr(hocso.widgets, name) for name in exported)
    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        hocso.widgets.Nope  # noqa: B018


def test_assistant_chat_is_loaded_only_when_asked_for() -> None:
    code = (
        "import sys, hocso.widgets as w\n"
        "assert 'openai' not in sys.modules, 'importing hocso.widgets loaded openai'\n"
        "assert w.AssistantChat.__name__ == 'AssistantChat'\n"
        "assert 'openai' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


def test_widgets_never_import_graders() -> None:
    for source in WIDGETS_DIR.glob("*.py"):
        tree = ast.parse(source.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            assert not any(n.startswith(("hocso.graders", "graders")) for n in names), source.name


def _all_widgets(language: str, tmp_path: Path) -> list[w.Widget]:
    hw = hocso.widgets
    message = Message(
        "m1", language, "sms", "+84 912 000 000", "Hi", "legit", None, (), Localized(vi="vi", en="en")
    )
    photo = make_sample_photo(tmp_path / f"p-{language}.jpg", lat=21.0, lon=105.8, taken=datetime(2024, 1, 1))
    return [
        hw.PasswordMeter(language=language),
        hw.OtpDemo(language=language, live=False),
        hw.PhishingInbox("inbox", [message], language=language, save=False),
        hw.UrlInspector("https://dichvucong.gov.vn", language=language),
        hw.QrPayCheck(build_vietqr("970436", "0123456789", 10_000), language=language),
        hw.PrivacyCheckup(photo=photo, language=language, save=False),
        hw.ClaimChecker("claims", {"c1": "A claim."}, {"S": "A claim."}, language=language, save=False),
        hw.Quiz("q", "?", [hw.QuizChoice("a", "A", correct=True)], language=language, save=False),
        hw.ProgressPanel({"4.2": 0.5}, language=language),
    ]


def _texts(widget: w.Widget) -> str:
    parts = [str(getattr(widget, name, "")) for name in ("value", "description", "placeholder")]
    parts += [str(label) for label in getattr(widget, "_options_labels", ())]
    for child in getattr(widget, "children", ()):
        parts.append(_texts(child))
    return " ".join(parts)


def test_both_languages_render_every_widget(tmp_path: Path) -> None:
    texts = {lang: [_texts(widget) for widget in _all_widgets(lang, tmp_path)] for lang in ("vi", "en")}
    for vi, en in zip(texts["vi"], texts["en"], strict=True):
        assert vi != en and "widgets." not in vi + en  # no raw catalog keys on screen


@pytest.mark.parametrize("language", ["vi", "en"])
def test_widget_catalog_is_complete(language: LanguageCode) -> None:
    entries = {key: texts for key, texts in catalog().items() if key.startswith("widgets.")}
    assert entries and all(texts(language).strip() for texts in entries.values())
