"""Where the assistant's answers come from, resolved once from course.toml and the environment.

course.toml's [assistant] table is the default; OPENAI_BASE_URL, the key variable named by
`api_key_env` (OPENAI_API_KEY) and HOCSO_ASSISTANT_MODEL override it, as every OpenAI tool does. A
remote endpoint on this machine or the LAN needs no real key (a placeholder is sent); a public one
does, and the error names the variable to set. `describe()` tells which variables are set, never
their values.
"""

from __future__ import annotations

import ipaddress
import os
from urllib.parse import urlsplit

from pydantic import Field

from hocso.assistant.errors import AssistantSettingsError
from hocso.config.models import AssistantBackend, AssistantSettings

BASE_URL_ENV = "OPENAI_BASE_URL"
MODEL_ENV = "HOCSO_ASSISTANT_MODEL"
PLACEHOLDER_KEY = "not-needed-for-local-servers"
#: set by the lab's server (hocso.assistant.jupyter) in its kernels' environment: where the
#: assistant service is and this kernel's own learner token
SERVICE_URL_ENV = "HOCSO_ASSISTANT_URL"
SERVICE_TOKEN_ENV = "HOCSO_ASSISTANT_TOKEN"
OPENAI_URL = "https://api.openai.com/v1"


class ResolvedSettings(AssistantSettings):
    """The settings in force: course.toml's [assistant] with the environment applied, and the key
    (`backend` "openai" is any OpenAI-compatible server; `base_url` and `api_key` are None offline)."""

    api_key: str | None = Field(default=None, repr=False)

    def describe(self) -> dict[str, object]:
        """Safe to print or log: key names and whether they are set, never a key itself."""
        return {
            "backend": self.backend,
            "base_url": self.base_url,
            "model": self.model,
            "api_key_env": self.api_key_env,
            "api_key_set": bool(os.environ.get(self.api_key_env)),
            "base_url_env_set": bool(os.environ.get(BASE_URL_ENV)),
            "timeout_seconds": self.timeout_seconds,
            "max_retries": self.max_retries,
            "fallback_to_offline": self.fallback_to_offline,
        }

    def __repr__(self) -> str:
        return f"ResolvedSettings({self.describe()})"

    __str__ = __repr__


def resolve_settings(settings: AssistantSettings | None = None) -> ResolvedSettings:
    """Apply the environment to course.toml's [assistant] settings and check they can work."""
    settings = settings or AssistantSettings()
    base_url = os.environ.get(BASE_URL_ENV) or settings.base_url
    backend: AssistantBackend = (
        "openai"
        if base_url and settings.backend == "offline" and os.environ.get(BASE_URL_ENV)
        else settings.backend
    )
    model = os.environ.get(MODEL_ENV) or settings.model
    api_key = os.environ.get(settings.api_key_env)
    if backend == "openai":
        base_url = base_url or OPENAI_URL
        if not base_url.startswith(("http://", "https://")):
            raise AssistantSettingsError(
                f"{BASE_URL_ENV} or [assistant] base_url is {base_url!r}; it must start with http:// or https://"
            )
        if not api_key:
            if not is_local(base_url):
                raise AssistantSettingsError(
                    f"the assistant talks to {base_url} but {settings.api_key_env} is not set; set it to your API "
                    'key, or set [assistant] backend = "offline" in course_config/course.toml'
                )
            api_key = PLACEHOLDER_KEY
    remote = backend == "openai"
    resolved = {"backend": backend, "model": model, "base_url": base_url if remote else None}
    return ResolvedSettings(**(settings.model_dump() | resolved), api_key=api_key if remote else None)


def is_local(url: str) -> bool:
    """True for this machine and private LAN addresses (a classroom server, Ollama, llama.cpp)."""
    host = urlsplit(url).hostname or ""
    if host in ("localhost",) or host.endswith((".local", ".lan")):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_private or address.is_link_local


def served_endpoint() -> tuple[str, str] | None:
    """(service URL, learner token) when this process is a kernel of a lab that serves the assistant."""
    url, token = os.environ.get(SERVICE_URL_ENV), os.environ.get(SERVICE_TOKEN_ENV)
    return (url, token) if url and token else None
