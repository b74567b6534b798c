"""A class on one hub, on loopback: log in, fetch m04, answer, submit, grade, restart mid-class.

Learner hv01 logs in through the real login form in Chromium (first login: one-time code and a new
password); the nine others through the same form over HTTP, their labs started through the REST API
in parallel. Widget answers are written the way the widget writes them (hocso.widgets.answers.save_answer)
and uploaded by the learner's own lab; the Submit button's API hands the module in. A second course
on the same hub keeps its exchange, formgrader, assistant and class log to itself. The tests share
one hub (tests/hub/conftest.py) and run in this order: the restart comes after everyone's work.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from tests.hub.conftest import (
    COURSE_B,
    INSTRUCTOR,
    INSTRUCTOR_B,
    LEARNER_AB,
    LEARNERS,
    REMOTE_KEY,
    HubClass,
)

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]
MODULE = "m04"
NOTEBOOK = "m04_phishing.ipynb"
ANSWERS = "m04_phishing.answers.json"
RIGHT_ORDER = ["bank", "evidence", "police", "report", "warn"]


def login_form(url: str, name: str, password: str, new_password: str = "") -> bool:
    """True when the hub's login form signs the learner in (it redirects away from the form)."""
    with httpx.Client(base_url=url, timeout=60) as client:
        client.get("/hub/login")
        form = {"username": name, "password": password, "new_password": new_password}
        response = client.post("/hub/login", data={**form, "_xsrf": client.cookies.get("_xsrf", "")})
        return response.status_code == 302 and "/hub/login" not in response.headers.get("location", "")


def server_url(cls: HubClass, name: str, server: str = "") -> str:
    """The hub's REST address of a learner's lab: the default one, or the one named for a course."""
    return f"{cls.hub.api}/users/{name}/servers/{server}" if server else f"{cls.hub.api}/users/{name}/server"


def spawn(cls: HubClass, name: str, server: str = "") -> None:
    hub = cls.hub
    response = httpx.post(server_url(cls, name, server), headers=hub.headers(), timeout=120)
    assert response.status_code in (201, 202, 400), response.text  # 400: already running
    wait_ready(cls, name, server)


def wait_ready(cls: HubClass, name: str, server_name: str = "", timeout: float = 400) -> None:
    hub = cls.hub
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        user = httpx.get(f"{hub.api}/users/{name}", headers=hub.headers(), timeout=30).json()
        server = user["servers"].get(server_name)
        if server and server["ready"]:
            return
        if not server and not (server_name == "" and user.get("pending")):
            pytest.fail(f"{name}'s lab {server_name!r} did not start; see {hub.log}")
        time.sleep(1)
    pytest.fail(f"{name}'s lab was not ready in {timeout} s")


def token(cls: HubClass, name: str) -> str:
    hub = cls.hub
    response = httpx.post(f"{hub.api}/users/{name}/tokens", headers=hub.headers(), json={}, timeout=30)
    assert response.status_code == 201, response.text
    return response.json()["token"]


def lab(cls: HubClass, name: str, learner_token: str, server: str = "") -> httpx.Client:
    return httpx.Client(
        base_url=f"{cls.hub.url}/user/{name}/" + (f"{server}/" if server else ""),
        headers={"Authorization": f"token {learner_token}"},
        timeout=120,
    )


def module_folder(client: httpx.Client) -> str:
    listing = client.get("api/contents/").json()["content"]
    folders = [
        item["name"] for item in listing if item["type"] == "directory" and item["name"].startswith("Bài 04")
    ]
    assert folders, listing
    return folders[0]


def answers_document(learner: str) -> str:
    """The answers file as the widgets write it: right order for even-numbered learners."""
    from hocso.widgets.answers import save_answer

    order = RIGHT_ORDER if int(learner[2:]) % 2 == 0 else list(reversed(RIGHT_ORDER))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / ANSWERS
        save_answer("m04-after", order, path, language="vi")
        save_answer("m04-report", {"r1": "156"}, path, language="vi")
        return path.read_text(encoding="utf-8")


def answer_and_submit(cls: HubClass, name: str, learner_token: str, server: str = "") -> dict:
    with lab(cls, name, learner_token, server) as client:
        folder = module_folder(client)
        body = {"type": "file", "format": "text", "content": answers_document(name)}
        saved = client.put(f"api/contents/{folder}/{ANSWERS}", json=body)
        assert saved.status_code in (200, 201), saved.text
        receipt = client.post("hocso/lab/submit", json={"path": f"{folder}/{NOTEBOOK}"})
        assert receipt.status_code == 200, receipt.text
        return receipt.json()


