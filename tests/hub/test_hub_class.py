"""A class on one hub, on loopback: log in, fetch m04, answer, submit, grade, restart mid-class.

Learner hv01 logs in through the real login form in Chromium (first login: one-time code and a new
password); the nine others through the same form over HTTP, their labs started through the REST API
in parallel. Widget answers are written the way the widget writes them (hocso.widgets.answers.save_answer)
and uploaded by the learner's own lab; the Submit button's API hands the module in.
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

from tests.hub.conftest import INSTRUCTOR, LEARNERS, REMOTE_KEY, HubClass

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


def spawn(cls: HubClass, name: str) -> None:
    hub = cls.hub
    response = httpx.post(f"{hub.api}/users/{name}/server", headers=hub.headers(), timeout=120)
    assert response.status_code in (201, 202, 400), response.text  # 400: already running
    wait_ready(cls, name)


def wait_ready(cls: HubClass, name: str, timeout: float = 400) -> None:
    hub = cls.hub
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        user = httpx.get(f"{hub.api}/users/{name}", headers=hub.headers(), timeout=30).json()
        server = user["servers"].get("")
        if server and server["ready"]:
            return
        if not user.get("pending") and not server:
            pytest.fail(f"{name}'s lab did not start; see {hub.log}")
        time.sleep(1)
    pytest.fail(f"{name}'s lab was not ready in {timeout} s")


def token(cls: HubClass, name: str) -> str:
    hub = cls.hub
    response = httpx.post(f"{hub.api}/users/{name}/tokens", headers=hub.headers(), json={}, timeout=30)
    assert response.status_code == 201, response.text
    return response.json()["token"]


def lab(cls: HubClass, name: str, learner_token: str) -> httpx.Client:
    return httpx.Client(
        base_url=f"{cls.hub.url}/user/{name}/",
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


def answer_and_submit(cls: HubClass, name: str, learner_token: str) -> dict:
    with lab(cls, name, learner_token) as client:
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
    for attempt in (
        f"import os; print(os.listdir({str(inbound)!r}))",
        f"print(open({str(victim_answers)!r}).read())",
        f"import os; print(os.listdir({str(victim_home)!r}))",
        f"import os; print(os.listdir({str(cls.course_dir / 'notebooks')!r}))",
    ):
        result = as_learner(attacker, attempt)
        assert result.returncode != 0 and "PermissionError" in result.stderr, (attempt, result.stdout)

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


def test_restart_mid_class_keeps_work_submissions_and_returns_feedback(hub_class: HubClass) -> None:
    from hocso.hub.run import start_hub

    cls = hub_class
    cls.hub.stop()  # type: ignore[attr-defined]
    cls.hub = start_hub(cls.course, extra_env={"OPENAI_API_KEY": REMOTE_KEY})  # as the unit's admin starts it
    # logins survive (same database and cookie secret): the learner's own password still works
    assert login_form(cls.hub.url, LEARNERS[1], f"pw-{LEARNERS[1]}-secret")
    with ThreadPoolExecutor(len(LEARNERS)) as pool:
        list(pool.map(lambda n: spawn(cls, n), LEARNERS))
    inbound = cls.home / "courses" / cls.course.id / "exchange" / cls.course.id / "inbound"
    for name in LEARNERS:
        with lab(cls, name, token(cls, name)) as client:
            folder = module_folder(client)
            answers = client.get(f"api/contents/{folder}/{ANSWERS}", params={"content": 1}).json()
            assert json.loads(answers["content"])["answers"]["m04-report"] == {"r1": "156"}, name
            feedback = client.get(f"api/contents/{folder}/feedback").json()
            assert feedback.get("type") == "directory" and feedback["content"], (name, feedback)
        assert list(inbound.glob(f"{name}+{MODULE}+*")), f"{name}'s submission is gone"


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
