"""Issue 15 defects in m02 (passwords and passphrases), each checked on the committed notebook, its data,
its Voila app and the course's password meter (hocso.safety.passwords).

Fast and static: nbgrader itself runs in test_modules.py. Each test says what it found in the old
notebook, where it failed.
"""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import nbformat

from hocso.config import load_course
from hocso.editions import edition_cells, group_level
from hocso.notebook_meta import (
    hocso_meta,
    is_autograder_test,
    is_graded,
    is_rubric,
    is_solution,
    nbgrader_meta,
)
from hocso.safety.passwords import assess_password, nist_problems

ROOT = Path(__file__).resolve().parents[2]
FOLDER = ROOT / "notebooks" / "m02"
NOTEBOOK = nbformat.read(FOLDER / "m02_passwords.ipynb", as_version=4)
APP = nbformat.read(ROOT / "notebooks" / "apps" / "m02_passwords.ipynb", as_version=4)
MODULE = next(m for m in load_course(ROOT).modules if m.id == "m02")
KEYBOARD_RUN = "!@#$%^&*()_+{}|"
# Meaningful phrases the old notebook and data called "random words" / "ok" passphrases.
OLD_PHRASES = (
    "dua hau muoi ot xanh ngoai vuon",
    "ca phe sua da buoi sang tren doi",
    "may bay giay bay qua song hong",
)


