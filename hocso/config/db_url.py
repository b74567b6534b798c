"""The gradebook's database address, `[grading] db_url` in course.toml: its shape, checked at load.

Two databases are supported, the two nbgrader's gradebook is tested on: SQLite (the default, a
file in the course's runtime folder) and PostgreSQL through psycopg 3 (`postgresql+psycopg://`).
`postgresql://` means the same server; it is written with the driver because SQLAlchemy's default
PostgreSQL driver (psycopg2) is not installed. A PostgreSQL address without a database uses one
named after the course (`hocso.config.gradebook`), so two courses on one server never share one.
"""

from __future__ import annotations

from typing import Literal
from urllib.parse import urlsplit, urlunsplit

DatabaseKind = Literal["sqlite", "postgresql"]
POSTGRESQL_SCHEME = "postgresql+psycopg"
POSTGRESQL_ALIASES = frozenset({"postgresql", "postgres", POSTGRESQL_SCHEME})
EXAMPLES = "sqlite:////srv/hocso/gradebook.db or postgresql+psycopg://USER@HOST:5432/DATABASE"

__all__ = ["EXAMPLES", "POSTGRESQL_SCHEME", "DatabaseKind", "checked_db_url", "database_kind", "redacted"]


def checked_db_url(url: str) -> str:
    """`url` as the gradebook's SQLAlchemy URL; ValueError saying what is wrong (never its password)."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme == "sqlite":
        if not url.startswith("sqlite:////"):
            raise ValueError(f"a SQLite gradebook needs an absolute path, e.g. {EXAMPLES.split(' or ')[0]}")
        return url
    if scheme not in POSTGRESQL_ALIASES:
        raise ValueError(f"{scheme or 'no'} database scheme is not supported; use {EXAMPLES}")
    try:
        parts.port  # noqa: B018 - urllib checks the port only when it is read
    except ValueError:
        raise ValueError(f"{redacted(url)} has no valid port; e.g. {EXAMPLES.split(' or ')[1]}") from None
    if not parts.hostname:
        raise ValueError(f"{redacted(url)} names no server; e.g. {EXAMPLES.split(' or ')[1]}")
    if "/" in parts.path.strip("/"):
        raise ValueError(f"{redacted(url)}: a database name cannot contain '/'")
    return urlunsplit((POSTGRESQL_SCHEME, parts.netloc, parts.path, parts.query, ""))


def database_kind(url: str) -> DatabaseKind:
    return "sqlite" if url.startswith("sqlite:") else "postgresql"


def redacted(url: str) -> str:
    """`url` with any password replaced by `***`, for messages and logs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    user = parts.username or ""
    host = parts.netloc.rsplit("@", 1)[1]
    return urlunsplit((parts.scheme, f"{user}:***@{host}", parts.path, parts.query, parts.fragment))
