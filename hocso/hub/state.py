"""The hub's runtime files, under the runtime home (`hocso.config.data_home()`), never in the repository.

<data home>/hub/            0700, root's: the hub's own
    jupyterhub.sqlite         accounts, groups, tokens, which labs run
    jupyterhub_cookie_secret  0600: logins survive a restart of the hub
    proxy_auth_token          0600: the hub and its proxy
    codes.json                0600: hashes of the one-time codes and of learners' passwords
    plan.json                 what `hocso hub` was started with (courses, rosters, accounts)
<data home>/learners/<id>/  0700, the learner's: their Unix home and workspaces (hocso.lab)
<data home>/courses/<id>/   the course's nbgrader folders; only exchange/ is open to learners
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from hocso.config import data_home


@dataclass(frozen=True)
class HubState:
    root: Path

    @property
    def database_url(self) -> str:
        return f"sqlite:///{self.root / 'jupyterhub.sqlite'}"

    @property
    def cookie_secret(self) -> Path:
        return self.root / "jupyterhub_cookie_secret"

    @property
    def proxy_token(self) -> Path:
        return self.root / "proxy_auth_token"

    @property
    def codes(self) -> Path:
        return self.root / "codes.json"

    @property
    def plan(self) -> Path:
        return self.root / "plan.json"

    @property
    def log_dir(self) -> Path:
        return self.root / "logs"


def hub_state(create: bool = True) -> HubState:
    """The hub's folder (created 0700 with its secrets 0600 when `create`)."""
    state = HubState(data_home() / "hub")
    if create:
        state.root.mkdir(parents=True, exist_ok=True)
        os.chmod(state.root, 0o700)
        state.log_dir.mkdir(exist_ok=True)
        for secret, make in (
            (state.cookie_secret, lambda: secrets.token_hex(32)),
            (state.proxy_token, lambda: secrets.token_hex(32)),
        ):
            if not secret.exists():
                write_private(secret, make())
    return state


def write_private(path: Path, text: str) -> None:
    """Write a file only its owner can read, atomically (a crash leaves the old one)."""
    temporary = path.with_name(f".{path.name}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(text)
    os.chmod(temporary, 0o600)
    temporary.replace(path)