def _partials():
    spec = importlib.util.spec_from_file_location("m02_partials", ROOT / "tests/content/partials/m02.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


CORRECT = _partials().CORRECT


def items(name: str) -> dict[str, str]:
    """{item id: the password shown} of a graded board's data file."""
    return {
        entry["id"]: entry["text"]["vi"] for entry in json.loads((FOLDER / "data" / name).read_text("utf-8"))
    }


def text_in(lang: str) -> str:
    return "\n".join(
        c.source for c in NOTEBOOK.cells if c.cell_type == "markdown" and hocso_meta(c).get("lang") == lang
    )


def graded_path() -> list:
    return [c for c in NOTEBOOK.cells if hocso_meta(c).get("track") != "go_further"]


def persona() -> tuple[str, ...]:
    meter = next(c.source for c in NOTEBOOK.cells if "PasswordMeter(user_inputs=" in c.source)
    return tuple(re.findall(r'"([^"]+)"', meter.split("user_inputs=", 1)[1]))


def test_a_long_keyboard_run_is_graded_weak_as_the_meter_says() -> None:
    """Issue 15 #4: old m02[15] asserted check_password("!@#$%^&*()_+{}|") == [] ("15 ký tự là đủ")
    while the meter rated it weak. Now it is a graded item whose right answer is "weak", and the
    course's NIST check refuses it too (it returned [] before)."""
    judged = items("graded_judge.json")
    [item] = [key for key, password in judged.items() if password == KEYBOARD_RUN]
    assert CORRECT["m02-judge"][item] == "weak"
    assert "keyboard_pattern" in nist_problems(KEYBOARD_RUN)
    assert assess_password(KEYBOARD_RUN).score <= 2
    every_text = "\n".join(c.source for c in NOTEBOOK.cells)
    assert "15 ký tự là đủ" not in every_text and "15 is enough" not in every_text


def test_every_graded_password_agrees_with_the_course_meter() -> None:
    """A learner who practises with the meter gets the key: strong = no NIST problem and a score of 3+,
    weak = a NIST problem or a low score. (Old: no graded passwords; the old examples were checked by
    code that let a keyboard run pass.)"""
    for item, password in items("graded_judge.json").items():
        problems, score = nist_problems(password), assess_password(password).score
        strong = not problems and score >= 3
        assert CORRECT["m02-judge"][item] == ("strong" if strong else "weak"), (password, problems, score)


def test_a_passphrase_is_random_words_not_a_meaningful_phrase() -> None:
    """Issue 15 #4: old m02[2] called "dua hau muoi ot xanh ngoai vuon" (a meaningful phrase) random
    words, and the data marked such phrases "ok". Now the text says random words, warns against
    meaningful phrases, and a well-known song line is graded weak (the blocklist has it)."""
    every_text = "\n".join(c.source for c in [*NOTEBOOK.cells, *APP.cells])
    assert not [phrase for phrase in OLD_PHRASES if phrase in every_text]
    assert not (FOLDER / "data" / "passwords.csv").exists()
    assert "chọn ngẫu nhiên" in text_in("vi") and "không phải" in text_in("vi")
    assert "chosen at random" in text_in("en") and "not** random words" in text_in("en")
    judged = items("graded_judge.json")
    [song] = [key for key, password in judged.items() if password == "mot con vit xoe ra hai cai canh"]
    assert CORRECT["m02-judge"][song] == "weak"
    assert "blocklisted" in nist_problems(judged[song])
    assert "song" not in CORRECT["m02-habits"] and "random_words" in CORRECT["m02-habits"]


def test_password_managers_are_taught_and_graded() -> None:
    """Issue 15 #4: the old module never mentioned password managers."""
    assert "trình quản lý mật khẩu" in text_in("vi").lower()
    assert "password manager" in text_in("en").lower()
    assert {"manager", "unique", "mfa", "length15"} <= set(CORRECT["m02-habits"])
    assert not {"rotate", "composition"} & set(CORRECT["m02-habits"])


def test_context_words_are_judged_as_the_meter_sees_them() -> None:
    """Each "uses Lan's details" answer is what the meter with Lan's public details finds (context_word)."""
    words = persona()
    assert "1990" in words and "Bông" in words
    for item, password in items("graded_context.json").items():
        found = "context_word" in nist_problems(password, context_words=words)
        assert CORRECT["m02-context"][item] == ("uses" if found else "none"), password


def test_reflection_rubric_is_its_own_cell_and_code_is_only_in_go_further() -> None:
    """Issue 15 #5 and deliverable 1: old m02[34] held the rubric in the answer cell; 7 of 9 points
    graded check_password, possibilities and a `policy` dict the learner typed."""
    cells = NOTEBOOK.cells
    answers = [
        i for i, c in enumerate(cells) if c.cell_type == "markdown" and is_graded(c) and is_solution(c)
    ]
    assert answers
    for index in answers:
        assert "rubric" not in cells[index].source.lower() and "thang điểm" not in cells[index].source.lower()
        assert all(is_rubric(c) and not nbgrader_meta(c) for c in cells[index + 1 : index + 3])
    every_text = "\n".join(c.source for c in cells)
    assert "NotImplementedError" not in every_text and "Chỉ dùng khi không bấm được" not in every_text
    for cell in graded_path():
        assert "### BEGIN SOLUTION" not in cell.source and "check_password" not in cell.source
    for cell in cells:
        if hocso_meta(cell).get("track") == "go_further":
            assert hocso_meta(cell).get("level", 0) >= 4 and not is_graded(cell)
    for cell in (c for c in cells if is_autograder_test(c)):
        assert re.search(r"grade_(items|selection|order)\(", cell.source)


def test_citizens_edition_assesses_both_competences_at_level_two_or_below() -> None:
    """Citizens' target for m02 is 2: their edition keeps most points and both 4.1 and 4.2, and a
    deeper level-3 exercise is left to the other groups. (Old: no cell had a level.)"""
    level = group_level(MODULE, "citizens")
    edition = [
        c for c in edition_cells([dict(c) for c in NOTEBOOK.cells], None, level) if is_autograder_test(c)
    ]
    every = [c for c in NOTEBOOK.cells if is_autograder_test(c)]
    assert {hocso_meta(c)["competence"] for c in edition} == {"4.1", "4.2"}
    assert sum(nbgrader_meta(c)["points"] for c in edition) * 2 > sum(
        nbgrader_meta(c)["points"] for c in every
    )
    assert all(isinstance(hocso_meta(c).get("level"), int) for c in every)
    assert len(edition) < len(every)


def test_references_cite_nist_rev4_and_ncsc() -> None:
    refs = [c.source for c in NOTEBOOK.cells if c.source.startswith(("## Nguồn tham khảo", "## References"))]
    assert len(refs) == 2
    for text in refs:
        assert "SP 800-63B-4" in text and "15" in text and "NCSC" in text
