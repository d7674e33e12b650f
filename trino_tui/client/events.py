"""Events published by the pipeline and the immutable PipelineSnapshot.

Listeners receive frozen ``QueryEvent``/``SegmentEvent``/``AckEvent``/``RetryEvent`` objects from pipeline
threads (a listener must be cheap, non-blocking and thread-safe). ``PipelineSnapshot`` and
its parts are frozen; ``Query.snapshot()`` builds one on demand.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Callable, Mapping, Union


STAGE_NAMES = ("fetcher", "dispatcher", "downloaders", "decoders", "finalizer")
"""The one tuple of pipeline stage names (``StageSnapshot.name``), in stream order."""


class SegmentState(str, Enum):
    QUEUED = "queued"
    DOWNLOADING = "downloading"
    DOWNLOADED = "downloaded"
    DECODING = "decoding"
    DECODED = "decoded"
    DELIVERED = "delivered"
    ACKED = "acked"
    RETRIED = "retried"
    FAILED = "failed"


@dataclass(frozen=True)
class QueryEvent:
    """Query-level change: started|columns|stats|finished|failed|cancelled|stopped."""

    kind: str
    query_id: str | None
    at: float
    state: str = ""
    detail: str | None = None
    stats: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SegmentEvent:
    """One step in a segment's life."""

    index: int
    state: SegmentState
    at: float
    worker: str | None = None
    detail: str | None = None
    rows: int = 0
    bytes: int = 0


@dataclass(frozen=True)
class AckEvent:
    """Result of acknowledging a spooled segment (ok=False carries the error)."""

    index: int
    ok: bool
    at: float
    error: str | None = None
    downloaded: bool = True


@dataclass(frozen=True)
class RetryEvent:
    """A retry is pending: *delay* seconds from *at* (clock time), *budget_left* seconds of the
    retry budget remain. phase: "submit" (the POST) | "poll" (nextUri) | "segment" (download)."""

    phase: str
    attempt: int
    delay: float
    budget_left: float
    reason: str
    at: float


Event = Union[QueryEvent, SegmentEvent, AckEvent, RetryEvent]
Listener = Callable[[Event], None]


@dataclass(frozen=True)
class SegmentSnapshot:
    index: int
    kind: str
    row_offset: int
    rows: int
    state: SegmentState
    segment_size: int
    uncompressed_size: int | None
    url_host: str | None
    hops: tuple[str, ...]
    headers: tuple[tuple[str, str], ...]
    worker: str | None
    queued_at: float
    download_start: float | None
    download_end: float | None
    decode_start: float | None
    decode_end: float | None
    delivered_at: float | None
    acked_at: float | None
    retries: int
    error: str | None
    expires_at: str | None
    ack_error: str | None


@dataclass(frozen=True)
class StageSnapshot:
    name: str
    workers: int
    busy: int
    queue_depth: int
    processed: int
    errors: int
    state: str


@dataclass(frozen=True)
class PipelineSnapshot:
    query_id: str | None
    server_state: str
    server_stats: Mapping[str, Any]
    encoding: str | None
    protocol: str
    started_at: float
    now: float
    elapsed: float
    rows_delivered: int
    bytes_downloaded: int
    bytes_decompressed: int
    pages_fetched: int
    segments_total: int
    segments_inline: int
    segments_spooled: int
    segments_acked: int
    ack_failures: int
    retries: int
    stages: tuple[StageSnapshot, ...]
    segments: tuple[SegmentSnapshot, ...]
    rows_per_s: float
    bytes_per_s: float
    finished: bool
    error: str | None
    retry: RetryEvent | None = None  # the pending coordinator retry (None when none is pending)
