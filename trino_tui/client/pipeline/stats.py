"""PipelineStats: the single thread-safe record of a query's progress.

Stages report segment transitions, counters and server state here; ``snapshot()`` builds an
immutable ``PipelineSnapshot`` (cheap: each segment's state IS a frozen ``SegmentSnapshot``,
replaced on every change, and only active segments plus the most recent finished ones are
listed). Listener callbacks run on the reporting thread, outside the lock; listener exceptions
are counted and ignored. All timestamps come from the injected clock.
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Callable, Mapping

from trino_tui.records import record
from ..events import (
    STAGE_NAMES, AckEvent, Event, Listener, QueryEvent, RetryEvent, SegmentEvent, SegmentSnapshot, SegmentState,
)
from ..protocol import SegmentDescriptor
from ..redact import redact_headers
from ..transport import host_of

if TYPE_CHECKING:
    from ..snapshots import PipelineSnapshot

KEEP_FINISHED = 200
RATE_WINDOW = 1.0
_TERMINAL = (SegmentState.DELIVERED, SegmentState.ACKED, SegmentState.FAILED)


@record(frozen=False)
class StageCounters:
    name: str
    workers: int
    busy: int = 0
    processed: int = 0
    errors: int = 0
    state: str = "idle"
    exited: int = 0


def _stage_state(s: StageCounters) -> str:
    """Worker pools report busy/idle from their busy count; single threads their own state."""
    if s.workers == 1 or s.state == "done":
        return s.state
    return "busy" if s.busy > 0 else "idle"


class PipelineStats:
    """Thread-safe progress record of one query."""

    def __init__(self, clock: Callable[[], float], listener: Listener | None, workers: Mapping[str, int]) -> None:
        self.clock = clock
        self.listener = listener
        self.lock = threading.Lock()
        self.started_at = clock()
        self.query_id: str | None = None
        self.server_state = ""
        self.server_stats: Mapping[str, Any] = {}
        self.encoding: str | None = None
        self.protocol = "pending"
        self.finished = False
        self.error: str | None = None
        self.rows_delivered = 0
        self.bytes_downloaded = 0
        self.bytes_decompressed = 0
        self.pages_fetched = 0
        self.segments_inline = 0
        self.segments_spooled = 0
        self.segments_acked = 0
        self.ack_failures = 0
        self.retries = 0
        self.listener_errors = 0
        self.retry: RetryEvent | None = None
        self.segments: dict[int, SegmentSnapshot] = {}  # current frozen state of every segment
        self._finished_order: deque[int] = deque(maxlen=2 * KEEP_FINISHED)
        self.stages = {name: StageCounters(name, workers.get(name, 1)) for name in STAGE_NAMES}
        self.queue_depths: Callable[[], Mapping[str, int]] = lambda: {}
        self._samples: deque[tuple[float, int, int]] = deque()

    # --- events ------------------------------------------------------------------------

    def emit(self, event: Event) -> None:
        if self.listener is None:
            return
        try:
            self.listener(event)
        except Exception:  # noqa: BLE001 - a listener must never break the pipeline
            self.listener_errors += 1

    def query_event(self, kind: str, detail: str | None = None) -> None:
        self.emit(QueryEvent(kind=kind, query_id=self.query_id, at=self.clock(), state=self.server_state,
                             detail=detail, stats=self.server_stats))

    # --- server / query level ----------------------------------------------------------

    def page(self, query_id: str, state: str, stats: Mapping[str, Any], encoding: str | None, direct: bool) -> None:
        with self.lock:
            self.query_id = query_id
            self.server_state = state
            self.server_stats = stats
            self.pages_fetched += 1
            if encoding and self.encoding is None:
                self.encoding = encoding
                self.protocol = "spooled"
            elif direct and self.protocol == "pending":
                self.protocol = "direct"
        self.query_event("stats")

    def retry_pending(self, event: RetryEvent | None) -> None:
        """A retry is pending (published, stamped with this clock) or over (None)."""
        if event is None:
            with self.lock:
                self.retry = None
            return
        event = replace(event, at=self.clock())
        with self.lock:
            self.retry = event
            if event.phase != "segment":
                self.retries += 1
        self.emit(event)

    def set_finished(self, error: str | None = None) -> None:
        with self.lock:
            self.finished = True
            self.error = error
            if self.protocol == "pending":
                self.protocol = "direct"

    # --- stages ------------------------------------------------------------------------

    def stage(self, name: str, *, busy: int = 0, processed: int = 0, errors: int = 0, state: str | None = None) -> None:
        with self.lock:
            s = self.stages[name]
            s.busy += busy
            s.processed += processed
            s.errors += errors
            if state is not None:
                s.state = state

    def worker_exit(self, name: str) -> None:
        """A worker thread of stage *name* ended; the stage is "done" when all have."""
        with self.lock:
            s = self.stages[name]
            s.exited += 1
            if s.exited >= s.workers:
                s.state = "done"

    # --- segments ----------------------------------------------------------------------

    def add_segment(self, index: int, seg: SegmentDescriptor) -> None:
        snap = SegmentSnapshot(
            index=index, kind=seg.kind, row_offset=seg.row_offset, rows=seg.rows_count, state=SegmentState.QUEUED,
            segment_size=seg.segment_size, uncompressed_size=seg.uncompressed_size,
            url_host=host_of(seg.uri) if seg.uri else None, hops=(), headers=tuple(redact_headers(seg.headers)),
            worker=None, queued_at=self.clock(), download_start=None, download_end=None, decode_start=None,
            decode_end=None, delivered_at=None, acked_at=None, retries=0, error=None, expires_at=seg.expires_at,
            ack_error=None,
        )
        with self.lock:
            self.segments[index] = snap
            if seg.kind == "inline":
                self.segments_inline += 1
            else:
                self.segments_spooled += 1
        self.emit(SegmentEvent(index=index, state=SegmentState.QUEUED, at=snap.queued_at,
                               detail=seg.kind, rows=seg.rows_count, bytes=seg.segment_size))

    def segment(self, index: int, state: SegmentState, *, worker: str | None = None, detail: str | None = None,
                nbytes: int = 0) -> None:
        """Record a transition; timestamps and counters follow from *state*."""
        now = self.clock()
        with self.lock:
            snap = self.segments.get(index)
            if snap is None:
                return
            change: dict[str, Any] = {}
            if worker is not None:
                change["worker"] = worker
            if state is SegmentState.DOWNLOADING:
                if snap.download_start is None:
                    change["download_start"] = now
            elif state is SegmentState.DOWNLOADED:
                change["download_end"] = now
                self.bytes_downloaded += nbytes
            elif state is SegmentState.DECODING:
                change["decode_start"] = now
            elif state is SegmentState.DECODED:
                change["decode_end"] = now
                self.bytes_decompressed += nbytes
            elif state is SegmentState.DELIVERED:
                change["delivered_at"] = now
            elif state is SegmentState.RETRIED:
                change["retries"] = snap.retries + 1
                self.retries += 1
                change["error"] = detail
            elif state is SegmentState.FAILED:
                change["error"] = detail
            if state is not SegmentState.RETRIED and snap.state is not SegmentState.ACKED:
                delivered_and_acked = state is SegmentState.DELIVERED and snap.acked_at is not None
                change["state"] = SegmentState.ACKED if delivered_and_acked else state
            self.segments[index] = replace(snap, **change)
            if state in _TERMINAL:
                self._finished_order.append(index)
        self.emit(SegmentEvent(index=index, state=state, at=now, worker=worker, detail=detail,
                               rows=snap.rows, bytes=nbytes))

    def hop(self, index: int, host: str) -> None:
        with self.lock:
            snap = self.segments.get(index)
            if snap is not None:
                self.segments[index] = replace(snap, hops=snap.hops + (host,))

    def acked(self, index: int, error: str | None, downloaded: bool) -> None:
        now = self.clock()
        with self.lock:
            snap = self.segments.get(index)
            if error is None:
                self.segments_acked += 1
            else:
                self.ack_failures += 1
            if snap is not None:
                if error is None:
                    done = snap.state is SegmentState.DELIVERED or not downloaded
                    self.segments[index] = replace(snap, acked_at=now, state=SegmentState.ACKED if done else snap.state)
                    if done and snap.state not in _TERMINAL:  # acked unread (stop/cancel): keep it visible
                        self._finished_order.append(index)
                else:
                    self.segments[index] = replace(snap, ack_error=error)
        self.emit(AckEvent(index=index, ok=error is None, at=now, error=error, downloaded=downloaded))

    def delivered_rows(self, rows: int) -> None:
        now = self.clock()
        with self.lock:
            self.rows_delivered += rows
            if not self._samples or now - self._samples[-1][0] >= 0.05:
                self._samples.append((now, self.rows_delivered, self.bytes_downloaded))
            while len(self._samples) > 2 and now - self._samples[1][0] > RATE_WINDOW:
                self._samples.popleft()

    # --- snapshot ----------------------------------------------------------------------

    def _rates(self, now: float) -> tuple[float, float]:
        if not self._samples:
            return 0.0, 0.0
        t0, r0, b0 = self._samples[0]
        if now - t0 > 2 * RATE_WINDOW:  # nothing delivered lately
            return 0.0, 0.0
        span = max(now - t0, 1e-6)
        return (self.rows_delivered - r0) / span, (self.bytes_downloaded - b0) / span

    def snapshot(self) -> PipelineSnapshot:
        from ..snapshots import PipelineSnapshot, StageSnapshot  # first snapshot: the classes are made

        depths = self.queue_depths()
        now = self.clock()
        with self.lock:
            recent = set(self._finished_order)
            segs = tuple(
                snap for idx, snap in sorted(self.segments.items())
                if snap.state not in _TERMINAL or idx in recent
            )
            stages = tuple(
                StageSnapshot(name=s.name, workers=s.workers, busy=s.busy, queue_depth=int(depths.get(s.name, 0)),
                              processed=s.processed, errors=s.errors, state=_stage_state(s))
                for s in self.stages.values()
            )
            rows_per_s, bytes_per_s = self._rates(now)
            return PipelineSnapshot(
                query_id=self.query_id, server_state=self.server_state, server_stats=dict(self.server_stats),
                encoding=self.encoding, protocol=self.protocol, started_at=self.started_at, now=now,
                elapsed=now - self.started_at, rows_delivered=self.rows_delivered,
                bytes_downloaded=self.bytes_downloaded, bytes_decompressed=self.bytes_decompressed,
                pages_fetched=self.pages_fetched, segments_total=len(self.segments),
                segments_inline=self.segments_inline, segments_spooled=self.segments_spooled,
                segments_acked=self.segments_acked, ack_failures=self.ack_failures, retries=self.retries,
                stages=stages, segments=segs, rows_per_s=rows_per_s, bytes_per_s=bytes_per_s,
                finished=self.finished, error=self.error, retry=self.retry,
            )
