"""HTTP transport of one TrinoClient: coordinator requests and segment storage requests.

Every exchange runs under a ``RequestGuard`` (whole-request deadline = ``request_timeout``,
aborted at once when the query's CancelToken fires), reads its body with a cap (coordinator:
``max_response_bytes``; segments: ``segmentSize`` -- reading stops one byte past it) and is
recorded (trace + network log, redacted). Retries follow ``retry.py``: the submit (POST) is
retried only on 429/502/503/504; polls and downloads also on resets and timeouts; all within
``retry_budget``. A first-request failure to connect raises ``TrinoConnectionError`` naming the
server. Storage requests carry only the segment headers (+ ``Accept-Encoding: identity``);
redirects are followed here, re-sending those headers and recording hops.
Thread-safe: httpx.Client is thread-safe; Transport holds no per-request state.
"""

from __future__ import annotations

import ssl
import time
from typing import Callable, Iterable
from urllib.parse import urljoin, urlsplit

import httpx

from trino_tui.records import record
from .cancel import CancelToken
from .config import ClientConfig
from .errors import (
    AuthenticationError, DeadlineExceeded, HttpError, QueryCancelled, RedirectLoop, ResponseTooLarge,
    SegmentTooLarge, TrinoConnectionError, TrinoTuiError,
)
from .httpclients import build_coordinator_client, build_storage_client
from .netguard import RequestGuard
from .netlog import ExchangeRecorder, trace_url
from .protocol import QueryResults, parse_query_results
from .redact import redact
from .retry import RETRYABLE_STATUS, Publish, Retrier, RetryPolicy, Wait, default_wait

REDIRECT_STATUS = frozenset({301, 302, 303, 307, 308})
MAX_REDIRECTS = 5
DELETE_LIMIT = 1.0  # a cancel's DELETE must not hold up close()
CANCEL_GRACE = 0.3  # a coordinator answer under way when cancelled may finish (it names segments to ack)


def host_of(url: str) -> str:
    """host[:port] of a URL ("" if unparsable)."""
    try:
        return urlsplit(url).netloc.rsplit("@", 1)[-1]
    except ValueError:
        return ""


