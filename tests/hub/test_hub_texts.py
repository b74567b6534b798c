"""The hub's own pages (login, lab starting, too many starting at once) parse, and every text they
show is in the catalog in both languages."""

from __future__ import annotations

import re

import jinja2
import pytest

from hocso.hub.settings import LOGIN_TEXTS, TEMPLATES
from hocso.i18n import t


@pytest.mark.parametrize("template", sorted(p.name for p in TEMPLATES.glob("*.html")))
def test_template_parses_and_its_texts_exist(template: str) -> None:
    source = (TEMPLATES / template).read_text(encoding="utf-8")
    jinja2.Environment().parse(source)
    used = set(re.findall(r"hocso\.(\w+)", source)) - {"lang"}
    assert used and used <= set(LOGIN_TEXTS), used - set(LOGIN_TEXTS)
    for key in used:
        assert t(f"hub.login.{key}", "vi") != t(f"hub.login.{key}", "en")