def browser_login(cls: HubClass, browser, name: str) -> None:
    context = browser.new_context(locale="vi-VN")
    page = context.new_page()
    try:
        page.goto(f"{cls.hub.url}/hub/login", wait_until="domcontentloaded")
        assert "Đăng nhập phòng thực hành" in page.content()
        page.fill("#username_input", name)
        page.fill("#password_input", cls.codes[name])
        page.fill("#new_password_input", "mat-khau-moi-1")
        page.click("#login_submit")
        page.wait_for_url(f"**/user/{name}/lab**", timeout=400_000)
        page.wait_for_selector(".jp-LabShell, #jp-main-dock-panel", timeout=120_000)
    finally:
        context.close()


def as_learner(unix: str, code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["setpriv", f"--reuid={unix}", f"--regid={unix}", "--init-groups", sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
    )


def assert_refused_to(unix: str, *attempts: str) -> None:
    """Each attempt, run as that Unix user, ends in PermissionError (the OS refuses, not the lab)."""
    for attempt in attempts:
        result = as_learner(unix, attempt)
        assert result.returncode != 0 and "PermissionError" in result.stderr, (attempt, result.stdout)


def test_a_class_logs_in_fetches_answers_submits_and_is_graded(hub_class: HubClass, browser) -> None:
    cls = hub_class
    api_learners = LEARNERS[1:]
    # first login: the one-time code alone is refused, code + new password signs in, the code is then spent
    assert not login_form(cls.hub.url, LEARNERS[1], cls.codes[LEARNERS[1]])
    with ThreadPoolExecutor(len(api_learners)) as pool:

        def sign_in_and_spawn(name: str) -> bool:
            signed_in = login_form(cls.hub.url, name, cls.codes[name], f"pw-{name}-secret")
            if signed_in:
                spawn(cls, name)
            return signed_in

        started = pool.map(sign_in_and_spawn, api_learners)
        browser_login(cls, browser, LEARNERS[0])  # Playwright's sync API stays on the main thread
        spawned = list(started)
    for name, signed_in in zip(api_learners, spawned, strict=True):
        assert signed_in, f"{name} could not log in"
    assert len(spawned) == len(api_learners)
    again = login_form(cls.hub.url, LEARNERS[1], cls.codes[LEARNERS[1]], "another-password")
    assert not again, "a spent one-time code still signed in"

    tokens = {name: token(cls, name) for name in [*LEARNERS, INSTRUCTOR]}
    with ThreadPoolExecutor(4) as pool:
        receipts = dict(
            zip(LEARNERS, pool.map(lambda n: answer_and_submit(cls, n, tokens[n]), LEARNERS), strict=True)
        )
    for name, receipt in receipts.items():
        assert receipt["module"] == MODULE and ANSWERS in receipt["files"], (name, receipt)

    # each lab ran as its own Unix user, in its own workspace
    inbound = cls.home / "courses" / cls.course.id / "exchange" / cls.course.id / "inbound"
    first = next(inbound.glob(f"{LEARNERS[0]}+{MODULE}+*"))
    victim_answers = first / ANSWERS
    attacker = cls.plan.accounts[LEARNERS[1]].unix  # type: ignore[attr-defined]
    victim_home = cls.home / "learners" / LEARNERS[0]
    assert_refused_to(
        attacker,
        f"import os; print(os.listdir({str(inbound)!r}))",
        f"print(open({str(victim_answers)!r}).read())",
        f"import os; print(os.listdir({str(victim_home)!r}))",
        f"import os; print(os.listdir({str(cls.course_dir / 'notebooks')!r}))",
    )

    formgrader = f"{cls.hub.url}/services/formgrader-{cls.course.id}/formgrader"
    learner_view = httpx.get(
        formgrader, headers={"Authorization": f"token {tokens[LEARNERS[1]]}"}, timeout=120
    )
    assert learner_view.status_code == 403, learner_view.status_code
    instructor_view = httpx.get(
        formgrader, headers={"Authorization": f"token {tokens[INSTRUCTOR]}"}, timeout=120
    )
    assert instructor_view.status_code == 200 and "formgrader" in instructor_view.text.lower()

    collected = cls.hocso("grade", "collect", MODULE)
    assert collected.returncode == 0, collected.stderr
    graded = cls.hocso("grade", "autograde", MODULE, "--json")
    assert graded.returncode == 0, graded.stderr
    results = {r["learner"]: r for r in json.loads(graded.stdout)["results"]}
    assert set(results) == set(LEARNERS), results.keys()
    assert all(r["ok"] for r in results.values()), graded.stdout
    even, odd = results[LEARNERS[1]]["score"], results[LEARNERS[0]]["score"]
    assert even > odd, (even, odd)  # each learner graded on their own answers
    released = cls.hocso("grade", "feedback", MODULE)
    assert released.returncode == 0, released.stderr


def auth(learner_token: str) -> dict[str, str]:
    return {"Authorization": f"token {learner_token}"}


def assistant_url(cls: HubClass, course_id: str, route: str) -> str:
    return f"{cls.hub.url}/services/assistant/{course_id}/{route}"


def ask_service(cls: HubClass, course_id: str, learner_token: str, question: str) -> httpx.Response:
    """A question straight to the hub's assistant service, as an openai client (or an attacker) sends it."""
    body = {"model": "hocso-assistant", "messages": [{"role": "user", "content": question}]}
    return httpx.post(
        assistant_url(cls, course_id, "v1/chat/completions"),
        headers=auth(learner_token),
        json=body,
        timeout=120,
    )


QUESTION_B = "What should I do with a message asking for my bank password?"


def test_a_second_course_on_the_hub_keeps_to_itself(hub_class: HubClass) -> None:
    cls = hub_class
    intruder = LEARNERS[1]  # on the first course only
    tokens = {name: token(cls, name) for name in (LEARNER_AB, intruder, INSTRUCTOR, INSTRUCTOR_B)}
    exchange_b = cls.home / "courses" / COURSE_B / "exchange" / COURSE_B

    # a learner on both courses has a second lab, named for the course, with that course's module
    spawn(cls, LEARNER_AB, COURSE_B)
    receipt = answer_and_submit(cls, LEARNER_AB, tokens[LEARNER_AB], COURSE_B)
    assert receipt["module"] == MODULE, receipt
    submission_b = next((exchange_b / "inbound").glob(f"{LEARNER_AB}+{MODULE}+*"))
    asked = ask_service(cls, COURSE_B, tokens[LEARNER_AB], QUESTION_B)
    assert asked.status_code == 200, asked.text

    # a learner of the first course cannot open a lab on the second, nor use its assistant...
    refused = httpx.post(server_url(cls, intruder, COURSE_B), headers=auth(tokens[intruder]), timeout=120)
    assert refused.status_code == 403 and "not on course" in refused.text, (refused.status_code, refused.text)
    servers = httpx.get(f"{cls.hub.api}/users/{intruder}", headers=cls.hub.headers(), timeout=30).json()
    assert COURSE_B not in servers["servers"], servers
    outsider = ask_service(cls, COURSE_B, tokens[intruder], QUESTION_B)
    assert outsider.status_code == 401, outsider.text
    with lab(cls, LEARNER_AB, tokens[intruder], COURSE_B) as other:  # nor into a lab of the second course
        assert other.get("api/contents/").status_code == 403
    # ...nor, from their own lab's Unix user, fetch from, hand in to or read the second course's exchange
    unix = cls.plan.accounts[intruder].unix  # type: ignore[attr-defined]
    assert_refused_to(
        unix,
        f"import os; print(os.listdir({str(exchange_b / 'outbound')!r}))",
        f"import os; os.mkdir({str(exchange_b / 'inbound' / f'{intruder}+{MODULE}+2026-12-02')!r})",
        f"print(open({str(submission_b / ANSWERS)!r}).read())",
    )

    # each course's formgrader is its own instructors' alone
    formgrader_b = f"{cls.hub.url}/services/formgrader-{COURSE_B}/formgrader"
    for outsider_name in (INSTRUCTOR, LEARNER_AB):
        response = httpx.get(formgrader_b, headers=auth(tokens[outsider_name]), timeout=120)
        assert response.status_code == 403, (outsider_name, response.status_code)
    own = httpx.get(formgrader_b, headers=auth(tokens[INSTRUCTOR_B]), timeout=120)
    assert own.status_code == 200 and "formgrader" in own.text.lower(), own.status_code


PHONE = "0912 345 678"


def test_an_instructor_reads_the_redacted_class_log_through_the_hub(hub_class: HubClass) -> None:
    cls = hub_class
    learner = LEARNERS[3]
    tokens = {name: token(cls, name) for name in (learner, INSTRUCTOR, INSTRUCTOR_B)}
    # straight to the service, past the kernel's own redaction: the service redacts before it logs
    question = f"Có người gọi vào số {PHONE} của tôi, xưng là ngân hàng và hỏi mã OTP. Tôi nên làm gì?"
    asked = ask_service(cls, cls.course.id, tokens[learner], question)
    assert asked.status_code == 200, asked.text

    log = assistant_url(cls, cls.course.id, "log")
    page = httpx.get(log, headers=auth(tokens[INSTRUCTOR]), timeout=120)
    assert page.status_code == 200, page.text
    assert "Nhật ký trợ lý của lớp" in page.text and "Class assistant log" not in page.text  # a vi course
    assert learner in page.text and "[SĐT]" in page.text
    assert PHONE not in page.text and PHONE.replace(" ", "") not in page.text
    turns = httpx.get(f"{log}.json", headers=auth(tokens[INSTRUCTOR]), timeout=120).json()["turns"]
    mine = [turn for turn in turns if turn["learner"] == learner]
    assert mine and "phone" in mine[-1]["redacted"], mine
    assert not any(QUESTION_B in turn["question"] for turn in turns)  # the other course's questions

    # a learner, and the instructor of another course, are refused (a page in the course language)
    for name in (learner, INSTRUCTOR_B):
        for url in (log, f"{log}.json"):
            refused = httpx.get(url, headers=auth(tokens[name]), timeout=120)
            assert refused.status_code == 403, (name, url, refused.status_code)
            assert "Chỉ người hướng dẫn" in refused.text and "[SĐT]" not in refused.text, refused.text
    # a browser without a hub login is sent to the hub's OAuth, not shown the page
    anonymous = httpx.get(log, timeout=120)
    assert anonymous.status_code == 302 and "oauth2/authorize" in anonymous.headers["location"]

    # the second course's log is its instructor's, in its own language, with its own questions only
    log_b = assistant_url(cls, COURSE_B, "log")
    page_b = httpx.get(log_b, headers=auth(tokens[INSTRUCTOR_B]), timeout=120)
    assert page_b.status_code == 200 and "Class assistant log" in page_b.text, page_b.text
    assert "Nhật ký" not in page_b.text and LEARNER_AB in page_b.text and learner not in page_b.text
    assert httpx.get(log_b, headers=auth(tokens[INSTRUCTOR]), timeout=120).status_code == 403


def wait_for_feedback(client: httpx.Client, folder: str, timeout: float = 180) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        response = client.get(f"api/contents/{folder}/feedback")
        found = response.json() if response.status_code == 200 else {}
        if found.get("content") or time.monotonic() > deadline:
            return found
        time.sleep(2)


def lab_processes(cls: HubClass) -> dict[str, set[int]]:
    """Which lab processes run, by account (each lab runs as its learner's Unix user)."""
    import psutil

    accounts = {a.unix: a.name for a in cls.plan.accounts.values()}  # type: ignore[attr-defined]
    running: dict[str, set[int]] = {}
    for process in psutil.process_iter(["pid", "username", "cmdline"]):
        name = accounts.get(process.info["username"] or "")
        if name and "hocso.hub.learner_server" in " ".join(process.info["cmdline"] or []):
            running.setdefault(name, set()).add(process.info["pid"])
    return running


def test_restart_mid_class_keeps_work_submissions_and_returns_feedback(hub_class: HubClass) -> None:
    from hocso.hub.run import start_hub

    cls = hub_class
    before = lab_processes(cls)
    assert set(LEARNERS) <= set(before), before
    cls.hub.stop()  # type: ignore[attr-defined]
    # as the unit's admin starts it
    cls.hub = start_hub(cls.course, extra_env={"OPENAI_API_KEY": REMOTE_KEY}, keep_labs=True)
    # logins survive (same database and cookie secret): the learner's own password still works
    assert login_form(cls.hub.url, LEARNERS[1], f"pw-{LEARNERS[1]}-secret")
    # the labs ran on through the restart (the same processes), and the new hub serves them
    after = lab_processes(cls)
    assert all(before[name] & after.get(name, set()) for name in before), (before, after)
    with ThreadPoolExecutor(len(LEARNERS)) as pool:
        list(pool.map(lambda n: spawn(cls, n), LEARNERS))
    wait_ready(cls, LEARNER_AB, COURSE_B)
    # a lab stopped after the restart starts again on the learner's saved work
    again = LEARNERS[4]
    stopped = httpx.delete(server_url(cls, again), headers=cls.hub.headers(), timeout=120)
    assert stopped.status_code in (202, 204), stopped.text
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        user = httpx.get(f"{cls.hub.api}/users/{again}", headers=cls.hub.headers(), timeout=30).json()
        if "" not in user["servers"]:
            break
        time.sleep(1)
    spawn(cls, again)
    assert not lab_processes(cls)[again] & before[again]  # a new process
    inbound = cls.home / "courses" / cls.course.id / "exchange" / cls.course.id / "inbound"
    for name in LEARNERS:
        with lab(cls, name, token(cls, name)) as client:
            folder = module_folder(client)
            answers = client.get(f"api/contents/{folder}/{ANSWERS}", params={"content": 1}).json()
            assert json.loads(answers["content"])["answers"]["m04-report"] == {"r1": "156"}, name
            # released after the lab started: the running lab fetched it (hocso.hub.learner_server)
            feedback = wait_for_feedback(client, folder)
            assert feedback.get("type") == "directory" and feedback["content"], (name, feedback)
        assert list(inbound.glob(f"{name}+{MODULE}+*")), f"{name}'s submission is gone"
    inbound_b = cls.home / "courses" / COURSE_B / "exchange" / COURSE_B / "inbound"
    assert list(inbound_b.glob(f"{LEARNER_AB}+{MODULE}+*")), "the second course's submission is gone"
    turns = httpx.get(
        assistant_url(cls, cls.course.id, "log.json"), headers=auth(token(cls, INSTRUCTOR)), timeout=120
    ).json()["turns"]
    assert any(turn["learner"] == LEARNERS[3] for turn in turns), "the class log is gone"


BYPASSES = """
import json, os
import hocso.assistant.notebook as notebook
from hocso.assistant.client import Assistant
from hocso.assistant.notebook import ask

QUESTION = "Mật khẩu mạnh là gì?"
seen = {"key_in_kernel": any(name in os.environ for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL"))}
seen["within"] = [ask(QUESTION).text for _ in range(QUOTA)]
seen["over"] = ask(QUESTION).text
os.environ["HOCSO_LEARNER"] = os.environ["JUPYTERHUB_USER"] = "someone-else"   # bypass 1: another name
notebook._assistant = None
seen["renamed"] = ask(QUESTION).text
seen["constructed"] = Assistant(learner="someone-else").ask(QUESTION).text  # bypass 2: learner=
os.environ["HOCSO_ASSISTANT_TOKEN"] = "hocso1.c29tZW9uZQ.0000"                 # bypass 3: a forged token
seen["forged"] = Assistant().ask(QUESTION).text
print(json.dumps(seen, ensure_ascii=False))
"""


def test_the_assistant_quota_holds_in_the_hub_service(hub_class: HubClass) -> None:
    import psutil

    from tests.hub.conftest import DAILY_QUOTA, REMOTE_KEY, run_in_kernel

    cls = hub_class
    name = LEARNERS[2]
    spawn(cls, name)
    out = run_in_kernel(
        f"{cls.hub.url}/user/{name}/", token(cls, name), BYPASSES.replace("QUOTA", str(DAILY_QUOTA))
    )
    seen = json.loads(out.strip().splitlines()[-1])
    limit_text = f"Bạn đã hỏi đủ {DAILY_QUOTA} câu hôm nay"
    assert not seen["key_in_kernel"]
    assert all(limit_text not in text for text in seen["within"]), seen["within"]
    for bypass in ("over", "renamed", "constructed"):
        assert limit_text in seen[bypass], (bypass, seen[bypass])
    assert limit_text not in seen["forged"] and seen["forged"], seen["forged"]  # refused, not answered
    # the remote key is in the assistant service's process, in no process of the learner's
    unix = cls.plan.accounts[name].unix  # type: ignore[attr-defined]
    holders = {"service": False, "learner": False}
    for process in psutil.process_iter(["cmdline", "username"]):
        try:
            environ = process.environ()
        except psutil.Error:
            continue
        if environ.get("OPENAI_API_KEY") == REMOTE_KEY:
            if "hocso.hub.assistant_service" in " ".join(process.info["cmdline"] or []):
                holders["service"] = True
            if process.info["username"] == unix:
                holders["learner"] = True
    assert holders == {"service": True, "learner": False}, holders
