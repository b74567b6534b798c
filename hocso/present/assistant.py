"""The course assistant for `hocso present` visitors: answered in the server, counted per visitor.

    phone ──widget click──> app kernel (AssistantChat, a thin client)
        ──HTTP on loopback, Bearer <kernel token>──> /hocso/assistant/v1 in the present server
        token → kernel id → the visitor (browser) whose page took that kernel → quota row "visitor:<id>"

Every kernel gets at its start `HOCSO_ASSISTANT_URL` and a token of its own, `hocso1.<kernel
id>.<HMAC>` under a secret made at this start (a warm kernel gets it before any visitor exists).
The token names a kernel, not a person: it counts for nobody until a visitor's page takes the kernel
(`VisitorKernels.owners`), and for nobody once the kernel has stopped. A reload is a new kernel
under the same visitor cookie, so the same quota; another browser has its own cookie and quota.

The remote model's key, address and model name are read by the service in this process and removed
from the environment the kernels inherit; the quota file is the server's. Questions must come from
this machine (the kernels): a phone on the classroom network that calls the route itself is refused,
whatever it sends. Same service (hocso.assistant.service) and routes (hocso.assistant.web) as the
lab's Jupyter server and `hocso assistant serve`; only `identify` is present's.
"""

from __future__ import annotations

import os
from typing import Any

import tornado.httputil

from hocso.assistant.jupyter import withhold_from_kernels
from hocso.assistant.service import AssistantService, Identity
from hocso.assistant.settings import SERVICE_TOKEN_ENV, SERVICE_URL_ENV
from hocso.assistant.tokens import LearnerTokens, bearer
from hocso.assistant.web import Identify
from hocso.config.models import Course
from hocso.present.access import LOOPBACK
from hocso.present.capacity import VisitorKernels

ROUTE = "/hocso/assistant"


def start_assistant(course: Course | None, loopback_url: str) -> AssistantService:
    """The service for this server's kernels (reads the remote key now); then the kernels' environment
    gets the service's address instead of the key."""
    service = AssistantService(course)
    withhold_from_kernels(service.settings.api_key_env)
    os.environ[SERVICE_URL_ENV] = f"{loopback_url.rstrip('/')}{ROUTE}/v1"
    return service


def give_kernels_tokens(kernel_manager: Any, tokens: LearnerTokens) -> None:
    """Each kernel this manager starts (warm pools included) gets its own token in its environment.
    `pre_start_kernel` is where jupyter_client picks the kernel id, for every way a kernel starts."""
    pre_start_kernel = kernel_manager.pre_start_kernel

    def with_its_token(kernel_name: str | None, kwargs: dict[str, Any]) -> tuple[Any, str, str]:
        manager, name, kernel_id = pre_start_kernel(kernel_name, kwargs)
        # a new dict: Voila hands one env dict to every kernel of a pool
        kwargs["env"] = {**(kwargs.get("env") or os.environ), SERVICE_TOKEN_ENV: tokens.mint(kernel_id)}
        return manager, name, kernel_id

    kernel_manager.pre_start_kernel = with_its_token


def visitor_identify(tokens: LearnerTokens, kernels: VisitorKernels) -> Identify:
    """A kernel's token from this machine → the visitor holding that kernel; None (401) otherwise."""

    def identify(request: tornado.httputil.HTTPServerRequest) -> Identity | None:
        if request.remote_ip not in LOOPBACK:
            return None
        token = bearer(request.headers.get("Authorization"))
        kernel_id = tokens.learner(token) if token else None
        visitor = kernels.visitor_of(kernel_id) if kernel_id else None
        return Identity(f"visitor:{visitor}", f"visitor:{visitor}") if visitor else None

    return identify
