"""Fetcher stage: follows nextUri as fast as the server allows.

Owns ``ServerState`` (query id, columns, server stats, update info, the current nextUri) and
turns every response into ``Unit``s on the descriptor channel: one per segment (inline or
spooled) or direct page, then a terminal unit (end, or the failure at that position). Applies
session response headers. The POST itself runs here (so the query's one CancelToken covers it),
and so does the DELETE after a cancel (never on the caller's thread). Never waits for the
consumer beyond the (large) descriptor queue. Direct-protocol rows are checked for width.
Runs in one thread; ``ServerState`` is read by other threads under its lock.
"""

from __future__ import annotations

import threading
import time
from typing import Any, Callable

from ..errors import ProtocolError, QueryCancelled, TrinoTuiError
from ..codecs import check_width
from ..protocol import QueryResults, query_failed
from ..session import ClientSession
from ..transport import Transport
from .channels import CancelToken, Cancelled, Channel
from .stats import PipelineStats
from .units import Unit


class ServerState:
    """What the server told us about the query (thread-safe)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.query_id: str | None = None
        self.info_uri: str = ""
        self.raw_columns: list[dict] | None = None
        self.columns: list | None = None
        self.columns_ready = threading.Event()
        self.state = ""
        self.stats: dict = {}
        self.update_type: str | None = None
        self.update_count: int | None = None
        self.warnings: list[dict] = []
        self.encoding: str | None = None
        self.next_uri: str | None = None
        self.server_done = False
        self.error: BaseException | None = None
        self.last_request = time.monotonic()

    def fail(self, exc: BaseException) -> None:
        with self.lock:
            if self.error is None:
                self.error = exc
        self.columns_ready.set()


ColumnParser = Callable[[list[dict]], list]


class Fetcher:
    """Walks the nextUri chain in its own thread."""

    def __init__(
        self, transport: Transport, session: ClientSession, stats: PipelineStats, out: Channel[Unit],
        cancel: CancelToken, server: ServerState, parse_columns: ColumnParser,
    ) -> None:
        self.transport = transport
        self.session = session
        self.stats = stats
        self.out = out
        self.cancel = cancel
        self.server = server
        self.parse_columns = parse_columns
        self._seq = 0
        self._segment_index = 0
        self._next_offset = 0
        self.spooled: dict[int, Any] = {}  # segment index -> SegmentDescriptor (for acks on close)
        self.spooled_lock = threading.Lock()

    def run(self, sql: str, headers: list[tuple[str, str]]) -> None:
        """POST *sql*, then follow nextUri to the end; on cancel, DELETE the query (this thread)."""
        self.stats.stage("fetcher", state="submitting")
        try:
            results, resp_headers = self.transport.post_statement(sql, headers, self.cancel, self.stats.retry_pending)
            self.stats.query_id = results.id
            self.stats.query_event("started")
            self.stats.stage("fetcher", state="running")
            while True:
                self._handle(results, resp_headers)
                if results.error is not None:
                    exc = query_failed(results.error, results.id)
                    self.server.fail(exc)
                    self._emit_terminal(error=exc)
                    return
                if not results.next_uri:
                    with self.server.lock:
                        self.server.next_uri = None
                        self.server.server_done = True
                    if not self.server.columns_ready.is_set():
                        self._set_columns([])
                    self._emit_terminal()
                    return
                if self.cancel.cancelled:
                    return
                self.server.last_request = time.monotonic()
                results, resp_headers = self.transport.fetch(results.next_uri, self.cancel, self.stats.retry_pending)
                self.server.last_request = time.monotonic()
        except (Cancelled, QueryCancelled):
            pass
        except TrinoTuiError as exc:
            if not self.cancel.cancelled:
                self.server.fail(exc)
                self.stats.stage("fetcher", errors=1)
                self._emit_terminal(error=exc)
        except Exception as exc:  # noqa: BLE001 - surface bugs as a clear failure, not a hang
            if not self.cancel.cancelled:
                err = ProtocolError(f"internal error while fetching results: {type(exc).__name__}: {exc}")
                self.server.fail(err)
                self._emit_terminal(error=err)
        finally:
            self.stats.retry_pending(None)
            if self.cancel.cancelled:
                self._delete()
            self.stats.stage("fetcher", state="done")
            self.out.producer_done()

    def _delete(self) -> None:
        """Cancel server-side (DELETE the current nextUri) unless the server is done."""
        with self.server.lock:
            uri = None if self.server.server_done else self.server.next_uri
            self.server.server_done = True
        if uri:
            self.transport.delete(uri)

    def _set_columns(self, raw: list[dict]) -> None:
        try:
            columns = self.parse_columns(raw)
        except ValueError as exc:
            raise ProtocolError(f"the server sent malformed columns: {exc}") from None
        with self.server.lock:
            self.server.raw_columns = raw
            self.server.columns = columns
        self.server.columns_ready.set()
        self.stats.query_event("columns")

    def _handle(self, r: QueryResults, headers: list[tuple[str, str]]) -> None:
        self.session.apply_response_headers(headers)
        with self.server.lock:
            self.server.query_id = r.id
            self.server.info_uri = r.info_uri
            self.server.state = r.state
            self.server.stats = dict(r.stats)
            self.server.next_uri = r.next_uri
            if r.update_type is not None:
                self.server.update_type = r.update_type
            if r.update_count is not None:
                self.server.update_count = r.update_count
            if r.warnings:
                self.server.warnings = list(r.warnings)
            if r.encoding:
                if self.server.encoding and self.server.encoding != r.encoding:
                    raise ProtocolError(f"encoding changed from {self.server.encoding} to {r.encoding} mid-query")
                self.server.encoding = r.encoding
        self.stats.page(r.id, r.state, r.stats, r.encoding, r.rows is not None)
        self.stats.stage("fetcher", processed=1)
        if r.columns is not None and not self.server.columns_ready.is_set():
            self._set_columns(r.columns)
        if r.rows:
            if self.server.raw_columns is not None:
                check_width(r.rows, len(self.server.raw_columns), self._next_offset)
            unit = Unit(seq=self._seq, row_offset=self._next_offset, rows_count=len(r.rows), rows=r.rows)
            self._seq += 1
            self._next_offset += len(r.rows)
            self.out.put(unit, unit.weight)
        units: list[Unit] = []
        for seg in r.segments:  # register all first: even if cancelled below, each gets acked
            index = self._segment_index
            self._segment_index += 1
            self.stats.add_segment(index, seg)
            if seg.kind == "spooled":
                with self.spooled_lock:
                    self.spooled[index] = seg
            units.append(Unit(seq=self._seq, row_offset=seg.row_offset, rows_count=seg.rows_count,
                              segment_index=index, segment=seg))
            self._seq += 1
            self._next_offset = max(self._next_offset, seg.row_offset + seg.rows_count)
        for unit in units:
            self.out.put(unit, unit.weight)

    def _emit_terminal(self, error: BaseException | None = None) -> None:
        unit = Unit(seq=self._seq, row_offset=self._next_offset, rows_count=0, error=error, end=error is None)
        self._seq += 1
        try:
            self.out.put(unit, 0)
        except Cancelled:
            pass
