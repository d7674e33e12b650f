"""Facts derived from a PipelineSnapshot for the pipeline panel (pure functions, no Textual/Rich).

Owns: segment-state names and order, header redaction for display, per-segment timing
breakdowns, per-worker activity intervals (placed on real thread names), the status line and the
stages as they read after a stop, and singular/plural row counts. Works on any object with the documented snapshot field names (duck typing), so it is testable without the
client. Retrieval routes and modes live in trino_tui.insight.routes (shared with the doctor)
and are re-exported here. Stateless and thread-safe.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping, Sequence

from trino_tui.client import STAGE_NAMES
from trino_tui.insight.routes import (  # noqa: F401 - re-exported for the panel widgets
    MODE_COORDINATOR_PROXY,
    MODE_DIRECT,
    MODE_INLINE,
    MODE_REDIRECT,
    MODE_WORKER_PROXY,
    distinct_hops,
    final_host,
    host_of,
    retrieval_mode,
    segment_route,
    summarize_routes,
)

if TYPE_CHECKING:  # pragma: no cover
    from trino_tui.client import PipelineSnapshot, SegmentSnapshot, StageSnapshot

SEGMENT_STATES: tuple[str, ...] = (
    "queued", "downloading", "downloaded", "decoding", "decoded",
    "delivered", "acked", "retried", "failed", "done",
)
"""Every map state in pipeline order (also the legend order). "done" is not a SegmentState: it
marks a segment that finished before the panel saw it (the client's snapshot lists active
segments and only the most recent finished ones)."""

DONE = "done"
TERMINAL_STATES = frozenset({"delivered", "acked", "failed", DONE})

STAGE_ORDER: tuple[str, ...] = tuple(STAGE_NAMES)
"""Pipeline order of the stage boxes: the client's one vocabulary of stage names."""

REDACTED = "***"


def state_name(state: Any) -> str:
    """The lower-case state name of a SegmentState (str-enum) or plain string."""
    return str(getattr(state, "value", state)).lower()


def display_state(seg: "SegmentSnapshot") -> str:
    """The map state of a segment: its state, or "retried" while a retry of it is under way."""
    state = state_name(seg.state)
    if seg.retries and state in ("queued", "downloading"):
        return "retried"
    return state


_URL_SECRETS = re.compile(
    r"(https?://)(?:[^\s/@]+@)?([^\s/?#]+)([^\s?#;,)\"']*)(?:\?[^\s#;,)\"']*)?")


def scrub_urls(text: str) -> str:
    """*text* with URL user info and query strings removed (pre-signed URL signatures,
    tokens), e.g. in error messages shown on screen."""
    return _URL_SECRETS.sub(lambda m: f"{m[1]}{m[2]}{m[3]}", text)


