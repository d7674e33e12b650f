"""ClientConfig: the immutable settings of one TrinoClient.

Validated on construction (``ConfigError`` with a one-line message); never mutated afterwards,
so it is safe to share between threads.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Callable, Mapping
from urllib.parse import urlsplit

from .errors import ConfigError

KNOWN_ENCODINGS = ("json+zstd", "json+lz4", "json")
NETWORK_LOGGING_LEVELS = ("NONE", "BASIC", "HEADERS", "BODY")


@dataclass(frozen=True)
class ClientConfig:
    """Connection, protocol and pipeline settings (see docs/architecture.md)."""

    server: str
    user: str
    password: str | None = None
    access_token: str | None = None
    verify: bool | str = True
    catalog: str | None = None
    schema: str | None = None
    session_properties: Mapping[str, str] = field(default_factory=dict)
    client_tags: tuple[str, ...] = ()
    source: str = "trino-tui"
    timezone: str | None = None
    extra_headers: Mapping[str, str] = field(default_factory=dict)
    request_timeout: float = 30.0
    retry_budget: float = 120.0
    heartbeat_interval: float = 30.0
    encoding: tuple[str, ...] = ("json+zstd", "json+lz4", "json")
    downloaders: int = 5
    decoders: int = 5
    max_out_of_order: int = 10
    network_logging: str = "NONE"
    network_log: Callable[[str], None] | None = None
    descriptor_queue: int = 1000  # units queued between fetcher and dispatcher
    decode_window: int = 2  # segments decoded ahead of the consumer (bounds decoded rows in memory)
    parallel_parses: int = 1  # JSON parses at once (each needs ~3x the segment JSON size transiently)
    # lazy_rows: segments are verified (downloaded, decompressed, sizes checked) but not parsed;
    # Batch.rows is None and Batch.row_count comes from rowsCount. For consumers that keep segment
    # bytes and parse only what they show (the TUI's row store); direct-protocol pages keep rows.
    lazy_rows: bool = False

    def __post_init__(self) -> None:
        parts = urlsplit(self.server)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ConfigError(f"Invalid server URL {self.server!r}: expected http://host:port or https://host:port")
        if not self.user:
            raise ConfigError("A user name is required")
        if self.password is not None and parts.scheme != "https":
            raise ConfigError("TLS/SSL is required for authentication with username and password")
        if self.password is not None and self.access_token is not None:
            raise ConfigError("Use either a password or an access token, not both")
        if self.schema and not self.catalog:
            raise ConfigError("Schema is set but catalog is not")
        if isinstance(self.verify, str) and not os.path.exists(self.verify):
            raise ConfigError(f"CA bundle {self.verify!r} does not exist")
        unknown = [e for e in self.encoding if e not in KNOWN_ENCODINGS]
        if unknown:
            raise ConfigError(f"Unknown encoding {unknown[0]!r} (available: {', '.join(KNOWN_ENCODINGS)})")
        level = str(self.network_logging).upper()
        if level not in NETWORK_LOGGING_LEVELS:
            raise ConfigError(f"Invalid network logging level {self.network_logging!r} (NONE, BASIC, HEADERS, BODY)")
        object.__setattr__(self, "network_logging", level)
        object.__setattr__(self, "encoding", tuple(self.encoding))
        object.__setattr__(self, "client_tags", tuple(self.client_tags))
        for name in ("downloaders", "decoders", "max_out_of_order", "descriptor_queue", "parallel_parses", "decode_window"):
            if int(getattr(self, name)) < 1:
                raise ConfigError(f"{name} must be at least 1")
        for name in ("request_timeout", "retry_budget", "heartbeat_interval"):
            if float(getattr(self, name)) < 0:
                raise ConfigError(f"{name} must not be negative")
        for key in self.extra_headers:
            if key.lower() == "authorization" and (self.password or self.access_token):
                raise ConfigError("extra_headers must not set Authorization together with password/access_token")

    @property
    def base_url(self) -> str:
        """Server URL without a trailing slash."""
        return self.server.rstrip("/")

    @property
    def spooling(self) -> bool:
        """True when a spooling encoding is requested (empty tuple = direct protocol)."""
        return bool(self.encoding)
