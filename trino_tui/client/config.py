"""ClientConfig: the immutable settings of one TrinoClient.

Validated on construction (``ConfigError`` with a one-line message); never mutated afterwards,
so it is safe to share between threads. Credentials in the server URL (``https://bob:pw@host``)
are moved into ``user``/``password`` and stripped from ``server`` (so no message prints them);
a password or access token over plain http is refused.
"""

from __future__ import annotations

import math
import os
from dataclasses import field
from typing import TYPE_CHECKING, Callable, Mapping
from urllib.parse import unquote, urlsplit, urlunsplit

from trino_tui.records import record
from .errors import ConfigError

if TYPE_CHECKING:
    import httpx

KNOWN_ENCODINGS = ("json+zstd", "json+lz4", "json")
NETWORK_LOGGING_LEVELS = ("NONE", "BASIC", "HEADERS", "BODY")
DECODE_MODES = ("eager", "deferred")
MiB = 1 << 20


def _strip_userinfo(server: str) -> tuple[str, str | None, str | None]:
    """(server without userinfo, user, password) -- user/password None when absent."""
    try:
        parts = urlsplit(server)
        parts.port  # noqa: B018 - validates the port
    except ValueError as exc:
        raise ConfigError(f"Invalid server URL: {exc}") from None
    if "@" not in parts.netloc:
        return server, None, None
    userinfo, host = parts.netloc.rsplit("@", 1)
    user, sep, password = userinfo.partition(":")
    clean = urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))
    return clean, unquote(user) or None, unquote(password) if sep else None


