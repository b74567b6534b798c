"""The live classroom quiz: the facilitator leads, phones follow and answer, the projector counts.

The classroom state and its rules (`Classroom`) run in-process first; then the session's real
`hocso present` server (every real app, m04 holds a `ClassQuiz`) with one facilitator page and two
phones in Debian's Chromium, and the attacks a phone could try on the HTTP routes.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import html
import json
import time
import urllib.error
import urllib.request
from pathlib import Path

import psutil
import pytest

from hocso.present.classroom import AnswerPost, Classroom, QuestionSpec, QuizSpec
from hocso.present.live import KERNEL_KEY_ENV, KERNEL_KEY_HEADER

from .test_browser import PHONE, real_problems

PROJECTOR = {"width": 1920, "height": 1080}
QUIZ = QuizSpec(
    quiz="q",
    questions=[
        QuestionSpec(prompt="A?", choices=[("a", "A"), ("b", "B")], right=["a"], explanation="vì A"),
        QuestionSpec(prompt="B?", choices=[("c", "C"), ("d", "D")], right=["d"]),
    ],
)


def _answer(room: Classroom, visitor: str, choice: str, step: int = 0) -> None:
    room.answer(AnswerPost(quiz="q", step=step, visitor=visitor * 8, choice=choice))


def test_the_projector_counts_one_answer_per_visitor_for_the_open_question() -> None:
    room = Classroom()
    room.register(QUIZ)
    _answer(room, "1", "a")
    _answer(room, "2", "a")
    _answer(room, "2", "b")  # changed their mind: counted once, as the last choice
    board = room.board()
    assert [(c["key"], c["count"], c["right"]) for c in board["choices"]] == [
        ("a", 1, False),
        ("b", 1, False),
    ]
    assert board["total"] == 2 and board["explanation"] == "", "nothing of the key before reveal"
    with pytest.raises(ValueError, match="no choice"):
        _answer(room, "3", "zz")
    with pytest.raises(ValueError, match="not open"):
        _answer(room, "3", "c", step=1)  # a question the class is not on
    room.apply("reveal")
    with pytest.raises(ValueError, match="not open"):
        _answer(room, "3", "a")  # no answering after the answer is shown
    board = room.board()
    assert [c["right"] for c in board["choices"]] == [True, False] and board["explanation"] == "vì A"
    room.apply("next")
    assert room.board()["prompt"] == "B?" and room.board()["total"] == 0


def test_a_long_poll_waits_until_the_state_changes() -> None:
    """Before the fix Tornado read `timeout=25.0` as a deadline long past: the wait ended at once."""

    async def scenario() -> tuple[bool, int]:
        room = Classroom()
        waiting = asyncio.ensure_future(room.wait_after(room.state.version))
        await asyncio.sleep(0.3)
        still_waiting = not waiting.done()
        room.apply("next")
        state = await asyncio.wait_for(waiting, 5)
        return still_waiting, state.step

    # a thread of its own: an earlier browser test's Playwright (sync API) keeps an event loop running
    # in this thread, and asyncio.run refuses to start inside it
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        assert pool.submit(asyncio.run, scenario()).result() == (True, 1)


def _get(url: str, headers: dict[str, str] | None = None) -> tuple[int, str]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=40) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def _post(url: str, body: dict, headers: dict[str, str] | None = None) -> int:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json", **(headers or {})}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.mark.slow
@pytest.mark.timeout(60)
def test_a_follower_makes_few_requests_in_five_seconds(present_server) -> None:
    """As an app kernel follows (hocso.present.live): each answer's version is the next `after`."""
    requests, version, end = 0, -1, time.monotonic() + 5
    while (left := end - time.monotonic()) > 0:
        requests += 1
        try:
            with urllib.request.urlopen(
                f"{present_server.url}hocso/classroom?after={version}", timeout=left
            ) as r:
                version = json.load(r)["version"]
        except TimeoutError:
            break  # still waiting when the five seconds were up: as designed
    assert requests <= 3, f"{requests} requests in 5 s: the long poll does not wait"


def _kernel_key(present_server) -> str:
    """The key the server gave its app kernels (only a process on the server's machine can read it)."""
    server = psutil.Process(present_server.process.pid)
    keys = set()
    for process in server.children(recursive=True):
        try:
            if "ipykernel" in " ".join(process.cmdline()):
                keys.add(process.environ().get(KERNEL_KEY_ENV))
        except psutil.NoSuchProcess:  # a kernel culled or restarted meanwhile
            continue
    assert len(keys) == 1 and None not in keys, "every app kernel holds the one kernel key"
    return keys.pop()


