"""HTTP transport: the authenticated coordinator client and the unauthenticated storage client.

* Coordinator client: basic auth / bearer token / extra headers, TLS settings; statement POST,
  nextUri GET (safe to re-GET), DELETE (cancel), HEAD (heartbeat).
* Storage client: ONE pooled client shared by all downloaders; no auth, no X-Trino-* or extra
  headers; sends exactly the segment headers plus ``Accept-Encoding: identity``; follows
  redirects itself (re-sending the segment headers, recording hops).
* Retries: 429 (Retry-After), 502/503/504 and connection errors with exponential back-off,
  bounded by ``retry_budget`` seconds per request; waits are cancellable (threading.Event).
* Network logging through httpx event hooks, redacted (see redact.py).

Thread-safety: httpx.Client is thread-safe; Transport holds no per-request state.
"""

from __future__ import annotations

import os
import ssl
import threading
import time
from dataclasses import dataclass
from typing import Callable, Iterable
from urllib.parse import urljoin, urlsplit

import httpx

from .config import ClientConfig
from .errors import AuthenticationError, ConfigError, HttpError, QueryCancelled, TrinoConnectionError
from .protocol import QueryResults, parse_query_results
from .redact import redact_headers, redact_text, redact_url

RETRYABLE_STATUS = frozenset({429, 502, 503, 504})
REDIRECT_STATUS = frozenset({301, 302, 303, 307, 308})
MAX_REDIRECTS = 5
MAX_BODY_LOG = 4000

RetryCallback = Callable[[str], None]


def host_of(url: str) -> str:
    """host[:port] of a URL ("" if unparsable)."""
    try:
        return urlsplit(url).netloc.rsplit("@", 1)[-1]
    except ValueError:
        return ""


def _detached_content(resp: httpx.Response) -> bytes:
    """The body, with the Response <-> stream reference cycle broken.

    httpx's BoundSyncStream points back at its Response; left alone, every response (and its
    body, up to a whole segment) is freed only by the cyclic GC, which the decoders keep frozen
    during bulk parsing."""
    content = resp.content
    resp.close()
    resp.stream = httpx.ByteStream(b"")
    return content


def _body_line(resp: httpx.Response) -> str:
    try:
        text = resp.text
    except Exception:  # noqa: BLE001 - decoding a diagnostic only
        text = ""
    line = " ".join(text.split())[:200]
    return line or (resp.reason_phrase or "")


@dataclass
class RetryPolicy:
    """Back-off schedule bounded by a time budget (real monotonic time)."""

    budget: float
    base_delay: float = 0.05
    max_delay: float = 2.0

    def delay(self, attempt: int, retry_after: str | None = None) -> float:
        if retry_after:
            try:
                return max(0.0, min(float(retry_after), 30.0))
            except ValueError:
                pass
        return min(self.max_delay, self.base_delay * (2 ** attempt))


class _Retrier:
    """State of one retried request: attempts, deadline, cancellable waits."""

    def __init__(self, policy: RetryPolicy, cancel: threading.Event | None, on_retry: RetryCallback | None):
        self.policy = policy
        self.deadline = time.monotonic() + policy.budget
        self.attempt = 0
        self.cancel = cancel or threading.Event()
        self.on_retry = on_retry

    def wait(self, reason: str, retry_after: str | None = None) -> bool:
        """Sleep before the next attempt; False when the budget is spent."""
        delay = self.policy.delay(self.attempt, retry_after)
        if time.monotonic() + delay > self.deadline:
            return False
        self.attempt += 1
        if self.on_retry:
            self.on_retry(reason)
        if self.cancel.wait(delay):
            raise QueryCancelled("Query was cancelled")
        return True


class NetworkLogger:
    """httpx event hooks writing redacted lines to ``config.network_log``."""

    def __init__(self, level: str, sink: Callable[[str], None], label: str) -> None:
        self.level = level
        self.sink = sink
        self.label = label

    def _emit(self, line: str) -> None:
        try:
            self.sink(line)
        except Exception:  # noqa: BLE001 - a broken log sink must not break queries
            pass

    def on_request(self, request: httpx.Request) -> None:
        request.extensions["trino_tui_t0"] = time.monotonic()
        self._emit(f"[{self.label}] --> {request.method} {redact_url(str(request.url))}")
        if self.level in ("HEADERS", "BODY"):
            for k, v in redact_headers(request.headers.multi_items()):
                self._emit(f"[{self.label}]     {k}: {v}")
        if self.level == "BODY" and request.content:
            self._emit(f"[{self.label}]     body: {redact_text(request.content[:MAX_BODY_LOG].decode('utf-8', 'replace'))}")

    def on_response(self, response: httpx.Response) -> None:
        req = response.request
        t0 = req.extensions.get("trino_tui_t0")
        ms = f" ({(time.monotonic() - t0) * 1000:.0f} ms)" if t0 else ""
        self._emit(f"[{self.label}] <-- {response.status_code} {req.method} {redact_url(str(req.url))}{ms}")
        if self.level in ("HEADERS", "BODY"):
            for k, v in redact_headers(response.headers.multi_items()):
                self._emit(f"[{self.label}]     {k}: {v}")
        if self.level == "BODY":
            response.read()
            ctype = response.headers.get("content-type", "")
            if "json" in ctype or ctype.startswith("text"):
                text = response.content[:MAX_BODY_LOG].decode("utf-8", "replace")
                self._emit(f"[{self.label}]     body: {redact_text(text)}")
            else:
                self._emit(f"[{self.label}]     body: <{len(response.content)} bytes>")


