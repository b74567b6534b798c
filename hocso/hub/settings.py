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
from hocso.hub.assistant_service import SERVICE as ASSISTANT_SERVICE
from hocso.hub.codes import OneTimeCodeAuthenticator
from hocso.hub.formgrader import service_name as formgrader_service
from hocso.hub.sizing import readiness
from hocso.hub.spawner import HocsoSpawner
from hocso.hub.state import HubState
from hocso.i18n import t

TEMPLATES = Path(__file__).parent / "templates"
API_SERVICE = "hocso"  # the token `hocso hub` and its tests use for the hub's REST API
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
    first = plan.courses[0]
    key_env = load_course(first.root).assistant.api_key_env
    secrets_env = {name: os.environ[name] for name in (key_env, "OPENAI_BASE_URL") if name in os.environ}
    services.append(
        {
            "name": ASSISTANT_SERVICE,
            "url": f"http://127.0.0.1:{assistant_port(settings)}",
            "command": [sys.executable, "-m", "hocso.hub.assistant_service"],
            # the remote model's key reaches this service only, never a learner's lab
            "environment": {"HOCSO_COURSE": first.root, "HOCSO_HOME": str(state.root.parent), **secrets_env},
            "timeout": 180,
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
    c.JupyterHub.hub_bind_url = "http://127.0.0.1:8081"
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
    c.Spawner.default_url = "/lab"
    # kernels ask the hub's assistant service with the lab's hub token (hocso.hub.learner_server)
    c.Spawner.environment = {
        "HOCSO_HUB_ASSISTANT": f"http://127.0.0.1:{settings.port}/services/{ASSISTANT_SERVICE}/v1"
    }
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
