"""Deterministic PipelineSnapshot builders for TUI tests (pipeline panel, status bar, app snapshots).

Everything here is a pure function of its arguments: no clock, no randomness (a fixed arithmetic
pattern decides states), so SVG snapshots are stable. Builds the real dataclasses of
``trino_tui.client.events``.

Main entry points:
    mid_query_snapshot()   ~60 segments in every state, inline + spooled, retries, a failure,
                           redirect hops, a secret header value (the UI must redact it)
    finished_snapshot()    every segment acked, all stages done
    pending_snapshot()     query submitted, protocol not known yet, no segments
    direct_snapshot()      direct protocol: no segments
    many_segments_snapshot(n)   thousands of segments (scaling tests)
    rate_series(n)         snapshots with varying rates (sparkline history)
"""

from __future__ import annotations

from dataclasses import replace

from trino_tui.client.events import SegmentSnapshot, SegmentState
from trino_tui.client.snapshots import PipelineSnapshot, StageSnapshot

START = 1000.0
"""Clock value at query start in every fake snapshot (monotonic seconds)."""
QUERY_ID = "20261121_054300_00042_tuits"
COORDINATOR = "127.0.0.1:8080"
STORAGE = "segments.s3.example.com"
SECRET_HEADER_VALUE = "c2VjcmV0LWN1c3RvbWVyLWtleQ=="
"""A header value that is *not* pre-redacted in one segment: the UI must never show it."""

ROWS_PER_SEGMENT = 1000
INLINE_ROWS = 120

# The state of spooled segment i in the mid-query snapshot follows this pattern: a prefix that is
# done, a middle in flight, a tail still queued — with a retry and a failure mixed in.
_MID_PATTERN: tuple[tuple[int, SegmentState], ...] = (
    (22, SegmentState.ACKED),
    (3, SegmentState.DELIVERED),
    (4, SegmentState.DECODED),
    (3, SegmentState.DECODING),
    (4, SegmentState.DOWNLOADED),
    (5, SegmentState.DOWNLOADING),
    (1, SegmentState.RETRIED),
    (1, SegmentState.FAILED),
    (15, SegmentState.QUEUED),
)


def make_segment(index: int, state: SegmentState, *, kind: str = "spooled", now: float = START + 12.0,
                 rows: int = ROWS_PER_SEGMENT, row_offset: int | None = None, retries: int = 0,
                 error: str | None = None, hops: tuple[str, ...] | None = None,
                 headers: tuple[tuple[str, str], ...] | None = None,
                 ack_error: str | None = None, queued_at: float | None = None) -> SegmentSnapshot:
    """One segment whose timestamps are consistent with *state* (earlier stages all have times)."""
    order = [SegmentState.QUEUED, SegmentState.DOWNLOADING, SegmentState.DOWNLOADED,
             SegmentState.DECODING, SegmentState.DECODED, SegmentState.DELIVERED, SegmentState.ACKED]
    progress = order.index(state) if state in order else 1  # retried/failed: in download
    queued = START + 0.05 + 0.18 * index if queued_at is None else queued_at
    step_time = 0.35 if queued_at is None else 0.02
    t = [queued + step * step_time for step in range(7)]
    at = lambda step: min(t[step], now) if progress >= step else None  # noqa: E731
    spooled = kind == "spooled"
    worker = None
    if progress >= 3:
        worker = f"decode-{index % 3}"
    elif progress >= 1 and spooled:
        worker = f"download-{index % 5}"
    if hops is None:
        hops = ((COORDINATOR, STORAGE) if index % 4 == 1 else (STORAGE,)) if spooled else ()
    if headers is None:
        headers = (("x-amz-server-side-encryption-customer-algorithm", "***"),
                   ("x-amz-server-side-encryption-customer-key", "***")) if spooled else ()
    size = 48_000 + (index * 7919) % 16_000
    return SegmentSnapshot(
        index=index, kind=kind,
        row_offset=row_offset if row_offset is not None else index * rows,
        rows=rows, state=state, segment_size=size, uncompressed_size=size * 4 if spooled else None,
        url_host=(hops[-1] if hops else None) if spooled else None, hops=hops, headers=headers,
        worker=worker, queued_at=queued,
        download_start=at(1) if spooled else None, download_end=at(2) if spooled else None,
        decode_start=at(3), decode_end=at(4), delivered_at=at(5), acked_at=at(6),
        retries=retries, error=error,
        expires_at="2026-11-21T06:43:00.5" if spooled else None, ack_error=ack_error,
    )