def _hooks(config: ClientConfig, label: str) -> dict[str, list]:
    if config.network_logging == "NONE" or config.network_log is None:
        return {}
    log = NetworkLogger(config.network_logging, config.network_log, label)
    return {"request": [log.on_request], "response": [log.on_response]}


class TlsContext:
    """One SSL context per TrinoClient, built on first https use (loading CA bundles is slow)."""

    def __init__(self, verify: bool | str) -> None:
        self.verify = verify
        self._ctx: ssl.SSLContext | None = None
        self._lock = threading.Lock()

    def get(self) -> ssl.SSLContext:
        with self._lock:
            if self._ctx is None:
                if isinstance(self.verify, str):  # a CA bundle file or directory
                    where = {"capath": self.verify} if os.path.isdir(self.verify) else {"cafile": self.verify}
                    try:
                        self._ctx = ssl.create_default_context(**where)
                    except (OSError, ssl.SSLError) as exc:
                        raise ConfigError(f"Cannot load CA bundle {self.verify!r}: {exc}") from None
                else:
                    self._ctx = httpx.create_ssl_context(verify=self.verify, trust_env=False)
            return self._ctx


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


def _transports(tls: TlsContext, limits: httpx.Limits) -> tuple[httpx.BaseTransport, dict[str, httpx.BaseTransport]]:
    """Default transport (https, TLS built lazily) and a mount for plain http (no TLS context)."""
    https = _LazyTransport(lambda: httpx.HTTPTransport(verify=tls.get(), limits=limits))
    return https, {"http://": httpx.HTTPTransport(verify=False, limits=limits)}


def build_coordinator_client(
    config: ClientConfig, transport: httpx.BaseTransport | None = None, tls: TlsContext | None = None,
) -> httpx.Client:
    """Authenticated client for the coordinator."""
    headers = dict(config.extra_headers)
    if config.access_token:
        headers["Authorization"] = f"Bearer {config.access_token}"
    auth = httpx.BasicAuth(config.user, config.password) if config.password is not None else None
    mounts = None
    if transport is None:
        transport, mounts = _transports(tls or TlsContext(config.verify), httpx.Limits())
    return httpx.Client(
        headers=headers, auth=auth, timeout=config.request_timeout, follow_redirects=True,
        event_hooks=_hooks(config, "coordinator"), transport=transport, mounts=mounts,
    )


def build_storage_client(
    config: ClientConfig, transport: httpx.BaseTransport | None = None, tls: TlsContext | None = None,
) -> httpx.Client:
    """Unauthenticated pooled client for segment downloads and acks."""
    pool = max(10, config.downloaders + 2)
    limits = httpx.Limits(max_connections=pool, max_keepalive_connections=pool)
    mounts = None
    if transport is None:
        transport, mounts = _transports(tls or TlsContext(config.verify), limits)
    client = httpx.Client(
        timeout=config.request_timeout, follow_redirects=False, transport=transport, mounts=mounts,
        event_hooks=_hooks(config, "storage"), trust_env=False,
    )
    for name in ("User-Agent", "Accept"):
        del client.headers[name]
    client.headers["Accept-Encoding"] = "identity"
    return client


