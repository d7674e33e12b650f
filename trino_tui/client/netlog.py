"""Exchange records: the ``trace`` callback and the network log, both redacted.

Every HTTP exchange (coordinator and storage, every attempt) becomes one record::

    {"kind": "coordinator"|"storage", "method", "url" (no userinfo, no query string),
     "status": int|None, "request_headers": [(k, v)...], "response_headers": [(k, v)...]
     (secret values "***"), "bytes": response body bytes read, "started": monotonic time,
     "elapsed": seconds, "attempt": 1.., "error": one-line str|None}

given to ``ClientConfig.trace`` and rendered as lines for ``ClientConfig.network_log``
(NONE/BASIC/HEADERS/BODY; bodies are redacted first, then cut to MAX_BODY_LOG characters).
A failing sink is ignored. Stateless apart from the config; thread-safe.
"""

from __future__ import annotations

import time
from dataclasses import field
from typing import Any, Callable, Iterable
from urllib.parse import urlsplit, urlunsplit

from trino_tui.records import record
from .redact import redact_headers, redact_text, redact_url

MAX_BODY_LOG = 4000


def trace_url(url: str) -> str:
    """URL without userinfo, query string or fragment (signatures and tokens live there)."""
    try:
        parts = urlsplit(url)
        host = parts.netloc.rsplit("@", 1)[-1]
        return urlunsplit((parts.scheme, host, parts.path, "", ""))
    except ValueError:
        return "<unparsable url>"


def body_for_log(body: bytes | None, content_type: str = "") -> str:
    """Redact first, then cut (a secret at the cut must not survive half-masked)."""
    if not body:
        return ""
    if content_type and "json" not in content_type and not content_type.startswith("text"):
        return f"<{len(body)} bytes>"
    text = redact_text(body.decode("utf-8", "replace"))
    if len(text) > MAX_BODY_LOG:
        text = text[:MAX_BODY_LOG] + f"... ({len(text) - MAX_BODY_LOG} more characters)"
    return text


@record(frozen=False)
class Exchange:
    """One attempt of one HTTP exchange while it runs."""

    kind: str
    method: str
    url: str
    attempt: int
    started: float
    request_headers: list[tuple[str, str]] = field(default_factory=list)
    request_body: bytes | None = None


class ExchangeRecorder:
    """Turns finished exchanges into trace records and network-log lines."""

    def __init__(self, level: str, sink: Callable[[str], None] | None,
                 trace: Callable[[dict], None] | None) -> None:
        self.level = level if sink is not None else "NONE"
        self.sink = sink
        self.trace = trace

    @property
    def enabled(self) -> bool:
        return self.trace is not None or self.level != "NONE"

    def begin(self, kind: str, method: str, url: str, headers: Iterable[tuple[str, str]], attempt: int,
              body: bytes | None = None) -> Exchange:
        ex = Exchange(kind, method, url, attempt, time.monotonic(), list(headers), body)
        if self.level != "NONE":
            self._emit(f"[{kind}] --> {method} {redact_url(url)}")
        return ex

    def end(self, ex: Exchange, *, status: int | None, request_headers: Iterable[tuple[str, str]] | None = None,
            response_headers: Iterable[tuple[str, str]] = (), nbytes: int = 0, error: str | None = None,
            response_body: bytes | None = None, content_type: str = "") -> None:
        if not self.enabled:
            return
        elapsed = time.monotonic() - ex.started
        req_headers = redact_headers(request_headers if request_headers is not None else ex.request_headers)
        resp_headers = redact_headers(response_headers)
        if self.trace is not None:
            record: dict[str, Any] = {
                "kind": ex.kind, "method": ex.method, "url": trace_url(ex.url), "status": status,
                "request_headers": req_headers, "response_headers": resp_headers, "bytes": nbytes,
                "started": ex.started, "elapsed": elapsed, "attempt": ex.attempt, "error": error,
            }
            try:
                self.trace(record)
            except Exception:  # noqa: BLE001 - a broken trace sink must not break queries
                pass
        if self.level == "NONE":
            return
        label, url = ex.kind, redact_url(ex.url)
        outcome = f"{status}" if status is not None else f"failed ({error})"
        self._emit(f"[{label}] <-- {outcome} {ex.method} {url} ({elapsed * 1000:.0f} ms, {nbytes} bytes)")
        if self.level in ("HEADERS", "BODY"):
            for k, v in req_headers:
                self._emit(f"[{label}]     > {k}: {v}")
            for k, v in resp_headers:
                self._emit(f"[{label}]     < {k}: {v}")
        if self.level == "BODY":
            if ex.request_body:
                self._emit(f"[{label}]     request body: {body_for_log(ex.request_body)}")
            if response_body:
                self._emit(f"[{label}]     response body: {body_for_log(response_body, content_type)}")

    def _emit(self, line: str) -> None:
        try:
            self.sink(line)  # type: ignore[misc]
        except Exception:  # noqa: BLE001 - a broken log sink must not break queries
            pass
