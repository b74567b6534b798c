"""The assistant as a hub service: the guardrails in a process of the hub's, not the learner's.

    python -m hocso.hub.assistant_service      (started by the hub; HOCSO_HOME set)

    /services/assistant/<course>/v1/...        the assistant of one course (kernels, openai client)
    /services/assistant/<course>/log[.json]    that course's redacted class log, for its instructors

Under the hub a learner's lab runs as the learner's Unix user, so the lab's own server process is
the learner's to inspect: quotas, logs and a remote model's key cannot live there. This service
runs as the hub's user and serves hocso.assistant's AssistantService (hocso.assistant.web), one per
course on the hub (plan.json). A kernel sends the learner's hub token (JUPYTERHUB_API_TOKEN of
their lab, its course's URL set by hocso.hub.spawner); the service asks the hub whose it is
(HubAuth.user_for_token) and answers only accounts on that course, so the quota row is the hub
account, whatever HOCSO_LEARNER or `Assistant(learner=...)` says. The remote key is in this
process's environment only (hub.settings passes it to the service, the spawner never to a lab).

The class log page is behind the hub's OAuth (a browser is sent to the hub's login) or a token;
the hub lets only instructors through to this service's pages (the `access:services` scope,
hocso.hub.settings), and the page itself only the instructors of its own course.
"""

from __future__ import annotations

import contextlib
import json
import os
from typing import Any
from urllib.parse import urlsplit

import tornado.httputil
import tornado.web
from jupyterhub.services.auth import HubOAuth, HubOAuthCallbackHandler, HubOAuthenticated

from hocso.assistant.conversation_log import ConversationLog
from hocso.assistant.service import AssistantService, Identity
from hocso.assistant.tokens import bearer
from hocso.assistant.web import Identify, assistant_handlers
from hocso.config import Course, load_course
from hocso.hub.accounts import ClassPlan
from hocso.hub.class_log import class_log_path, render_forbidden, render_json, render_page
from hocso.hub.settings import ASSISTANT_SERVICE


def course_identify(auth: HubOAuth, plan: ClassPlan, course_id: str) -> Identify:
    """A hub user's token, for an account on `course_id` (anyone else: refused like a bad key)."""

    def identify(request: tornado.httputil.HTTPServerRequest) -> Identity | None:
        token = bearer(request.headers.get("Authorization"))
        if not token:
            return None
        model = auth.user_for_token(token)
        if not model or model.get("kind", "user") != "user":
            return None
        account = plan.accounts.get(model["name"])
        if account is None or course_id not in account.courses:
            return None
        return Identity(model["name"], f"learner:{model['name']}")

    return identify


class ClassLogHandler(HubOAuthenticated, tornado.web.RequestHandler):
    """The course's log for its instructors; anyone else gets 403 (a page in the course language)."""

    def initialize(self, hub_auth: HubOAuth, plan: ClassPlan, course: Course) -> None:
        self.hub_auth = hub_auth
        self.plan, self.course = plan, course

    def _instructor(self) -> bool:
        user: dict[str, Any] | None = self.current_user
        account = self.plan.accounts.get(user["name"]) if user else None
        return account is not None and account.courses.get(self.course.id) == "instructor"

    @tornado.web.authenticated
    def get(self, as_json: str | None = None) -> None:
        if not self._instructor():
            raise tornado.web.HTTPError(403)
        self.set_header("Cache-Control", "no-store")
        turns = ConversationLog(class_log_path(self.course)).turns()
        if as_json:
            self.set_header("Content-Type", "application/json; charset=utf-8")
            self.finish(json.dumps(render_json(self.course, turns), ensure_ascii=False))
        else:
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.finish(render_page(self.course, turns, self.course.info.default_language))

    def write_error(self, status_code: int, **kwargs: object) -> None:  # no traceback, course language
        if status_code == 403:
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.finish(render_forbidden(self.course, self.course.info.default_language))
        else:
            self.finish(f"{status_code} {self._reason}")


def make_app(plan: ClassPlan, prefix: str, auth: HubOAuth) -> tornado.web.Application:
    """Every course's assistant and class log under `prefix` (the service's /services/assistant/)."""
    prefix = prefix.rstrip("/") + "/"
    rules: list[Any] = [(f"{prefix}oauth_callback", HubOAuthCallbackHandler)]
    for course_plan in plan.courses:
        course = load_course(course_plan.root)
        log = class_log_path(course)
        log.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(log.parent, 0o700)  # the learners' questions: root's alone, like the gradebook
        service = AssistantService(course, log_path=log)
        rules += assistant_handlers(service, course_identify(auth, plan, course.id), f"{prefix}{course.id}/")
        options = {"hub_auth": auth, "plan": plan, "course": course}
        rules.append((rf"{prefix}{course.id}/log(\.json)?", ClassLogHandler, options))
    return tornado.web.Application(rules, cookie_secret=os.urandom(32), hub_auth=auth)


def main() -> None:
    import tornado.ioloop

    from hocso.hub.state import hub_state

    plan = ClassPlan.load(hub_state(create=False).plan)
    auth = HubOAuth(cache_max_age=60)
    prefix = os.environ.get("JUPYTERHUB_SERVICE_PREFIX", f"/services/{ASSISTANT_SERVICE}/")
    app = make_app(plan, prefix, auth)
    address = urlsplit(os.environ["JUPYTERHUB_SERVICE_URL"])
    app.listen(address.port or 80, address.hostname or "127.0.0.1")
    with contextlib.suppress(KeyboardInterrupt):  # the hub stops its services with SIGINT: no traceback
        tornado.ioloop.IOLoop.current().start()


if __name__ == "__main__":
    main()
