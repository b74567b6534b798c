"""One-time codes for a learner's first login, for a unit without internet or e-mail.

`hocso hub codes` prints one code per account that has none (the instructor hands out the slips);
only a hash is kept. At the first login the learner types the code as the password and chooses a
password of their own on the same form; from then on the code is spent and only that password works.
An instructor resets a forgotten password with `hocso hub codes --reset ID` (a new code, old password gone).
"""

from __future__ import annotations

import asyncio
import fcntl
import hashlib
import hmac
import json
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jupyterhub.auth import Authenticator
from traitlets import Unicode

from hocso.hub.state import write_private

#: no 0/O, 1/I/L: read aloud or copied from a slip of paper without mistakes
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
MIN_PASSWORD = 8


def new_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(8))
    return f"{raw[:4]}-{raw[4:]}"


def _normal_code(text: str) -> str:
    return "".join(ch for ch in text.upper() if ch.isalnum())


_THREADS = threading.Lock()


def _hash(secret: str, salt: bytes) -> str:
    return hashlib.scrypt(secret.encode("utf-8"), salt=salt, n=2**14, r=8, p=1).hex()


@dataclass
class CodeStore:
    """Hashes of codes and passwords in one 0600 JSON file: {account: {salt, code, password}}."""

    path: Path

    @contextmanager
    def _locked(self) -> Iterator[None]:
        """One change at a time: logins run on the hub's threads, `hocso hub codes` in another process."""
        with _THREADS, open(self.path.with_name(f".{self.path.name}.lock"), "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _read(self) -> dict[str, dict[str, str]]:
        try:
            return json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}

    def _write(self, entries: dict[str, dict[str, str]]) -> None:
        write_private(self.path, json.dumps(entries, indent=1))

    def issue(self, accounts: list[str], reset: bool = False) -> dict[str, str]:
        """New codes for accounts without one (or, with `reset`, for these accounts): account -> code."""
        with self._locked():
            return self._issue(accounts, reset)

    def _issue(self, accounts: list[str], reset: bool) -> dict[str, str]:
        entries = self._read()
        issued: dict[str, str] = {}
        for account in accounts:
            if account in entries and not reset:
                continue
            code = new_code()
            salt = secrets.token_bytes(16)
            entries[account] = {"salt": salt.hex(), "code": _hash(_normal_code(code), salt), "password": ""}
            issued[account] = code
        self._write(entries)
        return issued

    def status(self, account: str) -> str:
        entry = self._read().get(account)
        if entry is None:
            return "none"
        return "password" if entry["password"] else "code"

    def check(self, account: str, secret: str, new_password: str = "") -> bool:
        """True for the account's password, or for its unspent code with a new password to keep."""
        with self._locked():
            return self._check(account, secret, new_password)

    def _check(self, account: str, secret: str, new_password: str) -> bool:
        entries = self._read()
        entry = entries.get(account)
        if entry is None or not secret:
            return False
        salt = bytes.fromhex(entry["salt"])
        if entry["password"]:
            return hmac.compare_digest(entry["password"], _hash(secret, salt))
        if entry["code"] and hmac.compare_digest(entry["code"], _hash(_normal_code(secret), salt)):
            if len(new_password) < MIN_PASSWORD:
                return False
            entry["password"] = _hash(new_password, salt)
            entry["code"] = ""  # spent
            self._write(entries)
            return True
        return False


class OneTimeCodeAuthenticator(Authenticator):
    """JupyterHub login by one-time code (first login) and then the learner's own password."""

    codes_file = Unicode(help="the CodeStore file (hocso.hub.state.HubState.codes)").tag(config=True)

    async def authenticate(self, handler: Any, data: dict[str, str]) -> str | None:
        name = self.normalize_username(str(data.get("username", "")).strip())
        store = CodeStore(Path(self.codes_file))
        ok = await asyncio.to_thread(
            store.check, name, str(data.get("password", "")), str(data.get("new_password", ""))
        )
        return name if ok else None
