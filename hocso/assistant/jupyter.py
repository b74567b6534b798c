"""The assistant inside the learner lab's Jupyter server: the guardrails in the server process.

Loaded by the learner lab (hocso.lab.settings turns it on). At load it builds the AssistantService
from the course and the server's environment (so a remote key is read here), then removes the
remote settings from the environment its kernels inherit and gives them instead the service's URL
and the learner's token. A kernel's `ask()` talks to the service over real HTTP with the openai
client; the token, signed under a secret made at this start, decides whose quota is counted.

    POST <base_url>hocso/assistant/v1/chat/completions    Authorization: Bearer <learner token>
"""

from __future__ import annotations

import getpass
import os
from typing import Any

from jupyter_server.utils import url_path_join

from hocso.assistant.settings import BASE_URL_ENV, MODEL_ENV, SERVICE_TOKEN_ENV, SERVICE_URL_ENV
from hocso.assistant.tokens import LearnerTokens

ROUTE = "hocso/assistant"
LEARNER_ENV, COURSE_ENV = "HOCSO_LEARNER", "HOCSO_COURSE"
#: never inherited by a learner's kernel: the remote endpoint's key and where it is
SECRET_ENVS = ("OPENAI_API_KEY", BASE_URL_ENV, MODEL_ENV)


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": "hocso.assistant.jupyter"}]


def _load_jupyter_server_extension(serverapp: Any) -> None:
    from hocso.assistant.service import AssistantService
    from hocso.assistant.web import assistant_handlers, token_identify
    from hocso.config import CourseConfigError, load_course

    try:
        course = load_course(os.environ.get(COURSE_ENV))
    except CourseConfigError as error:
        serverapp.log.warning("hocso assistant: no course (%s); glossary and FAQ only", error)
        course = None
    service = AssistantService(course)
    withhold_from_kernels(service.settings.api_key_env)
    tokens = LearnerTokens()
    learner = os.environ.get(LEARNER_ENV) or _os_user()
    base = serverapp.web_app.settings["base_url"]
    prefix = url_path_join(base, ROUTE)
    serverapp.web_app.add_handlers(".*$", assistant_handlers(service, token_identify(tokens), prefix))
    serverapp.web_app.settings["hocso_assistant_service"] = service
    os.environ[SERVICE_TOKEN_ENV] = tokens.mint(learner)
    os.environ[SERVICE_URL_ENV] = _service_url(serverapp, prefix)
    serverapp.log.info("hocso assistant: serving at %s for %s", os.environ[SERVICE_URL_ENV], learner)


def withhold_from_kernels(key_env: str) -> None:
    """Remove the remote model's settings from the environment this server's kernels inherit (call
    after the service has read them); also used by `hocso present` (hocso.present.assistant)."""
    for name in {*SECRET_ENVS, key_env}:
        os.environ.pop(name, None)


def _service_url(serverapp: Any, prefix: str) -> str:
    """Loopback: kernels run on this machine, whatever address the browser uses."""
    host = "[::1]" if serverapp.ip == "::1" else "127.0.0.1"
    return f"http://{host}:{serverapp.port}{prefix.rstrip('/')}/v1"


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "learner"