def make_stage(name: str, *, workers: int = 1, busy: int = 0, queue_depth: int = 0,
               processed: int = 0, errors: int = 0, state: str = "running") -> StageSnapshot:
    """A stage snapshot with sensible defaults."""
    return StageSnapshot(name=name, workers=workers, busy=busy, queue_depth=queue_depth,
                         processed=processed, errors=errors, state=state)


def _server_stats(state: str, done_splits: int, total_splits: int = 48) -> dict:
    queued = max(0, total_splits - done_splits - 6)
    running = total_splits - done_splits - queued
    return {"state": state, "queued": False, "scheduled": True, "nodes": 3,
            "totalSplits": total_splits, "queuedSplits": queued, "runningSplits": running,
            "completedSplits": done_splits, "cpuTimeMillis": 5120, "wallTimeMillis": 20480,
            "processedRows": 60_175 * done_splits // total_splits,
            "processedBytes": 7_340_032 * done_splits // total_splits, "physicalInputBytes": 7_340_032,
            "peakMemoryBytes": 33_554_432, "progressPercentage": 100.0 * done_splits / total_splits}


def _totals(segments: tuple[SegmentSnapshot, ...]) -> dict:
    delivered_states = {SegmentState.DELIVERED, SegmentState.ACKED}
    downloaded = [s for s in segments if s.kind == "spooled" and s.download_end is not None]
    decoded = [s for s in segments if s.decode_end is not None]
    return {
        "rows_delivered": sum(s.rows for s in segments if s.state in delivered_states),
        "bytes_downloaded": sum(s.segment_size for s in downloaded),
        "bytes_decompressed": sum(s.uncompressed_size or s.segment_size for s in decoded),
        "segments_total": len(segments),
        "segments_inline": sum(1 for s in segments if s.kind == "inline"),
        "segments_spooled": sum(1 for s in segments if s.kind == "spooled"),
        "segments_acked": sum(1 for s in segments if s.acked_at is not None),
        "ack_failures": sum(1 for s in segments if s.ack_error),
        "retries": sum(s.retries for s in segments),
    }


def mid_query_snapshot(*, now: float = START + 12.0) -> PipelineSnapshot:
    """60 segments (2 inline + 58 spooled) in every state; one retry, one failure, one ack failure."""
    segments: list[SegmentSnapshot] = [
        make_segment(0, SegmentState.ACKED, kind="inline", rows=INLINE_ROWS, row_offset=0, now=now),
        make_segment(1, SegmentState.ACKED, kind="inline", rows=INLINE_ROWS, row_offset=INLINE_ROWS,
                     now=now),
    ]
    index = 2
    for count, state in _MID_PATTERN:
        for _ in range(count):
            kwargs: dict = {}
            if state is SegmentState.RETRIED:  # as the client reports it: downloading again
                state = SegmentState.DOWNLOADING
                kwargs = {"retries": 2, "error": "HTTP 503 Service Unavailable (retrying)"}
            elif state is SegmentState.FAILED:
                kwargs = {"retries": 3, "error": "HTTP 410 Gone: segment expired at 2026-11-21T05:43:00"}
            elif index == 5:
                kwargs = {"ack_error": "ack: HTTP 500 Internal Server Error"}
            elif index == 6:  # a header value the client forgot to redact: the panel must redact it
                kwargs = {"headers": (("x-amz-server-side-encryption-customer-key", SECRET_HEADER_VALUE),
                                      ("x-amz-server-side-encryption-customer-algorithm", "AES256"))}
            segments.append(make_segment(index, state, now=now,
                                         row_offset=2 * INLINE_ROWS + (index - 2) * ROWS_PER_SEGMENT,
                                         **kwargs))
            index += 1
    segs = tuple(segments)
    stages = (
        make_stage("fetcher", busy=1, queue_depth=0, processed=31, state="running"),
        make_stage("dispatcher", busy=1, queue_depth=15, processed=45, state="running"),
        make_stage("downloaders", workers=5, busy=5, queue_depth=3, processed=35, errors=1,
                   state="running"),
        make_stage("decoders", workers=3, busy=3, queue_depth=4, processed=30, state="running"),
        make_stage("finalizer", busy=0, queue_depth=4, processed=27, errors=0, state="waiting"),
    )
    return PipelineSnapshot(
        query_id=QUERY_ID, server_state="RUNNING", server_stats=_server_stats("RUNNING", 30),
        encoding="json+zstd", protocol="spooled", started_at=START, now=now, elapsed=now - START,
        pages_fetched=31, stages=stages, segments=segs, rows_per_s=18_250.0,
        bytes_per_s=3.4 * 1024 * 1024, finished=False, error=None, **_totals(segs),
    )


