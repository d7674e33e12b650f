"""``ConnectionContext``: what the context line shows — server host, user, catalog.schema, the
session properties in force and the protocol of the last query (spooling encoding or direct).

``context_from`` reads any config/session-like objects by attribute (the client's ``ClientConfig``
and ``ClientSession``), so the current catalog/schema follow USE and X-Trino-Set-Catalog/Schema
as the client applies them. Immutable; pure.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

__all__ = ["ConnectionContext", "context_from"]


@dataclass(frozen=True)
class ConnectionContext:
    server: str = ""
    user: str = ""
    catalog: str | None = None
    schema: str | None = None
    properties: tuple[tuple[str, str], ...] = ()
    protocol: str = ""   # "spooled json+zstd" | "direct" | "" (no query yet)
    profile: str | None = None  # the connection profile in force ([profiles.NAME]), if any

    @property
    def host(self) -> str:
        try:
            parts = urlsplit(self.server)
            return parts.netloc.rsplit("@", 1)[-1] or self.server
        except ValueError:
            return self.server

    @property
    def location(self) -> str:
        if not self.catalog:
            return "(no catalog)"
        return f"{self.catalog}.{self.schema}" if self.schema else f"{self.catalog}.(no schema)"

    def parts(self) -> list[tuple[str, str]]:
        """(label, value) pairs in display order."""
        out = [("profile", self.profile)] if self.profile else []
        out += [("server", self.host or "(not connected)"), ("user", self.user), ("in", self.location)]
        if self.properties:
            out.append(("session", ", ".join(f"{k}={v}" for k, v in self.properties)))
        if self.protocol:
            out.append(("protocol", self.protocol))
        return out

    def text(self) -> str:
        return "  ".join(f"{label} {value}" for label, value in self.parts())


def context_from(config: Any, session: Any | None = None, *, encoding: str | None = None,
                 ran: bool = False, profile: str | None = None) -> ConnectionContext:
    """The context from ``config`` (server/user/catalog/schema/session_properties), overridden by
    the live ``session`` when given; ``encoding`` of the last query (``ran``: a query has run)."""
    src = session if session is not None else config
    props = getattr(src, "properties", None)
    if props is None:
        props = getattr(config, "session_properties", None) or {}
    protocol = (f"spooled {encoding}" if encoding else "direct") if ran else ""
    return ConnectionContext(
        server=str(getattr(config, "server", "") or ""),
        user=str(getattr(src, "user", None) or getattr(config, "user", "") or ""),
        catalog=getattr(src, "catalog", None),
        schema=getattr(src, "schema", None),
        properties=tuple(sorted((str(k), str(v)) for k, v in dict(props).items())),
        protocol=protocol,
        profile=profile,
    )
