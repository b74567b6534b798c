"""The Ed25519 keys a course signs with (certificates, results bundles): made on first use, kept private.

Keys live under the runtime home (`HOCSO_HOME`, never the repository): the folder is 0700 and each
private key file 0600, written once with O_EXCL so two processes never make two keys. The public
half is what another machine needs to check a signature; its fingerprint names the signer briefly.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from hocso.config import data_home
from hocso.errors import HocsoError


def key_path(name: str) -> Path:
    """Where the private key `name` lives (e.g. "hocso-101-certificates")."""
    return data_home() / "keys" / f"{name}.ed25519.pem"


def private_key(name: str) -> Ed25519PrivateKey:
    """The private key `name`, made on first use (folder 0700, file 0600)."""
    path = key_path(name)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        os.chmod(path.parent, 0o700)
        key = Ed25519PrivateKey.generate()
        pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it a moment ago: use theirs
            return private_key(name)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(pem)
        return key
    loaded = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(loaded, Ed25519PrivateKey):
        raise HocsoError(f"{path} is not an Ed25519 private key; move it away to make a new one")
    return loaded


def public_pem(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    """The public half as PEM text, to hand to whoever verifies."""
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


def load_public_key(pem: str | bytes, source: str = "the public key") -> Ed25519PublicKey:
    """A public key from PEM text; HocsoError naming `source` when it is not an Ed25519 public key."""
    try:
        key = serialization.load_pem_public_key(pem.encode() if isinstance(pem, str) else pem)
    except ValueError as error:
        raise HocsoError(f"{source} is not a PEM public key ({error})") from None
    if not isinstance(key, Ed25519PublicKey):
        raise HocsoError(f"{source} is not an Ed25519 public key")
    return key


def fingerprint(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    """16 hex digits of SHA-256 over the raw public key: a short, stable name for the signer."""
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]
