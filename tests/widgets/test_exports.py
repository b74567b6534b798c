"""`hocso.widgets` exports every widget, and the chat widget costs nothing until a notebook uses it."""

from __future__ import annotations

import subprocess
import sys

import hocso.widgets
import pytest


def test_every_exported_name_resolves() -> None:
    for name in hocso.widgets.__all__:
        assert getattr(hocso.widgets, name) is not None, name
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
