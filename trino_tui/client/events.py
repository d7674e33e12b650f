"""Events published by the pipeline, and each segment's frozen state (``SegmentSnapshot``).

Listeners receive frozen ``QueryEvent``/``SegmentEvent``/``AckEvent``/``RetryEvent`` objects from pipeline
threads (a listener must be cheap, non-blocking and thread-safe). The whole-pipeline
``PipelineSnapshot`` lives in ``snapshots`` (loaded when one is first asked for).
"""

from __future__ import annotations

from dataclasses import field
from enum import Enum
from typing import Any, Callable, Mapping, Union

from trino_tui.records import record


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


@record
class QueryEvent:
    """Query-level change: started|columns|stats|finished|failed|cancelled|stopped."""

    kind: str
    query_id: str | None
    at: float
    state: str = ""
    detail: str | None = None
    stats: Mapping[str, Any] = field(default_factory=dict)


@record
class SegmentEvent:
    """One step in a segment's life."""

    index: int
    state: SegmentState
    at: float
    worker: str | None = None
    detail: str | None = None
    rows: int = 0
    bytes: int = 0


@record
class AckEvent:
    """Result of acknowledging a spooled segment (ok=False carries the error)."""

    index: int
    ok: bool
    at: float
    error: str | None = None
    downloaded: bool = True


@record
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


@record
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
