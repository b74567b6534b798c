"""Issue 15 defects in m05 (safe links), each checked on the committed notebook, data and widget texts.

Fast, static: reads the source notebook, its data, the widget catalog and tests/content/partials/m05.py
(the answers the widgets save when every item is right); nbgrader itself runs in test_modules.py.
"""

from __future__ import annotations

import importlib.util
import json
import re
import tomllib
from pathlib import Path

import nbformat

from hocso.notebook_meta import hocso_meta, is_autograder_test, is_graded, is_rubric, is_solution
from hocso.safety.links import TRUSTED_DOMAINS, inspect_url, is_lookalike

ROOT = Path(__file__).resolve().parents[2]
FOLDER = ROOT / "notebooks" / "m05"
NOTEBOOK = nbformat.read(FOLDER / "m05_links.ipynb", as_version=4)
COURSE_SITES = (
    "senvangbank.example",
    "pnbank.example",
    "lotuspay.example",
    "tochanh.example",
    "saotel.example",
)
TERM = {
    "vi": "tên miền chính",
    "en": "registered domain",
}  # course_config/glossary.toml [terms] registered_domain
OUTDATED = ("tên miền đăng ký",)


def _partials():
    spec = importlib.util.spec_from_file_location("m05_partials", ROOT / "tests/content/partials/m05.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def graded_path():
    return [c for c in NOTEBOOK.cells if hocso_meta(c).get("track") != "go_further"]


def items(name: str) -> list[dict]:
    return json.loads((FOLDER / "data" / name).read_text(encoding="utf-8"))


def text_in(lang: str) -> str:
    return "\n".join(
        c.source for c in NOTEBOOK.cells if c.cell_type == "markdown" and hocso_meta(c).get("lang") == lang
    )


def test_m05_and_the_url_widget_name_the_registered_domain_alike() -> None:
    """Issue 15 ("m05 and the URL widget name the same thing differently"). Old: m05 said "tên miền
    đăng ký" while UrlInspector's catalog texts say "tên miền chính". Now both use the course term."""
    from hocso.config import load_course

    term = load_course(ROOT).glossary.terms["registered_domain"]  # hocso check reports its `avoid` words
    assert (term.vi, term.en) == (TERM["vi"], TERM["en"]) and set(OUTDATED) <= set(term.avoid)
    catalog = tomllib.loads((ROOT / "hocso/i18n/catalog/widgets.toml").read_text(encoding="utf-8"))["url"]
    for lang in ("vi", "en"):
        assert TERM[lang] in catalog["part"]["registered_domain"][lang].lower()
        assert TERM[lang] in catalog["intro"][lang].lower()
        assert TERM[lang] in text_in(lang).lower()
    every_text = "\n".join(c.source for c in NOTEBOOK.cells).lower()
    assert not [word for word in OUTDATED if word in every_text]


def test_graded_path_is_practice_not_programming() -> None:
    """#5 and the issue's main point. Old: exercises 1-3 graded registered_domain / is_punycode /
    lookalike_of / expand / link_verdict written by the learner (9 of 11 points), with bare asserts, and
    m05[39] was the "Chỉ dùng khi không bấm được khung trên" solution cell that release turned into
    `raise NotImplementedError()`. Now every graded cell scores a saved widget answer."""
    cells = graded_path()
    assert not [c.id for c in cells if c.cell_type == "code" and is_solution(c)]
    sources = "\n".join(c.source for c in cells)
    assert "Chỉ dùng khi không bấm được" not in sources and "NotImplementedError" not in sources
    tests = [c for c in cells if is_autograder_test(c)]
    assert tests
    for cell in tests:
        assert "hocso.widgets.grading" in cell.source and not re.search(r"^\s*assert\b", cell.source, re.M), (
            cell.id
        )
        hidden = cell.source.split("### BEGIN HIDDEN TESTS")[1].split("### END HIDDEN TESTS")[0]
        assert re.match(r"\s*grade_(items|selection|order)\(", hidden), cell.id
    graded_ids = set(_partials().CORRECT)
    for cell in cells:
        if cell.cell_type == "code" and "correct=True" in cell.source:
            assert not [qid for qid in graded_ids if f'"{qid}"' in cell.source], cell.id
    for cell in NOTEBOOK.cells:  # the optional code section carries no points
        if hocso_meta(cell).get("track") == "go_further":
            assert not is_graded(cell) and hocso_meta(cell).get("level", 0) >= 4, cell.id


def test_reflection_rubric_sits_outside_the_answer_cell() -> None:
    """#5. Old: m05[46], the reflection's answer cell, held the rubric, which release replaces by
    "YOUR ANSWER HERE". Now the answer cell holds only the placeholder and rubric cells follow it."""
    cells = NOTEBOOK.cells
    answers = [i for i, c in enumerate(cells) if c.cell_type == "markdown" and is_graded(c)]
    assert answers
    for index in answers:
        assert not re.search(r"rubric|thang điểm", cells[index].source, re.I)
        following = cells[index + 1 : index + 3]
        assert all(is_rubric(c) and not is_graded(c) for c in following)
        assert {hocso_meta(c).get("lang") for c in following} == {"vi", "en"}


def test_graded_data_carries_no_labels_and_the_key_agrees_with_the_library() -> None:
    """New data for the ChoiceBoards (none existed: the old graded data, links.csv, carried its labels).
    The items hold no answer, and the key in partials/m05.py (the hidden tests' key) agrees with
    hocso.safety.links, the library the UrlInspector practice shows."""
    correct = _partials().CORRECT
    trusted = TRUSTED_DOMAINS + COURSE_SITES
    for name in ("graded_parts.json", "graded_links.json", "graded_tricks.json"):
        for item in items(name):
            assert set(item) <= {"id", "text", "title", "icon", "choices"}, (name, item["id"])
    for item in items("graded_parts.json"):
        chosen = item["choices"][correct["m05-parts"][item["id"]]]
        assert chosen == inspect_url(item["text"], trusted).registered_domain, item["id"]
    for item in items("graded_links.json"):
        url = re.search(r"https?://\S+", item["text"]["vi"]).group(0)
        assert url in item["text"]["en"], item["id"]
        report = inspect_url(url, trusted)
        if report.is_shortener:
            kind = "short"
        elif report.registered_domain in trusted:
            kind = "official"
        else:
            assert is_lookalike(report.host, trusted), item["id"]
            kind = "lookalike"
        assert correct["m05-links"][item["id"]] == kind, item["id"]
    warning = {"at": "userinfo", "punycode": "punycode", "swap": "lookalike", "front": "lookalike"}
    for item in items("graded_tricks.json"):
        report = inspect_url(item["text"], trusted)
        assert report.registered_domain not in trusted, item["id"]
        assert warning[correct["m05-tricks"][item["id"]]] in report.warnings, item["id"]


def test_no_outdated_names() -> None:
    """#6, as a guard: m05 never had the outdated names (it passed on the old notebook too), and keeps
    it so: no district police, no "CCCD"/"căn cước công dân", no "Tổng cục Thuế", no Decree 13/2023."""
    text = "\n".join(c.source for c in NOTEBOOK.cells)
    text += "".join(
        (FOLDER / "data" / n).read_text(encoding="utf-8")
        for n in sorted(p.name for p in (FOLDER / "data").iterdir())
    )
    for word in ("công an quận", "công an huyện", "CCCD", "căn cước công dân", "Tổng cục Thuế", "13/2023"):
        assert word.lower() not in text.lower(), word
