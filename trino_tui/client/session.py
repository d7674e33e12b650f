"""ClientSession: the mutable session state of a TrinoClient.

Seeded from ClientConfig; ``statement_headers()`` renders the X-Trino-* request headers and
``apply_response_headers()`` applies X-Trino-Set-*/Clear-* response headers so that ``USE``,
``SET SESSION``, ``PREPARE``, ``START TRANSACTION`` etc. persist for later statements.
Thread-safe (one lock); readers get copies.
"""

from __future__ import annotations

import threading
from dataclasses import field
from typing import Iterable
from urllib.parse import quote_plus, unquote_plus

from trino_tui.records import record
from . import protocol as P
from .config import ClientConfig


def _local_zone() -> str:
    """Best-effort IANA name of the local time zone (fallback UTC)."""
    import os

    tz = os.environ.get("TZ")
    if tz and "/" in tz or tz == "UTC":
        return tz.lstrip(":")
    try:
        link = os.path.realpath("/etc/localtime")
        if "zoneinfo/" in link:
            return link.split("zoneinfo/", 1)[1]
    except OSError:
        pass
    return "UTC"


def role_value(role: str) -> str:
    """X-Trino-Role value for a role name: ALL / NONE as they are, anything else ROLE{name}."""
    if role.upper() in ("ALL", "NONE"):
        return role.upper()
    return role if role.startswith("ROLE{") and role.endswith("}") else f"ROLE{{{role}}}"


@record(frozen=False)
class ClientSession:
    """Session state sent with every statement (guarded by ``_lock``)."""

    user: str
    source: str = "trino-tui"
    catalog: str | None = None
    schema: str | None = None
    path: str | None = None
    timezone: str = "UTC"
    client_tags: tuple[str, ...] = ()
    properties: dict[str, str] = field(default_factory=dict, repr=False)  # may hold secrets
    roles: dict[str, str] = field(default_factory=dict)
    prepared: dict[str, str] = field(default_factory=dict)
    transaction_id: str | None = None
    authorization_user: str | None = None
    encoding: tuple[str, ...] = ()
    client_info: str | None = None
    trace_token: str | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    @classmethod
    def from_config(cls, config: ClientConfig) -> "ClientSession":
        return cls(
            user=config.user,
            source=config.source,
            catalog=config.catalog,
            schema=config.schema,
            timezone=config.timezone or _local_zone(),
            client_tags=tuple(config.client_tags),
            properties=dict(config.session_properties),
            roles={catalog: role_value(role) for catalog, role in config.roles.items()},
            encoding=tuple(config.encoding),
            client_info=config.client_info,
            trace_token=config.trace_token,
        )

    def statement_headers(self) -> list[tuple[str, str]]:
        """X-Trino-* headers for a POST /v1/statement."""
        with self._lock:
            h: list[tuple[str, str]] = []
            if self.authorization_user:
                h.append((P.USER, self.authorization_user))
                h.append((P.ORIGINAL_USER, self.user))
            else:
                h.append((P.USER, self.user))
            h.append((P.SOURCE, self.source))
            if self.catalog:
                h.append((P.CATALOG, self.catalog))
            if self.schema:
                h.append((P.SCHEMA, self.schema))
            if self.path:
                h.append((P.PATH, self.path))
            h.append((P.TIME_ZONE, self.timezone))
            if self.client_tags:
                h.append((P.CLIENT_TAGS, ",".join(self.client_tags)))
            if self.client_info:
                h.append((P.CLIENT_INFO, self.client_info))
            if self.trace_token:
                h.append((P.TRACE_TOKEN, self.trace_token))
            h.append((P.CLIENT_CAPABILITIES, P.CAPABILITIES))
            h.append((P.TRANSACTION_ID, self.transaction_id or "NONE"))
            for k, v in self.properties.items():
                h.append((P.SESSION, f"{k}={quote_plus(v)}"))
            for k, v in self.roles.items():
                h.append((P.ROLE, f"{k}={quote_plus(v)}"))
            for k, v in self.prepared.items():
                h.append((P.PREPARED_STATEMENT, f"{quote_plus(k)}={quote_plus(v)}"))
            if self.encoding:
                h.append((P.QUERY_DATA_ENCODING, ",".join(self.encoding)))
            return h

    def apply_response_headers(self, headers: Iterable[tuple[str, str]]) -> None:
        """Apply X-Trino-Set-*/Clear-*/Added-*/... response headers."""
        items = [(k.lower(), v) for k, v in headers]
        with self._lock:
            for name, value in items:
                self._apply_one(name, value)

    def _apply_one(self, name: str, value: str) -> None:
        if name == P.SET_CATALOG.lower():
            self.catalog = value
        elif name == P.SET_SCHEMA.lower():
            self.schema = value
        elif name == P.SET_PATH.lower():
            self.path = value
        elif name == P.SET_SESSION.lower():
            key, _, val = value.partition("=")
            self.properties[key.strip()] = unquote_plus(val)
        elif name == P.CLEAR_SESSION.lower():
            self.properties.pop(value.strip(), None)
        elif name == P.SET_ROLE.lower():
            key, _, val = value.partition("=")
            self.roles[key.strip()] = unquote_plus(val)
        elif name == P.ADDED_PREPARE.lower():
            key, _, val = value.partition("=")
            self.prepared[unquote_plus(key)] = unquote_plus(val)
        elif name == P.DEALLOCATED_PREPARE.lower():
            self.prepared.pop(unquote_plus(value), None)
        elif name == P.STARTED_TRANSACTION_ID.lower():
            self.transaction_id = value
        elif name == P.CLEAR_TRANSACTION_ID.lower():
            self.transaction_id = None
        elif name == P.SET_AUTHORIZATION_USER.lower():
            self.authorization_user = value
        elif name == P.RESET_AUTHORIZATION_USER.lower():
            self.authorization_user = None
