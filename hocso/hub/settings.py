"""The JupyterHub configuration of a hocso hub, from plan.json and the first course's [hub] settings.

Read by JupyterHub itself through hocso/hub/jupyterhub_config.py (`jupyterhub -f ...`), so a restart
of the hub rebuilds the same accounts, groups, roles and services from the runtime home.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from hocso.config import HubSettings, load_course
from hocso.hub.accounts import ClassPlan, formgrade_group
from hocso.hub.codes import OneTimeCodeAuthenticator
from hocso.hub.formgrader import service_name as formgrader_service
from hocso.hub.sizing import readiness
from hocso.hub.spawner import HocsoSpawner
from hocso.hub.state import HubState
from hocso.i18n import t

TEMPLATES = Path(__file__).parent / "templates"
API_SERVICE = "hocso"  # the token `hocso hub` and its tests use for the hub's REST API
ASSISTANT_SERVICE = "assistant"  # hocso.hub.assistant_service: every course's assistant and class log
PROXY_TIMEOUT_SECONDS = 180
LOGIN_TEXTS = (
    "title",
    "first_time",
    "username",
    "password",
    "new_password",
    "sign_in",
    "failed",
    "starting",
    "busy",
)


def api_token(state: HubState) -> str:
    from hocso.hub.state import write_private

    path = state.root / "api_token"
    if not path.exists():
        import secrets

        write_private(path, secrets.token_hex(32))
    return path.read_text(encoding="utf-8").strip()


def hub_api_port(settings: HubSettings) -> int:
    """The hub's own API, the same at every start: labs that ran on through a restart still reach it."""
    return settings.port + 98


def assistant_port(settings: HubSettings) -> int:
    return settings.port + 99


def formgrader_port(index: int, settings: HubSettings) -> int:
    return settings.port + 100 + index


def services(
    plan: ClassPlan, state: HubState, settings: HubSettings
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(services, roles): the idle culler, a formgrader per course, and the hocso API client."""
    services: list[dict[str, Any]] = [{"name": API_SERVICE, "api_token": api_token(state)}]
    roles: list[dict[str, Any]] = [
        {
            "name": "hocso-admin",
            "services": [API_SERVICE],
            "scopes": [
                "admin:users",
                "admin:servers",
                "admin:groups",
                "tokens",
                "access:servers",
                "read:services",
            ],
        }
    ]
    if settings.cull_idle_minutes:
        services.append(
            {
                "name": "idle-culler",
                "command": [
                    sys.executable,
                    "-m",
                    "jupyterhub_idle_culler",
                    f"--timeout={settings.cull_idle_minutes * 60}",
                    f"--cull-every={min(300, max(10, settings.cull_idle_minutes * 30))}",
                ],
            }
        )
        roles.append(
            {
                "name": "idle-culler",
                "services": ["idle-culler"],
                "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
            }
        )
    key_envs = {load_course(course.root).assistant.api_key_env for course in plan.courses}
    secrets_env = {name: os.environ[name] for name in (*key_envs, "OPENAI_BASE_URL") if name in os.environ}
    services.append(
        {
            "name": ASSISTANT_SERVICE,
            "url": f"http://127.0.0.1:{assistant_port(settings)}",
            "command": [sys.executable, "-m", "hocso.hub.assistant_service"],
            # the remote model's key reaches this service only, never a learner's lab
            "environment": {"HOCSO_HOME": str(state.root.parent), **secrets_env},
            "oauth_no_confirm": True,
            "timeout": 180,
        }
    )
    # the service's pages (the class log) let in instructors only; kernels' questions carry a token
    # the service checks itself (hocso.hub.assistant_service), so learners need no scope for those
    roles.append(
        {
            "name": "class-log",
            "groups": [formgrade_group(course.id) for course in plan.courses],
            "scopes": [f"access:services!service={ASSISTANT_SERVICE}", "self"],
        }
    )
    for index, course in enumerate(plan.courses):
        name = formgrader_service(course.id)
        services.append(
            {
                "name": name,
                "url": f"http://127.0.0.1:{formgrader_port(index, settings)}",
                "command": [sys.executable, "-m", "hocso.hub.formgrader"],
                "environment": {"HOCSO_COURSE": course.root, "HOCSO_HOME": str(state.root.parent)},
                "oauth_no_confirm": True,
                "timeout": 180,  # the hub waits for it before taking logins; a loaded machine is slow
            }
        )
        roles.append(
            {
                "name": formgrade_group(course.id),
                "groups": [formgrade_group(course.id)],
                "scopes": [f"access:services!service={name}", "self"],
            }
        )
    return services, roles


def configure(c: Any, plan: ClassPlan, state: HubState) -> None:
    """Set JupyterHub's traits on its config object `c`."""
    course = load_course(plan.courses[0].root)
    settings = course.hub
    language = course.info.default_language
    c.JupyterHub.bind_url = f"http://{settings.ip}:{settings.port}"
    c.JupyterHub.hub_bind_url = f"http://127.0.0.1:{hub_api_port(settings)}"
    c.JupyterHub.db_url = state.database_url
    c.JupyterHub.cookie_secret_file = str(state.cookie_secret)
    c.JupyterHub.pid_file = str(state.root / "jupyterhub.pid")
    c.ConfigurableHTTPProxy.auth_token = state.proxy_token.read_text(encoding="utf-8").strip()
    # the Python proxy gives up on the hub after tornado's default 20 s: a class logging in at once on
    # a loaded 2-core machine took longer (503 on POST /hub/login)
    c.ConfigurableHTTPProxy.command = [
        str(Path(sys.executable).parent / "configurable-http-proxy"),
        f"--proxy-timeout={PROXY_TIMEOUT_SECONDS * 1000}",
    ]
    c.ConfigurableHTTPProxy.pid_file = str(state.root / "proxy.pid")
    c.JupyterHub.authenticator_class = OneTimeCodeAuthenticator
    c.OneTimeCodeAuthenticator.codes_file = str(state.codes)
    c.Authenticator.allowed_users = set(plan.accounts)
    c.JupyterHub.load_groups = {name: {"users": users} for name, users in plan.groups().items()}
    hub_services, roles = services(plan, state, settings)
    c.JupyterHub.services = hub_services
    c.JupyterHub.load_roles = roles
    c.JupyterHub.spawner_class = HocsoSpawner
    c.HocsoSpawner.plan_file = str(state.plan)
    c.HocsoSpawner.isolated = plan.isolated
    c.HocsoSpawner.cmd = [sys.executable, "-m", "hocso.hub.learner_server"]
    # kernels ask the hub's assistant service with the lab's hub token (hocso.hub.learner_server)
    c.HocsoSpawner.assistant_url = f"http://127.0.0.1:{settings.port}/services/{ASSISTANT_SERVICE}/"
    c.Spawner.default_url = "/lab"
    c.Spawner.start_timeout = 180
    c.Spawner.http_timeout = 180
    c.JupyterHub.allow_named_servers = True
    c.JupyterHub.concurrent_spawn_limit = settings.concurrent_spawns
    c.JupyterHub.active_server_limit = max(readiness(settings).learners_at_once, settings.concurrent_spawns)
    c.JupyterHub.template_paths = [str(TEMPLATES)]
    c.JupyterHub.template_vars = {
        "hocso": {"lang": language, **{key: t(f"hub.login.{key}", language) for key in LOGIN_TEXTS}}
    }
    c.JupyterHub.shutdown_on_logout = False
