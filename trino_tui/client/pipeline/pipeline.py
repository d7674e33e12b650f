"""Pipeline: owns the threads of one query and wires the stages together.

    fetcher ──units──▶ dispatcher ──spooled──▶ downloaders ×N ──▶ decoders ×M ──▶ finalizer ──▶ consumer
    (POST, polls,         │  (slots)  └─inline──────────────────────▲                ▲
     DELETE on cancel)    └──────────── direct pages / terminal units ───────────────┘
    decoders ──▶ acker (GET ackUri)        heartbeat (HEAD nextUri while the fetcher idles)

Lifecycle: ``__init__`` creates the query's one CancelToken; ``start(sql, headers)`` starts
the threads -- the fetcher POSTs -- so cancel works from the first byte sent; the downloaders
start with the first spooled segment and the acker with the first ack (a small inline answer
never starts them: each thread costs start-up time and GIL hand-offs). The
consumer calls ``next_batch`` until None; ``cancel`` (also used for stop/failure) only records
the outcome and fires the token (every wait and in-flight request wakes; the fetcher thread
sends the DELETE); ``close(timeout)`` joins all threads within ~timeout and acks unread
segments. Thread-safe: cancel/close may be called from any thread; next_batch from one thread.
"""

from __future__ import annotations

import os
import threading
import time
from typing import Callable

from ..cancel import CancelToken
from ..batch import Batch
from ..config import ClientConfig
from ..errors import ProtocolError, QueryCancelled, TrinoTuiError
from ..gcpolicy import gc_hold, gc_release
from ..session import ClientSession
from ..transport import Transport
from .acker import Acker
from .channels import Cancelled, Channel, Closed, Slots, WindowedQueue
from .decoder import Decoder
from .dispatcher import Dispatcher
from .downloader import Downloader
from .fetcher import Fetcher, ServerState
from .finalizer import Finalizer
from .heartbeat import Heartbeat
from .stats import PipelineStats
from .units import Unit

JOIN_TIMEOUT = 2.0
# Eager decoding: rows are parsed ahead of the consumer for the next unit always, for more only
# while their declared JSON adds up to this (rows as Python objects take ~6x their JSON, so ~25 MB);
# decompression still runs decode_window units ahead (see channels.WindowedQueue).
DECODE_AHEAD_BYTES = 4 * 1024 * 1024