class Transport:
    """All HTTP traffic of one TrinoClient (thread-safe)."""

    def __init__(
        self,
        config: ClientConfig,
        *,
        coordinator_transport: httpx.BaseTransport | None = None,
        storage_transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.config = config
        self.policy = RetryPolicy(budget=config.retry_budget)
        tls = TlsContext(config.verify)
        self.coordinator = build_coordinator_client(config, coordinator_transport, tls)
        self.storage = build_storage_client(config, storage_transport, tls)

    # --- coordinator -------------------------------------------------------------------

    def _coordinator_send(
        self, method: str, url: str, *, content: bytes | None = None, headers: Iterable[tuple[str, str]] = (),
        cancel: threading.Event | None = None, on_retry: RetryCallback | None = None, idempotent: bool = True,
    ) -> httpx.Response:
        retrier = _Retrier(self.policy, cancel, on_retry)
        headers = list(headers)
        while True:
            try:
                resp = self.coordinator.request(method, url, content=content, headers=headers)
            except httpx.TransportError as exc:
                retryable = idempotent or isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout))
                reason = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
                if retryable and retrier.wait(reason):
                    continue
                raise TrinoConnectionError(f"Cannot reach {host_of(url)}: {reason}") from None
            status = resp.status_code
            if status in RETRYABLE_STATUS:
                if retrier.wait(f"HTTP {status}", resp.headers.get("Retry-After")):
                    continue
                raise HttpError(status, f"HTTP {status} from {host_of(url)} ({_body_line(resp)}); retries exhausted")
            if status == 401:
                raise AuthenticationError(
                    f"Authentication failed: the server at {host_of(url)} answered 401 Unauthorized for user "
                    f"{self.config.user!r}; check the password or access token"
                )
            return resp

    def _results(self, resp: httpx.Response, what: str) -> tuple[QueryResults, list[tuple[str, str]]]:
        if resp.status_code != 200:
            raise HttpError(resp.status_code, f"{what} failed: HTTP {resp.status_code} {_body_line(resp)}")
        return parse_query_results(_detached_content(resp)), resp.headers.multi_items()

    def post_statement(
        self, sql: str, headers: Iterable[tuple[str, str]], cancel: threading.Event | None = None,
    ) -> tuple[QueryResults, list[tuple[str, str]]]:
        """POST /v1/statement; retried only when the request was surely not sent."""
        hdrs = list(headers) + [("Content-Type", "text/plain; charset=utf-8")]
        resp = self._coordinator_send(
            "POST", f"{self.config.base_url}/v1/statement", content=sql.encode("utf-8"), headers=hdrs,
            cancel=cancel, idempotent=False,
        )
        return self._results(resp, "Submitting the statement")

    def fetch(
        self, uri: str, cancel: threading.Event | None = None, on_retry: RetryCallback | None = None,
    ) -> tuple[QueryResults, list[tuple[str, str]]]:
        """GET a nextUri (safe to repeat)."""
        resp = self._coordinator_send("GET", uri, cancel=cancel, on_retry=on_retry)
        return self._results(resp, "Fetching results")

    def delete(self, uri: str) -> int | None:
        """Best-effort DELETE (cancel); returns the status or None on network error."""
        try:
            return self.coordinator.delete(uri, timeout=min(5.0, self.config.request_timeout or 5.0)).status_code
        except httpx.HTTPError:
            return None

    def heartbeat(self, uri: str) -> int | None:
        """HEAD a nextUri; returns the status or None on network error."""
        try:
            return self.coordinator.head(uri, timeout=min(5.0, self.config.request_timeout or 5.0)).status_code
        except httpx.HTTPError:
            return None

    # --- storage -----------------------------------------------------------------------

    def download(
        self, uri: str, headers: Iterable[tuple[str, str]], *, cancel: threading.Event | None = None,
        on_retry: RetryCallback | None = None, on_hop: Callable[[str], None] | None = None,
    ) -> bytes:
        """GET a segment following redirects; HttpError for a non-retryable status."""
        retrier = _Retrier(self.policy, cancel, on_retry)
        seg_headers = list(headers)
        while True:
            url = uri
            try:
                for _ in range(MAX_REDIRECTS + 1):
                    if on_hop:
                        on_hop(host_of(url))
                    resp = self.storage.get(url, headers=seg_headers)
                    if resp.status_code in REDIRECT_STATUS and "location" in resp.headers:
                        url = urljoin(url, resp.headers["location"])
                        continue
                    break
                else:
                    raise HttpError(resp.status_code, f"too many redirects downloading from {host_of(uri)}")
            except httpx.TransportError as exc:
                reason = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
                if retrier.wait(reason):
                    continue
                raise TrinoConnectionError(f"Cannot download from {host_of(url)}: {reason}") from None
            status = resp.status_code
            if status == 200:
                return _detached_content(resp)
            if status in RETRYABLE_STATUS:
                if retrier.wait(f"HTTP {status}", resp.headers.get("Retry-After")):
                    continue
            raise HttpError(status, f"HTTP {status} from {host_of(url)}: {_body_line(resp)}")

    def ack(self, uri: str, headers: Iterable[tuple[str, str]]) -> None:
        """GET an ackUri with the segment headers; raises on failure (caller reports it)."""
        try:
            resp = self.storage.get(uri, headers=list(headers), timeout=min(10.0, self.config.request_timeout or 10.0))
        except httpx.HTTPError as exc:
            raise TrinoConnectionError(f"ack to {host_of(uri)} failed: {type(exc).__name__}: {exc}") from None
        if resp.status_code >= 300:
            raise HttpError(resp.status_code, f"ack failed: HTTP {resp.status_code} {_body_line(resp)}")

    def close(self) -> None:
        self.coordinator.close()
        self.storage.close()