@record(frozen=False)
class Reply:
    """A completed exchange: status, response headers, body (capped), final URL."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes
    url: str
    reason: str = ""

    def body_line(self) -> str:
        """The start of the body for an error message (redacted, one line)."""
        line = redact(" ".join(self.body[:400].decode("utf-8", "replace").split()))[:200]
        return line or self.reason

    def header(self, name: str) -> str | None:
        name = name.lower()
        return next((v for k, v in self.headers if k.lower() == name), None)


class _TooLarge(Exception):
    def __init__(self, read: int) -> None:
        self.read = read


def _read_capped(resp: httpx.Response, cap: int, guard: RequestGuard) -> bytes:
    """The body, stopping as soon as more than *cap* bytes arrived (_TooLarge) or the guard trips
    (checked per chunk too, so the deadline holds whatever the underlying transport)."""
    declared = resp.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > cap:
        raise _TooLarge(int(declared))
    chunks: list[bytes] = []
    total = 0
    for chunk in resp.iter_bytes():
        total += len(chunk)
        if total > cap:
            raise _TooLarge(total)
        chunks.append(chunk)
        reason = guard.poll()
        if reason == "deadline":
            raise httpx.ReadTimeout("request deadline passed")
        if reason is not None:
            raise httpx.ReadError(f"request {reason}")
    return b"".join(chunks)


def _reason(exc: BaseException) -> str:
    """Short words for a transport failure ("connection refused", "unknown host", ...)."""
    text = str(exc)
    low = text.lower()
    if "refused" in low:
        return "connection refused"
    if "name or service not known" in low or "nodename nor servname" in low or "getaddrinfo" in low \
            or "name resolution" in low or "no address" in low:
        return "unknown host"
    if "certificate" in low or "ssl" in low or "tls" in low or isinstance(exc.__context__, ssl.SSLError):
        return f"TLS handshake failed ({' '.join(text.split())[:160]})"
    if isinstance(exc, httpx.ConnectTimeout):
        return "timed out connecting"
    if isinstance(exc, httpx.TimeoutException):
        return "timed out"
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _retryable(exc: BaseException) -> bool:
    """A transport failure worth retrying (not a TLS/certificate failure: it cannot succeed)."""
    return not _reason(exc).startswith("TLS handshake failed")


class Transport:
    """All HTTP traffic of one TrinoClient (thread-safe)."""

    def __init__(
        self, config: ClientConfig, *, coordinator_transport: httpx.BaseTransport | None = None,
        storage_transport: httpx.BaseTransport | None = None, wait: Wait = default_wait,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.config = config
        self.policy = RetryPolicy(budget=config.retry_budget)
        self.clock = clock
        self._wait = wait
        self.recorder = ExchangeRecorder(config.network_logging, config.network_log, config.trace)
        self.coordinator = build_coordinator_client(config, coordinator_transport)
        self.storage = build_storage_client(config, storage_transport)

    # --- one exchange --------------------------------------------------------------------

    def _exchange(self, client: httpx.Client, kind: str, method: str, url: str, *, cap: int,
                  headers: Iterable[tuple[str, str]] = (), content: bytes | None = None,
                  token: CancelToken | None = None, timeout: float | None = None, attempt: int = 1,
                  grace: float = 0.0) -> Reply:
        """One guarded, capped, recorded exchange. Raises QueryCancelled, DeadlineExceeded,
        httpx.TransportError, _TooLarge or RedirectLoop."""
        limit = self.config.request_timeout if timeout is None else timeout
        guard = RequestGuard(self.clock() + limit if limit else None, self.clock, grace)
        cb = token.add_callback(guard.cancel) if token is not None else 0
        hdrs = list(headers)
        ex = self.recorder.begin(kind, method, url, hdrs, attempt, content)
        status: int | None = None
        resp_headers: list[tuple[str, str]] = []
        req_headers = None
        body = b""
        error: str | None = None
        try:
            with guard.active():
                resp = client.send(client.build_request(method, url, headers=hdrs, content=content), stream=True)
                try:
                    status, resp_headers = resp.status_code, resp.headers.multi_items()
                    req_headers = resp.request.headers.multi_items()
                    body = _read_capped(resp, cap, guard)
                    return Reply(status, resp_headers, body, str(resp.url), resp.reason_phrase)
                finally:
                    resp.close()
        except httpx.TooManyRedirects:
            error = "too many redirects"
            raise RedirectLoop(f"{method} {trace_url(url)}: more than {MAX_REDIRECTS} redirects") from None
        except _TooLarge as exc:
            error = f"body over {cap} bytes"
            raise exc
        except httpx.TransportError as exc:
            error = _reason(exc)
            if guard.reason == "cancelled" or (token is not None and token.cancelled):
                raise QueryCancelled("Query was cancelled") from None
            if guard.reason == "deadline" or guard.expired():
                raise DeadlineExceeded(f"{method} {trace_url(url)} did not complete within {limit:.3g} s") from None
            raise
        finally:
            if token is not None:
                token.remove_callback(cb)
            self.recorder.end(ex, status=status, request_headers=req_headers, response_headers=resp_headers,
                              nbytes=len(body), error=error, response_body=body,
                              content_type=dict((k.lower(), v) for k, v in resp_headers).get("content-type", ""))

    # --- coordinator -------------------------------------------------------------------

    def _coordinator(self, method: str, url: str, phase: str, *, content: bytes | None = None,
                     headers: Iterable[tuple[str, str]] = (), token: CancelToken | None = None,
                     publish: Publish | None = None) -> Reply:
        retrier = Retrier(self.policy, phase, token, publish=publish, wait=self._wait, clock=self.clock)
        submit = phase == "submit"
        headers = list(headers)
        end = retrier.started + max(self.config.retry_budget, self.config.request_timeout)
        while True:
            timeout = self.config.request_timeout
            if timeout:
                timeout = max(0.001, min(timeout, end - self.clock()))
            try:
                reply = self._exchange(self.coordinator, "coordinator", method, url, cap=self.config.max_response_bytes,
                                       headers=headers, content=content, token=token, timeout=timeout,
                                       attempt=retrier.attempt + 1, grace=CANCEL_GRACE)
            except _TooLarge as exc:
                raise ResponseTooLarge(f"response to {method} {trace_url(url)} exceeds "
                                       f"{self.config.max_response_bytes} bytes (read {exc.read})") from None
            except DeadlineExceeded:
                if not submit and retrier.wait("request deadline passed"):
                    continue
                raise
            except httpx.TransportError as exc:
                reason = _reason(exc)
                if not submit and _retryable(exc) and retrier.wait(reason):
                    continue
                where = self.config.base_url if submit else host_of(url)
                raise TrinoConnectionError(f"Cannot connect to {where}: {reason}") from None
            if reply.status in RETRYABLE_STATUS:
                if retrier.wait(f"HTTP {reply.status}", reply.header("retry-after")):
                    continue
                raise HttpError(reply.status, f"HTTP {reply.status} from {host_of(url)} ({reply.body_line()}); "
                                              f"retries exhausted")
            if reply.status == 401:
                raise AuthenticationError(
                    f"Authentication failed: the server at {host_of(url)} answered 401 Unauthorized for user "
                    f"{self.config.user!r}; check the password or access token"
                )
            return reply

    def _results(self, reply: Reply, what: str) -> tuple[QueryResults, list[tuple[str, str]]]:
        if reply.status != 200:
            raise HttpError(reply.status, f"{what} failed: HTTP {reply.status} {reply.body_line()}")
        return parse_query_results(reply.body), reply.headers

    def post_statement(self, sql: str, headers: Iterable[tuple[str, str]], token: CancelToken | None = None,
                       publish: Publish | None = None) -> tuple[QueryResults, list[tuple[str, str]]]:
        """POST /v1/statement (retried only on 429/502/503/504)."""
        hdrs = list(headers) + [("Content-Type", "text/plain; charset=utf-8")]
        reply = self._coordinator("POST", f"{self.config.base_url}/v1/statement", "submit",
                                  content=sql.encode("utf-8"), headers=hdrs, token=token, publish=publish)
        return self._results(reply, "Submitting the statement")

    def fetch(self, uri: str, token: CancelToken | None = None,
              publish: Publish | None = None) -> tuple[QueryResults, list[tuple[str, str]]]:
        """GET a nextUri (safe to repeat)."""
        return self._results(self._coordinator("GET", uri, "poll", token=token, publish=publish), "Fetching results")

    def _best_effort(self, client: httpx.Client, kind: str, method: str, uri: str,
                     headers: Iterable[tuple[str, str]] = (), limit: float = 5.0,
                     token: CancelToken | None = None) -> Reply:
        timeout = min(limit, self.config.request_timeout or limit)
        return self._exchange(client, kind, method, uri, cap=64 << 10, headers=headers, timeout=timeout, token=token)

    def delete(self, uri: str) -> int | None:
        """Best-effort DELETE (cancel, at most DELETE_LIMIT s); the status or None on failure."""
        try:
            return self._best_effort(self.coordinator, "coordinator", "DELETE", uri, limit=DELETE_LIMIT).status
        except (httpx.HTTPError, TrinoTuiError, _TooLarge):
            return None

    def heartbeat(self, uri: str, token: CancelToken | None = None) -> int | None:
        """HEAD a nextUri; returns the status or None on network error (aborted by *token*)."""
        try:
            return self._best_effort(self.coordinator, "coordinator", "HEAD", uri, token=token).status
        except (httpx.HTTPError, TrinoTuiError, _TooLarge):
            return None

    # --- storage -----------------------------------------------------------------------

    def download(
        self, uri: str, headers: Iterable[tuple[str, str]], *, segment_size: int, token: CancelToken | None = None,
        publish: Publish | None = None, on_hop: Callable[[str], None] | None = None, index: int | None = None,
    ) -> bytes:
        """GET a segment following redirects; the body must not exceed *segment_size* bytes.
        HttpError for a non-retryable status; SegmentTooLarge for an oversized body."""
        retrier = Retrier(self.policy, "segment", token, publish=publish, wait=self._wait, clock=self.clock)
        seg_headers = list(headers)
        while True:
            url = uri
            try:
                for _ in range(MAX_REDIRECTS + 1):
                    if on_hop:
                        on_hop(host_of(url))
                    reply = self._exchange(self.storage, "storage", "GET", url, cap=segment_size, headers=seg_headers,
                                           token=token, attempt=retrier.attempt + 1)
                    location = reply.header("location")
                    if reply.status in REDIRECT_STATUS and location:
                        url = urljoin(url, location)
                        continue
                    break
                else:
                    raise RedirectLoop(f"segment {index}: more than {MAX_REDIRECTS} redirects from {trace_url(uri)}")
            except _TooLarge as exc:
                raise SegmentTooLarge(f"body from {host_of(url)} exceeds segmentSize {segment_size} "
                                      f"(read {exc.read} bytes, stopped)", index=index) from None
            except (httpx.TransportError, DeadlineExceeded) as exc:
                reason = _reason(exc) if isinstance(exc, httpx.TransportError) else str(exc)
                if (not isinstance(exc, httpx.TransportError) or _retryable(exc)) and retrier.wait(reason):
                    continue
                raise TrinoConnectionError(f"Cannot download from {host_of(url)}: {reason}") from None
            if reply.status == 200:
                return reply.body
            if reply.status in RETRYABLE_STATUS and retrier.wait(f"HTTP {reply.status}", reply.header("retry-after")):
                continue
            raise HttpError(reply.status, f"HTTP {reply.status} from {host_of(url)}: {reply.body_line()}")

    def ack(self, uri: str, headers: Iterable[tuple[str, str]], token: CancelToken | None = None) -> None:
        """GET an ackUri with the segment headers; raises on failure (caller reports it)."""
        try:
            reply = self._best_effort(self.storage, "storage", "GET", uri, headers, limit=10.0, token=token)
        except (httpx.HTTPError, DeadlineExceeded, _TooLarge, QueryCancelled) as exc:
            raise TrinoConnectionError(f"ack to {host_of(uri)} failed: {type(exc).__name__}: {exc}") from None
        if reply.status >= 300:
            raise HttpError(reply.status, f"ack failed: HTTP {reply.status} {reply.body_line()}")

    def close(self) -> None:
        self.coordinator.close()
        self.storage.close()
