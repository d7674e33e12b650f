"""Builds the two httpx clients of a TrinoClient.

* Coordinator: auth (basic / bearer / a custom ``httpx.Auth``), extra headers, User-Agent
  ``trino-tui/<version>``, TLS verify + optional mTLS client certificate, ``http_proxy``.
* Storage: no auth, no X-Trino-* or extra headers, only ``Accept-Encoding: identity``;
  ``storage_verify`` (defaults to verify), ``storage_proxy``; never follows redirects itself.
  Requests to the coordinator's own origin (acks, proxied downloads) use the coordinator's TLS
  settings and proxy, still without its headers.

Environment proxies and .netrc are ignored (``trust_env=False``): credentials only go where
the config says. Both use the GuardedBackend (whole-request deadlines, abortable reads). SSL
contexts are built on the first https request (loading CA bundles is slow). Thread-safe.
"""

from __future__ import annotations

import os
import ssl
import threading
from typing import Callable
from urllib.parse import urlsplit

import httpx

from .. import __version__
from .config import ClientConfig
from .errors import ConfigError
from .netguard import guarded_transport

USER_AGENT = f"trino-tui/{__version__}"


class TlsContext:
    """One lazily built SSL context for a verify setting (+ optional client certificate)."""

    def __init__(self, verify: bool | str, cert: str | None = None, key: str | None = None,
                 key_password: str | None = None) -> None:
        self.verify = verify
        self.cert, self.key, self.key_password = cert, key, key_password
        self._ctx: ssl.SSLContext | None = None
        self._lock = threading.Lock()

    def get(self) -> ssl.SSLContext:
        with self._lock:
            if self._ctx is None:
                self._ctx = self._build()
            return self._ctx

    def _build(self) -> ssl.SSLContext:
        if isinstance(self.verify, str):  # a CA bundle file or directory
            where = {"capath": self.verify} if os.path.isdir(self.verify) else {"cafile": self.verify}
            try:
                ctx = ssl.create_default_context(**where)
            except (OSError, ssl.SSLError) as exc:
                raise ConfigError(f"Cannot load CA bundle {self.verify!r}: {exc}") from None
        else:
            ctx = httpx.create_ssl_context(verify=self.verify, trust_env=False)
        if self.cert:
            try:
                ctx.load_cert_chain(self.cert, self.key, self.key_password)
            except (OSError, ssl.SSLError) as exc:
                raise ConfigError(f"Cannot load client certificate {self.cert!r}: {exc}") from None
        return ctx


class _LazyTransport(httpx.BaseTransport):
    """Creates the wrapped transport on the first request (thread-safe)."""

    def __init__(self, factory: Callable[[], httpx.BaseTransport]) -> None:
        self._factory = factory
        self._inner: httpx.BaseTransport | None = None
        self._lock = threading.Lock()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        inner = self._inner
        if inner is None:
            with self._lock:
                if self._inner is None:
                    self._inner = self._factory()
                inner = self._inner
        return inner.handle_request(request)

    def close(self) -> None:
        if self._inner is not None:
            self._inner.close()


def _transports(tls: TlsContext, limits: httpx.Limits, proxy: str | None,
                ) -> tuple[httpx.BaseTransport, dict[str, httpx.BaseTransport]]:
    """Default transport (https, TLS built lazily) and a mount for plain http (no TLS context)."""
    https = _LazyTransport(lambda: guarded_transport(verify=tls.get(), limits=limits, proxy=proxy))
    plain = _LazyTransport(lambda: guarded_transport(verify=False, limits=limits, proxy=proxy))
    return https, {"http://": plain}


def _timeout(config: ClientConfig) -> httpx.Timeout:
    per_read = config.request_timeout or None
    connect = min(config.connect_timeout, per_read) if per_read else config.connect_timeout
    return httpx.Timeout(per_read, connect=connect or None)


def build_coordinator_client(config: ClientConfig, transport: httpx.BaseTransport | None = None) -> httpx.Client:
    """Authenticated client for the coordinator (redirects followed, at most 5)."""
    headers = {"User-Agent": USER_AGENT, **dict(config.extra_headers)}
    if config.access_token:
        headers["Authorization"] = f"Bearer {config.access_token}"
    auth: httpx.Auth | None = config.auth
    if config.password is not None:
        auth = httpx.BasicAuth(config.user, config.password)
    mounts = None
    if transport is None:
        tls = TlsContext(config.verify, config.client_cert, config.client_key, config.client_key_password)
        transport, mounts = _transports(tls, httpx.Limits(), config.http_proxy)
    return httpx.Client(
        headers=headers, auth=auth, timeout=_timeout(config), follow_redirects=True, max_redirects=5,
        transport=transport, mounts=mounts, trust_env=False,
    )


def _coordinator_mount(config: ClientConfig, limits: httpx.Limits) -> dict[str, httpx.BaseTransport]:
    """Coordinator-hosted segment URIs (every ackUri; downloads in the proxy and redirect modes) are
    the coordinator: they get its TLS trust, client certificate and proxy — but still no
    Authorization or X-Trino-* headers, which live on the coordinator client only."""
    parts = urlsplit(config.base_url)
    if parts.scheme != "https":
        return {}
    tls = TlsContext(config.verify, config.client_cert, config.client_key, config.client_key_password)
    host = f"[{parts.hostname}]" if ":" in (parts.hostname or "") else parts.hostname
    origin = f"https://{host}" + (f":{parts.port}" if parts.port and parts.port != 443 else "")  # httpx drops :443
    return {origin: _LazyTransport(lambda: guarded_transport(verify=tls.get(), limits=limits, proxy=config.http_proxy))}


def build_storage_client(config: ClientConfig, transport: httpx.BaseTransport | None = None) -> httpx.Client:
    """Unauthenticated pooled client for segment downloads and acks."""
    pool = max(10, config.downloaders + 2)
    limits = httpx.Limits(max_connections=pool, max_keepalive_connections=pool)
    mounts = None
    if transport is None:
        transport, mounts = _transports(TlsContext(config.storage_tls_verify), limits, config.storage_proxy)
        mounts.update(_coordinator_mount(config, limits))
    client = httpx.Client(timeout=_timeout(config), follow_redirects=False, transport=transport, mounts=mounts,
                          trust_env=False)
    for name in ("User-Agent", "Accept"):
        del client.headers[name]
    client.headers["Accept-Encoding"] = "identity"
    return client