@record
class ClientConfig:
    """Connection, protocol and pipeline settings (see docs/architecture.md)."""

    server: str
    user: str = ""
    password: str | None = field(default=None, repr=False)
    access_token: str | None = field(default=None, repr=False)
    verify: bool | str = True
    catalog: str | None = None
    schema: str | None = None
    session_properties: Mapping[str, str] = field(default_factory=dict, repr=False)  # may hold secrets
    client_tags: tuple[str, ...] = ()
    source: str = "trino-tui"
    timezone: str | None = None
    extra_headers: Mapping[str, str] = field(default_factory=dict, repr=False)  # may hold credentials
    request_timeout: float = 30.0  # whole-request deadline of one HTTP request (all its reads)
    retry_budget: float = 120.0  # total time one request may spend retrying
    connect_timeout: float = 5.0  # failing fast on an unreachable server
    heartbeat_interval: float = 30.0
    encoding: tuple[str, ...] = ("json+zstd", "json+lz4", "json")
    downloaders: int = 5
    decoders: int = 5
    max_out_of_order: int = 10
    # in-flight window in bytes as well as segments: segments whose declared uncompressed sizes
    # add up to this may be in flight at once (one bigger segment still goes alone)
    max_in_flight_bytes: int = 128 * MiB
    network_logging: str = "NONE"
    network_log: Callable[[str], None] | None = None
    descriptor_queue: int = 1000  # units queued between fetcher and dispatcher
    # segments decoded ahead of the consumer (bounds decoded rows in memory): 1 = the next one only;
    # 2 measured the same rows/s and ~30 MB more peak RSS (benchmarks/export_memory.py, issue 15)
    decode_window: int = 1
    parallel_parses: int = 1  # JSON parses at once (each needs ~3x the segment JSON size transiently)
    # decode: "eager" -- decoder threads parse rows; "deferred" -- the pipeline only checks sizes
    # (no decompression) and Batch.wire_rows() decodes on demand (consumers that keep segment bytes).
    decode: str = "eager"
    max_response_bytes: int = 64 * MiB  # cap on one coordinator response body
    max_uncompressed_bytes: int = 512 * MiB  # cap on a segment's declared uncompressedSize
    # transport hooks (coordinator only unless named storage_*)
    auth: "httpx.Auth | None" = None  # custom auth flow (OAuth2, Kerberos, ...)
    client_cert: str | None = None  # mTLS certificate (PEM path)
    client_key: str | None = None
    client_key_password: str | None = field(default=None, repr=False)
    storage_verify: bool | str | None = None  # None = same as verify
    http_proxy: str | None = None  # coordinator proxy (explicit; environment proxies are ignored)
    storage_proxy: str | None = None  # segment storage proxy (explicit)
    client_info: str | None = None
    trace_token: str | None = None
    roles: Mapping[str, str] = field(default_factory=dict)  # catalog -> role (X-Trino-Role)
    trace: Callable[[dict], None] | None = None  # called with a redacted record per HTTP exchange

    def __post_init__(self) -> None:
        server, url_user, url_password = _strip_userinfo(str(self.server))
        object.__setattr__(self, "server", server)
        if url_user is not None and not self.user:
            object.__setattr__(self, "user", url_user)
        if url_password is not None:
            if self.password is not None and self.password != url_password:
                raise ConfigError("The server URL carries a password and a different password was given")
            object.__setattr__(self, "password", url_password)
        parts = urlsplit(self.server)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ConfigError(f"Invalid server URL {self.server!r}: expected http://host:port or https://host:port")
        if not self.user:
            raise ConfigError("A user name is required")
        if self.password is not None and parts.scheme != "https":
            raise ConfigError("TLS/SSL is required for authentication with username and password")
        if self.access_token is not None and parts.scheme != "https":
            raise ConfigError("TLS/SSL is required for authentication with an access token")
        if self.password is not None and self.access_token is not None:
            raise ConfigError("Use either a password or an access token, not both")
        if self.auth is not None and (self.password is not None or self.access_token is not None):
            raise ConfigError("Use either a custom auth flow or a password/access token, not both")
        if self.schema and not self.catalog:
            raise ConfigError("Schema is set but catalog is not")
        for name in ("verify", "storage_verify"):
            value = getattr(self, name)
            if isinstance(value, str) and not os.path.exists(value):
                raise ConfigError(f"CA bundle {value!r} does not exist")
        for name in ("client_cert", "client_key"):
            value = getattr(self, name)
            if value is not None and not os.path.exists(value):
                raise ConfigError(f"{name.replace('_', ' ')} file {value!r} does not exist")
        if self.client_key is not None and self.client_cert is None:
            raise ConfigError("client_key requires client_cert")
        unknown = [e for e in self.encoding if e not in KNOWN_ENCODINGS]
        if unknown:
            raise ConfigError(f"Unknown encoding {unknown[0]!r} (available: {', '.join(KNOWN_ENCODINGS)})")
        level = str(self.network_logging).upper()
        if level not in NETWORK_LOGGING_LEVELS:
            raise ConfigError(f"Invalid network logging level {self.network_logging!r} (NONE, BASIC, HEADERS, BODY)")
        if self.decode not in DECODE_MODES:
            raise ConfigError(f"Invalid decode mode {self.decode!r} (eager, deferred)")
        for name in ("http_proxy", "storage_proxy"):
            value = getattr(self, name)
            if value is not None and urlsplit(value).scheme not in ("http", "https", "socks5", "socks5h"):
                raise ConfigError(f"Invalid {name} {value!r}: expected http://host:port")
        object.__setattr__(self, "network_logging", level)
        object.__setattr__(self, "encoding", tuple(self.encoding))
        object.__setattr__(self, "client_tags", tuple(self.client_tags))
        for name in ("downloaders", "decoders", "max_out_of_order", "descriptor_queue", "parallel_parses",
                     "decode_window", "max_response_bytes", "max_uncompressed_bytes", "max_in_flight_bytes"):
            if int(getattr(self, name)) < 1:
                raise ConfigError(f"{name} must be at least 1")
        for name in ("request_timeout", "retry_budget", "heartbeat_interval", "connect_timeout"):
            value = float(getattr(self, name))
            if value < 0 or not math.isfinite(value):
                raise ConfigError(f"{name} must be a finite number of seconds, not {getattr(self, name)!r}")
        for key in self.extra_headers:
            if key.lower() == "authorization" and (self.password or self.access_token or self.auth):
                raise ConfigError("extra_headers must not set Authorization together with password/access_token/auth")
        header_values = [("user", self.user), ("source", self.source), ("catalog", self.catalog),
                         ("schema", self.schema), ("timezone", self.timezone), ("client_info", self.client_info),
                         ("trace_token", self.trace_token), *self.extra_headers.items()]
        for key, value in header_values:
            if value is not None and any(c in str(value) for c in "\r\n"):
                raise ConfigError(f"{key} must not contain line breaks")
        header_values += [("client_tags", ",".join(self.client_tags)),
                          *(("session property name", name) for name in self.session_properties)]
        for key, value in header_values:  # httpx sends header values as ASCII; controls would corrupt them
            if value is not None and not all(" " <= c <= "~" or c == "\t" for c in str(value)):
                raise ConfigError(f"{key} must be printable ASCII (it is sent in an HTTP header)")

    @property
    def base_url(self) -> str:
        """Server URL without a trailing slash (never carries credentials)."""
        return self.server.rstrip("/")

    @property
    def spooling(self) -> bool:
        """True when a spooling encoding is requested (empty tuple = direct protocol)."""
        return bool(self.encoding)

    @property
    def storage_tls_verify(self) -> bool | str:
        """TLS verification for segment storage (defaults to ``verify``)."""
        return self.verify if self.storage_verify is None else self.storage_verify