def finished_snapshot(*, segments: int = 24, now: float = START + 20.0) -> PipelineSnapshot:
    """A query that completed: every segment delivered and acked, stages finished."""
    segs = tuple(make_segment(i, SegmentState.ACKED, now=now, kind="inline" if i == 0 else "spooled")
                 for i in range(segments))
    stages = tuple(make_stage(name, workers=w, processed=segments, state="finished")
                   for name, w in (("fetcher", 1), ("dispatcher", 1), ("downloaders", 5),
                                   ("decoders", 3), ("finalizer", 1)))
    return PipelineSnapshot(
        query_id=QUERY_ID, server_state="FINISHED", server_stats=_server_stats("FINISHED", 48),
        encoding="json+lz4", protocol="spooled", started_at=START, now=now, elapsed=now - START,
        pages_fetched=12, stages=stages, segments=segs, rows_per_s=0.0, bytes_per_s=0.0,
        finished=True, error=None, **_totals(segs),
    )


def pending_snapshot(*, now: float = START + 0.2) -> PipelineSnapshot:
    """Just submitted: no protocol decided yet, no segments."""
    stages = tuple(make_stage(name, workers=w, state="idle")
                   for name, w in (("fetcher", 1), ("dispatcher", 1), ("downloaders", 5),
                                   ("decoders", 3), ("finalizer", 1)))
    return PipelineSnapshot(
        query_id=None, server_state="QUEUED", server_stats={}, encoding=None, protocol="pending",
        started_at=START, now=now, elapsed=now - START, rows_delivered=0, bytes_downloaded=0,
        bytes_decompressed=0, pages_fetched=0, segments_total=0, segments_inline=0,
        segments_spooled=0, segments_acked=0, ack_failures=0, retries=0, stages=stages, segments=(),
        rows_per_s=0.0, bytes_per_s=0.0, finished=False, error=None,
    )


def direct_snapshot(*, now: float = START + 3.0) -> PipelineSnapshot:
    """Direct protocol (no spooling): rows arrive in pages, there are no segments."""
    return replace(pending_snapshot(now=now), query_id=QUERY_ID, server_state="RUNNING",
                   server_stats=_server_stats("RUNNING", 20), protocol="direct", rows_delivered=4200,
                   bytes_downloaded=512_000, pages_fetched=9, rows_per_s=1400.0,
                   bytes_per_s=170_000.0)


def failed_snapshot(*, now: float = START + 5.0) -> PipelineSnapshot:
    """The mid-query snapshot after the query failed."""
    return replace(mid_query_snapshot(now=now), server_state="FAILED", finished=True,
                   error="Query failed: SegmentExpired: segment 53 expired at 2026-11-21T05:43:00")


def many_segments_snapshot(n: int = 3000, *, now: float = START + 60.0) -> PipelineSnapshot:
    """*n* spooled segments cycling through the states (map scaling, render cost)."""
    cycle = (SegmentState.ACKED, SegmentState.ACKED, SegmentState.DELIVERED, SegmentState.DECODED,
             SegmentState.DOWNLOADING, SegmentState.QUEUED)
    spread = (now - START - 1.0) / n  # queued times spread over the query so far
    segs = tuple(make_segment(i, SegmentState.ACKED if i < n // 2 else cycle[i % len(cycle)],
                              now=now, queued_at=START + spread * i) for i in range(n))
    return replace(mid_query_snapshot(now=now), segments=segs, **_totals(segs))


def rate_series(count: int, *, start_index: int = 0) -> list[PipelineSnapshot]:
    """*count* successive snapshots 0.05 s apart whose rates follow a fixed saw-tooth."""
    base = mid_query_snapshot()
    out = []
    for k in range(start_index, start_index + count):
        now = base.now + 0.05 * k
        out.append(replace(base, now=now, elapsed=now - START, rows_per_s=1000.0 * (1 + k % 10),
                           bytes_per_s=100_000.0 * (1 + (k * 3) % 7)))
    return out
