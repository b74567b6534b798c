"""The deterministic checks the course teaches, answered without any model.

The analyses themselves live in `hocso.safety` (shared with the widgets and the exercises); this
module only recognises the question and words the answer. A password is checked on the learner's
machine before anything is sent, and the answer never repeats it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from hocso.config.models import LanguageCode
from hocso.i18n import t

if TYPE_CHECKING:
    from hocso.safety.links import UrlReport
    from hocso.safety.passwords import PasswordAssessment

_URL = re.compile(
    r"(?:https?://|www\.)[^\s<>\"')\]]+|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|vn|net|org|info|xyz|top|ly|me|io|cc|site|online|app)(?:/[^\s<>\"')\]]*)?",
    re.IGNORECASE,
)
_SCAM_ASK = re.compile(
    r"lừa đảo|lua dao|scam|phishing|giả mạo|gia mao|có thật không|co that khong|is this (?:real|legit|fake)|fraud|đáng tin|dang tin|trusted|legit",
    re.IGNORECASE,
)
_PASSWORD_ASK = re.compile(r"(?:mật khẩu|mat khau|password|passphrase)", re.IGNORECASE)
_STRENGTH_ASK = re.compile(
    r"mạnh|manh|strong|strength|an toàn|an toan|safe|kiểm tra|kiem tra|check|đủ|good|tốt", re.IGNORECASE
)
_QUOTED = re.compile(r"[\"'“‘«`]([^\"'”’»`]{1,128})[\"'”’»`]")
_AFTER_COLON = re.compile(
    r"(?:mật khẩu|mat khau|password|passphrase)[^:\n]{0,40}:\s*(\S(?:.*\S)?)\s*$", re.IGNORECASE
)


SkillName = Literal["scam", "link", "password"]


@dataclass(frozen=True)
class SkillAnswer:
    skill: SkillName
    text: str


def password_candidate(message: str) -> str | None:
    """The password a learner asks to have checked ("is 'abc123' a strong password?"), if any."""
    if not (_PASSWORD_ASK.search(message) and _STRENGTH_ASK.search(message)):
        return None
    if quoted := _QUOTED.search(message):
        return quoted.group(1)
    if after := _AFTER_COLON.search(message):
        return after.group(1).rstrip("?").strip() or None
    return None


def check_password(message: str, language: LanguageCode) -> SkillAnswer | None:
    """Assess the password in the question, locally; the reply describes it without quoting it."""
    candidate = password_candidate(message)
    if candidate is None or candidate.startswith("[PASSWORD"):
        return None
    try:
        from hocso.safety.passwords import assess_password
    except ImportError:
        return SkillAnswer("password", t("assistant.skill.unavailable", language))
    body = _describe_password(assess_password(candidate), language).replace(candidate, "•••")
    return SkillAnswer("password", f"{t('assistant.skill.password_heading', language)}\n{body}")


def pasted_message(message: str) -> str | None:
    """The message a learner pasted to be checked: quoted, or after a colon or a line break."""
    candidates = [m.group(1) for m in _QUOTED.finditer(message)]
    _, sep, tail = message.partition(":")
    if sep:
        candidates.append(tail)
    _, newline, rest = message.partition("\n")
    if newline:
        candidates.append(rest)
    candidates = [c.strip() for c in candidates if len(c.strip()) >= 20]
    return max(candidates, key=len) if candidates else None


def check_scam(message: str, language: LanguageCode) -> SkillAnswer | None:
    """Red flags of a pasted message, when the learner asks whether it is a scam."""
    pasted = pasted_message(message)
    if not _SCAM_ASK.search(message) or pasted is None:
        return None
    try:
        from hocso.safety.phishing import explain, red_flags
    except ImportError:
        return SkillAnswer("scam", t("assistant.skill.unavailable", language))
    flags = sorted(red_flags(pasted))
    lines = [t("assistant.skill.scam_heading", language)]
    lines += [f"- {explain(flag, language)}" for flag in flags]
    key = "assistant.skill.scam_verdict" if flags else "assistant.skill.scam_none"
    lines.append(t(key, language, count=len(flags)))
    return SkillAnswer("scam", "\n".join(lines))


def check_link(message: str, language: LanguageCode) -> SkillAnswer | None:
    """Where each link in the message really points (domain, look-alikes, shorteners)."""
    urls = [url.rstrip(".,;!?") for url in _URL.findall(message)]
    if not urls:
        return None
    try:
        from hocso.safety.errors import SafetyError
        from hocso.safety.links import inspect_url
    except ImportError:
        return SkillAnswer("link", t("assistant.skill.unavailable", language))
    lines = [t("assistant.skill.link_heading", language)]
    for url in urls[:3]:
        try:
            report = inspect_url(url)
        except SafetyError:
            continue
        lines.append(f"- {url}\n{_describe_link(report, language)}")
    return SkillAnswer("link", "\n".join(lines))


def answer_with_skill(message: str, language: LanguageCode) -> SkillAnswer | None:
    """The first skill that recognises the question: password, then scam, then link."""
    for skill in (check_password, check_scam, check_link):
        if answer := skill(message, language):
            return answer
    return None


def _describe_link(report: UrlReport, language: LanguageCode) -> str:
    lines = [t("assistant.skill.link_domain", language, domain=report.registered_domain)]
    if report.expanded:
        lines.append(t("assistant.skill.link_expanded", language, target=report.expanded))
    if report.lookalike_of:
        lines.append(t("assistant.skill.link_lookalike", language, trusted=report.lookalike_of))
    lines += report.explain(language)
    return "\n".join(f"  {line}" for line in lines)


def _describe_password(assessment: PasswordAssessment, language: LanguageCode) -> str:
    lines = [
        t("assistant.skill.password_score", language, score=assessment.score, length=assessment.length),
        t("assistant.skill.password_time", language, time=assessment.crack_time_text(language)),
        *assessment.feedback(language),
    ]
    return "\n".join(f"  {line}" for line in lines)