def redacted_headers(headers: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """Header keys with every value replaced by ``***`` (defence in depth: the client redacts too)."""
    return [(key, REDACTED) for key, _value in headers]


@dataclass(frozen=True)
class Timing:
    """One step of a segment's life: label and duration in seconds (None = not reached)."""

    label: str
    seconds: float | None


def _span(start: float | None, end: float | None, now: float) -> float | None:
    if start is None:
        return None
    return max(0.0, (end if end is not None else now) - start)


def segment_timings(seg: "SegmentSnapshot", now: float) -> list[Timing]:
    """queued → download → decode → deliver → ack durations; a running step counts up to *now*."""
    download_begin = seg.download_start if seg.kind == "spooled" else None
    first_work = download_begin if download_begin is not None else seg.decode_start
    waiting = _span(seg.queued_at, first_work, now)
    ready = seg.decode_end
    return [
        Timing("queued", waiting),
        Timing("download", _span(download_begin, seg.download_end, now)),
        Timing("decode", _span(seg.decode_start, seg.decode_end, now)),
        Timing("deliver", _span(ready, seg.delivered_at, now) if ready is not None else None),
        Timing("ack", _span(seg.delivered_at, seg.acked_at, now)
               if seg.delivered_at is not None else None),
    ]


@dataclass(frozen=True)
class Interval:
    """A span of work by one worker thread on one segment; end None = still running."""

    worker: str
    kind: str  # "download" | "decode"
    segment: int
    start: float
    end: float | None


Attribution = Callable[[int, str], "str | None"]

POOL_STAGES = {"download": "downloaders", "decode": "decoders"}
"""Interval kind → the stage whose worker threads do that work (StageSnapshot.name)."""


def segment_intervals(seg: "SegmentSnapshot",
                      attribution: Attribution | None = None) -> list[Interval]:
    """The download/decode intervals of one segment, attributed to worker threads.

    A segment names only the last thread that touched it (``worker``); *attribution(index, kind)*
    may supply the thread seen earlier (the panel's ledger remembers it). Work whose thread was
    never seen gets an empty worker name ("") for :func:`place_on_threads` to place. A failed
    step has no end time: it becomes a zero-length mark rather than a bar running forever.
    """
    out: list[Interval] = []
    last = seg.worker or ""
    failed = state_name(seg.state) == "failed"
    for kind, start, end in (("download", seg.download_start, seg.download_end),
                             ("decode", seg.decode_start, seg.decode_end)):
        if start is None:
            continue
        if end is None and failed:
            end = start
        worker = last if last.startswith(kind) else None
        if worker is None and attribution is not None:
            worker = attribution(seg.index, kind)
        out.append(Interval(worker or "", kind, seg.index, start, end))
    return out


def thread_names(kind: str, count: int, seen: Iterable[str] = ()) -> list[str]:
    """*count* thread names of a pool: the names already *seen* for *kind* first (in order),
    then the client's convention ``download-1`` … filling up to *count*."""
    names = sorted({n for n in seen if n.startswith(f"{kind}-")}, key=worker_sort_key)
    i = 1
    while len(names) < count:
        if f"{kind}-{i}" not in names:
            names.append(f"{kind}-{i}")
        i += 1
    return names


def place_on_threads(intervals: Sequence[Interval], pools: Mapping[str, int], now: float,
                     seen: Iterable[str] = ()) -> list[Interval]:
    """Intervals whose thread was never seen (worker "") placed on a thread of their pool
    that was idle during the whole interval (threads of a pool never overlap work).

    The timeline then shows true pool occupancy under real thread names; only *which* idle
    thread did such work is inferred. Work that fits on no thread of the pool (done by a thread
    outside it, e.g. the consumer decoding a segment itself, or a pool size of 0) goes to a
    ``download-other`` / ``decode-other`` row instead of being lost.
    *seen*: thread names seen earlier in the query (their numbering is reused).
    """
    seen = {i.worker for i in intervals if i.worker} | set(seen)
    busy: dict[str, list[tuple[float, float]]] = {}
    for i in intervals:
        if i.worker:
            busy.setdefault(i.worker, []).append((i.start, i.end if i.end is not None else now))
    out = [i for i in intervals if i.worker]
    for i in sorted((i for i in intervals if not i.worker), key=lambda i: (i.start, i.segment)):
        end = i.end if i.end is not None else now
        for name in thread_names(i.kind, pools.get(i.kind, 0), seen):
            spans = busy.setdefault(name, [])
            if all(e <= i.start or s >= end for s, e in spans):
                spans.append((i.start, end))
                out.append(replace(i, worker=name))
                break
        else:
            out.append(replace(i, worker=f"{i.kind}-other"))
    return out


def pool_sizes(stages: Iterable["StageSnapshot"]) -> dict[str, int]:
    """Interval kind → thread count of its stage (see POOL_STAGES)."""
    by_name = {s.name: s.workers for s in stages}
    return {kind: by_name.get(stage, 0) for kind, stage in POOL_STAGES.items()}


def worker_intervals(segments: Sequence["SegmentSnapshot"], since: float,
                     attribution: Attribution | None = None) -> list[Interval]:
    """Intervals of *segments* (see :func:`segment_intervals`) that overlap ``[since, …)``."""
    return [i for seg in segments for i in segment_intervals(seg, attribution)
            if i.end is None or i.end >= since]


def worker_sort_key(name: str) -> tuple[int, str, int]:
    """Downloaders before decoders, numbered threads in numeric order, "-other" rows last."""
    kind = 0 if name.startswith("download") else 1 if name.startswith("decode") else 2
    _, _, suffix = name.rpartition("-")
    number = int(suffix) if suffix.isdigit() else 1 << 30
    return (kind, name.rstrip("0123456789?"), number)


def rows_text(n: int) -> str:
    """``1 row`` / ``1,234 rows`` (never "1 rows")."""
    return f"{n:,} row" if n == 1 else f"{n:,} rows"


OUTCOMES = ("finished", "failed", "cancelled", "stopped")
SETTLED_STAGE_STATES = frozenset({"done", "finished", "failed", "closed"})


def query_outcome(snap: "PipelineSnapshot | None", outcome: str | None = None) -> str | None:
    """The query's end as the user caused or saw it: *outcome* when the caller knows it (the
    app tells stop from cancel), else the snapshot's own ``outcome`` field when the client has
    one, else "failed"/"finished" from ``finished``/``error``; None while running."""
    if outcome in OUTCOMES:
        return outcome
    own = getattr(snap, "outcome", None)
    if own in OUTCOMES:
        return own
    if snap is None or not snap.finished:
        return None
    return "failed" if snap.error else "finished"


def status_line(snap: "PipelineSnapshot", outcome: str | None) -> tuple[str, str]:
    """(text, tone) of the panel's status: a stop and a cancel read differently and neither
    says FAILED (the server reports a user's cancel as FAILED/USER_CANCELED; that is not a
    failure to the user). tone is one of running/finished/stopped/cancelled/failed."""
    rows = rows_text(snap.rows_delivered)
    if outcome == "stopped":
        return f"stopped by you · {rows} kept · server query cancelled", "stopped"
    if outcome == "cancelled":
        return f"cancelled by you after {rows} · server query cancelled", "cancelled"
    if outcome == "failed":
        return f"failed after {rows}", "failed"
    if outcome == "finished":
        return f"finished · {rows}", "finished"
    state = (snap.server_state or "pending").lower()
    if snap.rows_delivered or snap.segments_total:
        return f"streaming · {rows} so far · server {state}", "running"
    return f"{state} · {rows} so far", "running"


def settled_stages(stages: Sequence["StageSnapshot"], outcome: str | None
                   ) -> tuple["StageSnapshot", ...]:
    """*stages* as they should read once the query is over: a stage still "running"/"busy"
    after a stop or cancel (e.g. the finalizer, which runs in the consumer's thread and is
    simply no longer called) shows the outcome instead; after success, "done". No thread is
    busy any more, and queued work was dropped (queues read 0) unless the query failed."""
    if outcome is None:
        return tuple(stages)
    final = "done" if outcome == "finished" else "stopped" if outcome == "failed" else outcome
    keep_queues = outcome == "failed"  # where work was stuck is evidence; after a stop it is gone
    return tuple(replace(s, state=s.state if s.state in SETTLED_STAGE_STATES else final, busy=0,
                         queue_depth=s.queue_depth if keep_queues else 0) for s in stages)
