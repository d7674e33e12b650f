"""The immutable ``PipelineSnapshot`` and its ``StageSnapshot`` parts.

Frozen, so any thread may read one; ``Query.snapshot()`` builds one on demand (``PipelineStats``).
A module of its own so that a run nobody watches never creates these classes (start-up).
"""

from __future__ import annotations

from typing import Any, Mapping

from trino_tui.records import record
from .events import RetryEvent, SegmentSnapshot

__all__ = ["PipelineSnapshot", "StageSnapshot"]


@record
class StageSnapshot:
    name: str
    workers: int
    busy: int
    queue_depth: int
    processed: int
    errors: int
    state: str


@record
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