@pytest.mark.slow
@pytest.mark.timeout(60)
def test_a_visitor_cannot_move_reveal_read_the_key_or_stuff_the_count(present_server) -> None:
    url = present_server.url
    for action in ("reveal", "next", "reset"):
        assert _post(f"{url}hocso/classroom", {"action": action}) == 403
        assert _post(f"{url}hocso/classroom", {"action": action}, {"X-Hocso-Key": "guess"}) == 403
    assert _get(f"{url}hocso/classroom/board")[0] == 403, "the board (with the right answers) is private"
    answer = {"quiz": "m04-class", "step": 0, "visitor": "x" * 16, "choice": "pay"}
    assert _post(f"{url}hocso/classroom/answer", answer) == 403
    assert _post(f"{url}hocso/classroom/answer", answer, {KERNEL_KEY_HEADER: "guess"}) == 403
    fake_quiz = {"quiz": "fake", "questions": [{"prompt": "?", "choices": [["a", "A"]]}]}
    assert _post(f"{url}hocso/classroom/quiz", fake_quiz) == 403
    status, page = _get(present_server.app_url("m04_phishing"))
    assert status == 200 and _kernel_key(present_server) not in page


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.timeout(240)
def test_two_phones_follow_the_facilitator_and_their_answers_reach_the_projector(
    present_server, browser, artifacts_dir: Path
) -> None:
    key = present_server.facilitator_key
    assert _post(f"{present_server.url}hocso/classroom", {"action": "reset"}, {"X-Hocso-Key": key}) == 200
    contexts = [browser.new_context(viewport=PHONE, locale="vi-VN") for _ in range(2)]
    projector_context = browser.new_context(viewport=PROJECTOR, locale="vi-VN")
    problems: list[str] = []
    try:
        phones = [context.new_page() for context in contexts]
        for phone in phones:
            phone.on("pageerror", lambda e: problems.append(f"pageerror: {e}"))
            phone.goto(present_server.app_url("m04_phishing"), wait_until="domcontentloaded", timeout=90_000)
        for phone in phones:
            phone.get_by_text("Câu 1/2").wait_for(timeout=90_000)
            text = phone.locator("#rendered_cells").inner_text()
            assert "Bạn làm gì?" in text and "Đáp án đúng" not in text
            # the right answer and its reason are not in the phone's page before the reveal
            assert "không còn công an cấp quận" not in phone.content()
        projector = projector_context.new_page()
        projector.on("pageerror", lambda e: problems.append(f"pageerror: {e}"))
        projector.goto(present_server.facilitator_url)

        phones[0].get_by_text("Cúp máy, tự đến công an phường").click()
        phones[1].get_by_text("Chuyển một ít tiền cho yên chuyện").click()
        for phone in phones:
            phone.get_by_text("Đã gửi câu trả lời").wait_for(timeout=15_000)
        projector.locator(".bars li[data-choice=hang_up][data-count='1']").wait_for(timeout=15_000)
        projector.locator(".bars li[data-choice=pay][data-count='1']").wait_for(timeout=15_000)
        assert projector.locator(".bars li[data-choice=argue]").get_attribute("data-count") == "0"
        assert "2 người đã trả lời" in projector.locator(".board-total").inner_text()
        assert projector.locator(".bars li.right").count() == 0

        # A phone tries what the facilitator's page does, and to post an answer without its kernel.
        for phone in phones:
            statuses = phone.evaluate(
                """async () => Promise.all([
                  fetch('/hocso/classroom', {method: 'POST', headers: {'Content-Type': 'application/json'},
                                             body: JSON.stringify({action: 'reveal'})}).then(r => r.status),
                  fetch('/hocso/classroom/board').then(r => r.status),
                  fetch('/hocso/classroom/answer', {method: 'POST', headers: {'Content-Type': 'application/json'},
                        body: JSON.stringify({quiz: 'm04-class', step: 0, visitor: 'y'.repeat(16), choice: 'argue'})})
                    .then(r => r.status)])"""
            )
            assert statuses == [403, 403, 403]
        time.sleep(0.5)  # what a successful reveal would have needed to reach the phones
        for phone in phones:
            assert "Đáp án đúng" not in phone.locator("#rendered_cells").inner_text()
        assert projector.locator(".bars li[data-choice=argue]").get_attribute("data-count") == "0"

        latency: dict[str, float] = {}
        started = time.monotonic()
        projector.click("[data-action=reveal]")
        for phone in phones:
            phone.get_by_text("Đáp án đúng: Cúp máy, tự đến công an phường").wait_for(timeout=15_000)
            assert "không còn công an cấp quận" in phone.locator("#rendered_cells").inner_text()
        latency["reveal_s"] = round(time.monotonic() - started, 2)
        projector.locator(".bars li.right[data-choice=hang_up]").wait_for(timeout=15_000)
        assert "không còn công an cấp quận" in projector.locator(".board-explanation").inner_text()
        projector.screenshot(path=str(artifacts_dir / "projector_live_counts.png"), full_page=True)

        started = time.monotonic()
        projector.click("[data-action=next]")
        for phone in phones:
            phone.get_by_text("Câu 2/2").wait_for(timeout=15_000)
            phone.get_by_text("Tin nhắn nào báo đúng số lừa đảo").wait_for(timeout=15_000)
            text = phone.locator("#rendered_cells").inner_text()
            assert "Tin nhắn nào báo đúng số lừa đảo" in text and "Đáp án đúng" not in text
        latency["next_s"] = round(time.monotonic() - started, 2)
        phones[0].screenshot(path=str(artifacts_dir / "phone_live_quiz.png"), full_page=True)
        projector.get_by_text("Tin nhắn nào báo đúng số lừa đảo").wait_for(timeout=15_000)
        assert projector.locator(".board-total").inner_text().startswith("0 ")
        (artifacts_dir / "live_latency.json").write_text(json.dumps(latency))
        print(latency)
        assert real_problems(problems) == []
    finally:
        _post(f"{present_server.url}hocso/classroom", {"action": "reset"}, {"X-Hocso-Key": key})
        for context in [*contexts, projector_context]:
            context.close()


@pytest.mark.parametrize(
    ("lang", "own", "other"),
    [
        ("vi", "Câu trả lời của lớp", "The class's answers"),
        ("en", "The class's answers", "Câu trả lời của lớp"),
    ],
)
def test_the_projector_board_speaks_the_course_language_only(lang: str, own: str, other: str) -> None:
    from hocso.present.pages import PageContext, render_page

    context = PageContext(course_title="Học số", language=lang, apps=(), public_url="")
    page = html.unescape(render_page("facilitator.html", context, key="k", state=Classroom().state))
    assert own in page and other not in page
    assert ("Chưa có câu hỏi cho cả lớp" in page) == (lang == "vi") and ("No class question yet" in page) == (
        lang == "en"
    )
