"""Prompt injection: text that tries to give the assistant orders. Course and learner text are data.

Two defences, both needed: (1) every piece of course or learner text is sent inside a tagged data
envelope that the system prompt says never to obey, with tag break-outs escaped; (2) passages that
look like orders are not quoted by the offline tutor, and a learner message that contains such an
order gets a note that it was read as content. Detection is a pattern list (vi and en), not a guarantee:
the output check for graded cells still runs after any backend.
"""

from __future__ import annotations

import re

from hocso.safety.text import fold_diacritics

_PATTERNS = [
    r"ignore (?:all |any |the )?(?:previous |prior |above |earlier |preceding |your )?(?:instructions|rules|prompts?|guidelines)",
    r"disregard (?:all |any |the )?(?:previous |prior |above |your )?(?:instructions|rules|prompts?)",
    r"forget (?:all |everything |about )?(?:your |the |these |previous )?(?:rules|instructions|guidelines)",
    r"you are now (?:a |an |my |in |dan\b|free|unrestricted)",
    r"\bact as (?:a |an )?(?:hacker|admin|administrator|dan|developer|system|unrestricted|jailbroken)",
    r"pretend (?:to be|you are) (?:a |an )?(?:hacker|admin|dan|developer|system|unrestricted|different)",
    r"system prompt",
    r"developer mode|jailbreak|\bdan mode\b|do anything now",  # not a bare "dan": folded "dán", "dân"
    r"new instructions?:",
    r"(?:reveal|print|show|give|output|write) (?:me )?(?:the )?(?:full |complete |whole |entire )(?:solution|answers?)",
    r"answer key|hidden tests?",
    r"<\|?(?:im_start|system|endoftext)\|?>|\[/?INST\]|###\s*(?:system|instruction)",
    r"bo qua (?:moi |tat ca |cac |nhung )?(?:huong dan|chi dan|quy tac|lenh|yeu cau)",
    r"quen (?:het |di )?(?:moi |tat ca |cac )?(?:quy tac|huong dan|chi dan)",
    r"ban (?:bay gio|gio) la",
    r"hay dong vai",
    r"tiet lo (?:toan bo |day du )?(?:loi giai|dap an|system prompt|cau lenh he thong)",
    r"(?:dua ra|viet ra|in ra) (?:toan bo|day du) (?:loi giai|dap an)",
    r"khong can tuan theo|vuot qua gioi han",
]
_INJECTION = re.compile("|".join(f"(?:{p})" for p in _PATTERNS), re.IGNORECASE)
_TAG = re.compile(r"</?\s*(learner_question|course_material|notebook_cell)\s*>", re.IGNORECASE)


def find_injection(text: str) -> list[str]:
    """The phrases in `text` (as folded, lower-case text) that read like orders to the assistant."""
    return [m.group(0) for m in _INJECTION.finditer(fold_diacritics(text).lower())]


def without_injection(text: str) -> str:
    """The question with its orders to the assistant cut out (folded then), for searching the course."""
    folded = fold_diacritics(text).lower()
    return _INJECTION.sub(" ", folded) if _INJECTION.search(folded) else text


def looks_like_injection(text: str) -> bool:
    return bool(find_injection(text))


def as_data(tag: str, text: str) -> str:
    """Wrap text in a data envelope; envelope tags inside the text are defused so it cannot break out."""
    return f"<{tag}>\n{_TAG.sub(lambda m: m.group(0).replace('<', '‹').replace('>', '›'), text)}\n</{tag}>"


def unwrap(tag: str, text: str) -> str:
    """The content of the first `tag` envelope in `text`, or the text itself when there is none."""
    match = re.search(rf"<{tag}>\n?(.*?)\n?</{tag}>", text, re.DOTALL)
    return match.group(1) if match else text