def decoder_threads(requested: int, window: int) -> int:
    """Decoding is CPU-bound: more threads than cores add memory (per-thread malloc arenas
    holding parse buffers), not speed, and more than ``decode_window`` never have a unit to work
    on. The requested count, capped at both (the core cap is at least 2)."""
    return max(1, min(requested, window, max(2, os.cpu_count() or 2)))


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
        self.error: TrinoTuiError | None = None  # the failure when outcome == "failed"
        self._lock = threading.Lock()
        self._closed = False
        self._gc_held = False
        ct = self.cancel_token
        n, m = config.downloaders, decoder_threads(config.decoders, config.decode_window)
        eager = config.decode == "eager"
        cap = config.max_uncompressed_bytes
        self.units: Channel[Unit] = Channel("dispatcher", ct, capacity=config.descriptor_queue)
        self.downloads: Channel[Unit] = Channel("downloaders", ct, producers=1)
        # producers: the dispatcher, and each downloader once they start (_start_downloaders)
        self.decodes: WindowedQueue[Unit] = WindowedQueue("decoders", ct, config.decode_window, producers=1,
                                                        max_bytes=DECODE_AHEAD_BYTES if eager else 0)
        self.results: Channel[Unit] = Channel("finalizer", ct, producers=1 + m)
        self.slots = Slots(config.max_out_of_order, ct, config.max_in_flight_bytes)
        parse_gate = threading.BoundedSemaphore(config.parallel_parses)
        self.acker = Acker(transport, stats)
        self.fetcher = Fetcher(transport, session, stats, self.units, ct, self.server, parse_columns)
        self.dispatcher = Dispatcher(self.units, self.downloads, self.decodes, self.results, self.slots, stats, ct,
                                     first_spooled=self._start_downloaders)
        self.finalizer = Finalizer(self.results, self.slots, stats, self.decodes, width=self._width,
                                   max_uncompressed=cap)
        self.heartbeat = Heartbeat(transport, self.server, config.heartbeat_interval, ct)
        self.downloaders = [
            Downloader(f"download-{i + 1}", transport, self.downloads, self.decodes, self.results, stats, ct,
                       session.timezone)
            for i in range(n)
        ]
        self.decoders = [
            Decoder(f"decode-{i + 1}", self.decodes, self.results, stats, ct, self._ack_decoded, parse_gate,
                    eager=eager, max_uncompressed=cap, width=self._width, redownload=self.downloaders[0].redownload)
            for i in range(m)
        ]
        self.threads: list[threading.Thread] = []
        self._downloaders_started = False
        stats.queue_depths = lambda: {
            "dispatcher": len(self.units), "downloaders": len(self.downloads), "decoders": len(self.decodes),
            "finalizer": len(self.results),
        }

    def _width(self) -> int | None:
        cols = self.server.raw_columns
        return len(cols) if cols else None

    # --- lifecycle ---------------------------------------------------------------------

    def start(self, sql: str, headers: list[tuple[str, str]]) -> None:
        """Start every thread; the fetcher submits *sql*. Returns at once (no network I/O here)."""
        specs: list[tuple[str, Callable[[], None]]] = [
            ("trino-fetcher", lambda: self.fetcher.run(sql, headers)),
            ("trino-dispatcher", self._dispatch),
        ]
        specs += [(d.name, d.run) for d in self.decoders]
        gc_hold()
        self._gc_held = True
        with self._lock:  # started under the lock: close never sees a thread it cannot join
            self.threads = [self._thread(name, fn) for name, fn in specs]
            for t in self.threads:
                t.start()
        self.heartbeat.start()

    def _thread(self, name: str, fn: Callable[[], None]) -> threading.Thread:
        return threading.Thread(target=self._guard(fn), name=name, daemon=True)

    def _start_downloaders(self) -> None:
        """The dispatcher's first spooled unit: start the downloader threads (not after close)."""
        with self._lock:
            if self._downloaders_started or self._closed:
                return
            self._downloaders_started = True
            self.decodes.add_producers(len(self.downloaders))  # the dispatcher, a producer, is still running
            for d in self.downloaders:  # started under the lock, as in start()
                t = self._thread(d.name, d.run)
                t.start()
                self.threads.append(t)

    def _dispatch(self) -> None:
        try:
            self.dispatcher.run()
        finally:
            with self._lock:
                never_started = not self._downloaders_started
                self._downloaders_started = True  # no spooled unit can come now: never start them
            if never_started:
                for _ in self.downloaders:
                    self.stats.worker_exit("downloaders")  # a stage that had nothing to do is done too

    def _guard(self, fn: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            try:
                fn()
            except Exception as exc:  # noqa: BLE001 - a bug must end the query visibly, not hang it
                self.fatal = ProtocolError(f"internal pipeline error: {type(exc).__name__}: {exc}")
                self.server.fail(self.fatal)
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
            if self.outcome == "failed" and self.error is not None:
                raise self.error from None
            if self.outcome in (None, "finished") and not self.cancel_token.cancelled:
                raise ProtocolError("result stream ended before the query finished") from None
            raise QueryCancelled("Query was cancelled") from None
        if batch is None:
            self._set_outcome("finished")
        return batch

    # --- control -----------------------------------------------------------------------

    def _set_outcome(self, outcome: str, error: TrinoTuiError | None = None) -> bool:
        with self._lock:
            if self.outcome is not None:
                return False
            self.outcome = outcome
            self.error = error
            return True

    def cancel(self, outcome: str = "cancelled", error: TrinoTuiError | None = None) -> None:
        """Record the outcome and wake every thread; non-blocking (the fetcher sends the DELETE)."""
        if not self._set_outcome(outcome, error):
            return
        self.cancel_token.cancel()
        self.server.columns_ready.set()  # wake wait_columns(): it raises QueryCancelled/the error
        detail = str(error) if error is not None else None
        self.stats.set_finished(detail if outcome == "failed" else None)
        self.stats.query_event(outcome, detail=detail)

    def close(self, timeout: float = JOIN_TIMEOUT) -> None:
        """Cancel if still running, join all threads (bounded), ack unread segments, stop helpers."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
        if self.outcome is None:
            self.cancel("cancelled")
        deadline = time.monotonic() + timeout
        self.heartbeat.stop(0)
        with self._lock:
            threads = list(self.threads)  # no thread starts after _closed is set
        for t in threads:
            t.join(max(0.0, deadline - time.monotonic()))
        self.heartbeat.stop(max(0.0, deadline - time.monotonic()))
        if self._gc_held:
            self._gc_held = False
            gc_release()
        with self.fetcher.spooled_lock:
            unread = dict(self.fetcher.spooled)
        self.acker.submit_unread(unread)
        self.acker.close(max(0.5, deadline - time.monotonic()))
        if self.outcome == "finished":
            self.stats.set_finished()
            self.stats.query_event("finished")

    def alive_threads(self) -> list[threading.Thread]:
        with self._lock:
            threads = [t for t in self.threads if t.is_alive()]
        threads += [t for t in (self.heartbeat.thread, self.acker.thread) if t.is_alive()]
        return threads
