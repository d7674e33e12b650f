"""Pipeline: owns the threads of one query and wires the stages together.

    fetcher ──units──▶ dispatcher ──spooled──▶ downloaders ×N ──▶ decoders ×M ──▶ finalizer ──▶ consumer
                          │  (slots)  └─inline──────────────────────▲                ▲
                          └──────────── direct pages / terminal units ───────────────┘
    decoders ──▶ acker (GET ackUri)        heartbeat (HEAD nextUri while the fetcher idles)

Lifecycle: ``start`` → consumer calls ``next_batch`` until None → ``close``. ``cancel`` (also
used for stop/failure) sends DELETE nextUri, fires the shared cancel token (every blocking
wait wakes) and ``close`` joins all threads, then acks every unread spooled segment.
Thread-safe: cancel/close may be called from any thread; next_batch from one consumer thread.
"""

from __future__ import annotations

import os
import threading
import time
from typing import Callable

from ..config import ClientConfig
from ..errors import ProtocolError, QueryCancelled, TrinoTuiError
from ..protocol import QueryResults
from ..session import ClientSession
from ..transport import Transport
from .acker import Acker
from .channels import CancelToken, Cancelled, Channel, Closed, Slots, WindowedQueue
from .decoder import Decoder, gc_hold, gc_release
from .dispatcher import Dispatcher
from .downloader import Downloader
from .fetcher import Fetcher, ServerState
from .finalizer import Batch, Finalizer
from .heartbeat import Heartbeat
from .stats import PipelineStats
from .units import Unit

JOIN_TIMEOUT = 2.0


def decoder_threads(requested: int) -> int:
    """Decoding is CPU-bound: more threads than cores add memory (per-thread malloc arenas
    holding parse buffers), not speed. Use the requested count, capped at the core count (>= 2)."""
    return max(1, min(requested, max(2, os.cpu_count() or 2)))


class Pipeline:
    """All threads and channels of one running query."""

    def __init__(
        self, transport: Transport, session: ClientSession, config: ClientConfig, stats: PipelineStats,
        parse_columns: Callable[[list[dict]], list],
    ) -> None:
        self.config = config
        self.transport = transport
        self.stats = stats
        self.server = ServerState()
        self.cancel_token = CancelToken()
        self.fatal: TrinoTuiError | None = None
        self.outcome: str | None = None  # None | "finished" | "cancelled" | "stopped" | "failed"
        self._lock = threading.Lock()
        self._closed = False
        self._gc_held = False
        ct = self.cancel_token
        n, m = config.downloaders, decoder_threads(config.decoders)
        self.units: Channel[Unit] = Channel("dispatcher", ct, capacity=config.descriptor_queue)
        self.downloads: Channel[Unit] = Channel("downloaders", ct, producers=1)
        self.decodes: WindowedQueue[Unit] = WindowedQueue("decoders", ct, config.decode_window, producers=1 + n)
        self.results: Channel[Unit] = Channel("finalizer", ct, producers=1 + m)
        self.slots = Slots(config.max_out_of_order, ct)
        self.parse_gate = threading.BoundedSemaphore(config.parallel_parses)
        self.acker = Acker(transport, stats)
        self.fetcher = Fetcher(transport, session, stats, self.units, ct, self.server, parse_columns)
        self.dispatcher = Dispatcher(self.units, self.downloads, self.decodes, self.results, self.slots, stats, ct)
        self.finalizer = Finalizer(self.results, self.slots, stats, self.decodes, self.parse_gate, self._ack_decoded,
                                   parse=not config.lazy_rows)
        self.heartbeat = Heartbeat(transport, self.server, config.heartbeat_interval)
        self.downloaders = [
            Downloader(f"download-{i + 1}", transport, self.downloads, self.decodes, self.results, stats, ct,
                       session.timezone)
            for i in range(n)
        ]
        self.decoders = [
            Decoder(f"decode-{i + 1}", self.decodes, self.results, stats, ct, self._ack_decoded, self.parse_gate,
                    parse=not config.lazy_rows)
            for i in range(m)
        ]
        self.threads: list[threading.Thread] = []
        stats.queue_depths = lambda: {
            "dispatcher": len(self.units), "downloaders": len(self.downloads), "decoders": len(self.decodes),
            "finalizer": len(self.results),
        }

    # --- lifecycle ---------------------------------------------------------------------

    def start(self, first: QueryResults, first_headers: list[tuple[str, str]]) -> None:
        specs: list[tuple[str, Callable[[], None]]] = [
            ("trino-fetcher", lambda: self.fetcher.run(first, first_headers)),
            ("trino-dispatcher", self.dispatcher.run),
        ]
        specs += [(d.name, d.run) for d in self.downloaders]
        specs += [(d.name, d.run) for d in self.decoders]
        self.threads = [threading.Thread(target=self._guard(fn), name=name, daemon=True) for name, fn in specs]
        self.acker.start()
        gc_hold()
        self._gc_held = True
        for t in self.threads:
            t.start()
        self.heartbeat.start()

    def _guard(self, fn: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            try:
                fn()
            except Exception as exc:  # noqa: BLE001 - a bug must end the query visibly, not hang it
                self.fatal = ProtocolError(f"internal pipeline error: {type(exc).__name__}: {exc}")
                self.cancel_token.cancel()
        return run

    def _ack_decoded(self, unit: Unit) -> None:
        if unit.segment is not None and unit.segment_index is not None:
            self.acker.submit(unit.segment_index, unit.segment)

    # --- consumer ----------------------------------------------------------------------

    def next_batch(self) -> Batch | None:
        """Next ordered batch, None at the end (or after stop); raises the typed failure."""
        try:
            batch = self.finalizer.next_batch()
        except (Cancelled, Closed):
            if self.fatal is not None:
                raise self.fatal from None
            if self.outcome == "stopped":
                return None
            if self.outcome in (None, "finished") and not self.cancel_token.cancelled:
                raise ProtocolError("result stream ended before the query finished") from None
            raise QueryCancelled("Query was cancelled") from None
        if batch is None:
            self._set_outcome("finished")
        return batch

    # --- control -----------------------------------------------------------------------

    def _set_outcome(self, outcome: str) -> bool:
        with self._lock:
            if self.outcome is not None:
                return False
            self.outcome = outcome
            return True

    def cancel(self, outcome: str = "cancelled", detail: str | None = None) -> None:
        """Stop the query server-side (DELETE nextUri) and wake every thread."""
        if not self._set_outcome(outcome):
            return
        with self.server.lock:
            uri = None if self.server.server_done else self.server.next_uri
        self.cancel_token.cancel()
        if uri:
            self.transport.delete(uri)
        self.stats.set_finished(detail if outcome == "failed" else None)
        self.stats.query_event(outcome, detail=detail)

    def close(self, timeout: float = JOIN_TIMEOUT) -> None:
        """Cancel if still running, join all threads, ack unread segments, stop helpers."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
        if self.outcome is None:
            self.cancel("cancelled")
        deadline = time.monotonic() + timeout
        for t in self.threads:
            t.join(max(0.0, deadline - time.monotonic()))
        self.heartbeat.stop(timeout)
        if self._gc_held:
            self._gc_held = False
            gc_release()
        with self.fetcher.spooled_lock:
            unread = dict(self.fetcher.spooled)
        self.acker.submit_unread(unread)
        self.acker.close(max(1.0, deadline - time.monotonic()))
        if self.outcome == "finished":
            self.stats.set_finished()
            self.stats.query_event("finished")

    def alive_threads(self) -> list[threading.Thread]:
        return [t for t in self.threads if t.is_alive()]
