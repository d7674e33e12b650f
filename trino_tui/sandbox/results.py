"""QueryResults documents: stats, error objects, segment descriptors and the spliced response body.

Builds bytes exactly as trino-protocol.md §3.4/§4.2 describes: absent fields are omitted (never
null), `"warnings": []` always, `data` only when rows are carried. Direct-protocol pages and
spooled descriptors are spliced in as pre-encoded bytes (`b'"data":' + page`), so row JSON is
never parsed or re-serialized. Stateless functions; callers pass a `QueryView` snapshot.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import orjson

from .storage import SegmentStore, StoredSegment


@dataclass(frozen=True)
class QueryFailure:
    """A query error in Trino's terms (built from the engine's TrinoError or by the server)."""

    message: str
    error_code: int
    error_name: str
    error_type: str
    line: int | None = None
    column: int | None = None
    failure_type: str = "io.trino.spi.TrinoException"
    causes: tuple[tuple[str, str | None], ...] = ()   # failureInfo.cause chain (error_causes.py)
    runtime: bool = False   # raised while the planned statement ran (progress percentages are sent)

    @classmethod
    def from_engine(cls, err: Any) -> "QueryFailure":
        return cls(
            message=str(getattr(err, "message", None) or err), error_code=int(getattr(err, "error_code", 65536)),
            error_name=str(getattr(err, "error_name", "GENERIC_INTERNAL_ERROR")),
            error_type=str(getattr(err, "error_type", "INTERNAL_ERROR")),
            line=getattr(err, "line", None), column=getattr(err, "column", None),
            failure_type=str(getattr(err, "failure_type", None) or "io.trino.spi.TrinoException"),
            causes=tuple(getattr(err, "causes", ()) or ()), runtime=bool(getattr(err, "runtime", False)),
        )

    def to_json(self) -> dict[str, Any]:
        info: dict[str, Any] = {"code": self.error_code, "name": self.error_name, "type": self.error_type}
        failure: dict[str, Any] = {
            "type": self.failure_type, "message": self.message, "suppressed": [], "stack": [], "errorInfo": info,
        }
        out: dict[str, Any] = {
            "message": self.message, "errorCode": self.error_code,
            "errorName": self.error_name, "errorType": self.error_type,
        }
        if self.line is not None:
            loc = {"lineNumber": int(self.line), "columnNumber": int(self.column or 1)}
            out["errorLocation"] = loc
            failure["errorLocation"] = loc
        parent = failure
        for ctype, cmessage in self.causes:   # each cause: a Failure without location, same errorInfo
            cause: dict[str, Any] = {"type": ctype, "suppressed": [], "stack": [], "errorInfo": info}
            if cmessage is not None:
                cause["message"] = cmessage
            parent["cause"] = cause
            parent = cause
        out["failureInfo"] = failure
        return out


USER_CANCELED = QueryFailure("Query was canceled", 3, "USER_CANCELED", "USER_ERROR")
ABANDONED = QueryFailure("Query was abandoned by the client (no request within client_timeout)", 2,
                         "ABANDONED_QUERY", "USER_ERROR")


def internal_error(exc: BaseException) -> QueryFailure:
    return QueryFailure(f"{type(exc).__name__}: {exc}", 65536, "GENERIC_INTERNAL_ERROR", "INTERNAL_ERROR",
                        failure_type="java.lang.RuntimeException")


@dataclass(frozen=True)
class Progress:
    """Counters the stats are computed from (a consistent snapshot taken under the query lock)."""

    state: str
    elapsed_ms: int
    queued_ms: int
    running_ms: int
    workers: int
    total_splits: int
    queued_splits: int
    running_splits: int
    completed_splits: int
    processed_rows: int
    processed_bytes: int
    total_rows: int | None
    done: bool
    staged: bool = True  # False for statements Trino runs without stages (USE, SET, START TRANSACTION, ...)
    planned: bool = False  # columns known and a table read: a failure after this is a runtime failure with progress


# StatementStats fields Trino 476 always sends; the sandbox does not measure these phases
_TIMINGS = {"analysisTimeMillis": 0, "planningTimeMillis": 0, "finishingTimeMillis": 0,
            "physicalInputTimeMillis": 0, "internalNetworkInputBytes": 0}


def stats_json(p: Progress) -> dict[str, Any]:
    """StatementStats (+ rootStage with one leaf sub-stage emulating the worker stage)."""
    if p.state == "QUEUED":
        return {"state": "QUEUED", "queued": True, "scheduled": False, "nodes": 0, "totalSplits": 0,
                "queuedSplits": 0, "runningSplits": 0, "completedSplits": 0, "cpuTimeMillis": 0,
                "wallTimeMillis": 0, "queuedTimeMillis": p.queued_ms, "elapsedTimeMillis": p.elapsed_ms,
                "processedRows": 0, "processedBytes": 0, "physicalInputBytes": 0, "physicalWrittenBytes": 0,
                "peakMemoryBytes": 0, "spilledBytes": 0, **_TIMINGS}
    scheduled = p.state not in ("PLANNING",)
    nodes = p.workers + 1 if scheduled else 1
    splits = {"totalSplits": p.total_splits, "queuedSplits": p.queued_splits,
              "runningSplits": p.running_splits, "completedSplits": p.completed_splits}
    leaf = {"stageId": "1", "state": _stage_state(p), "done": p.done, "nodes": p.workers, **splits,
            "cpuTimeMillis": p.running_ms, "wallTimeMillis": p.running_ms, "processedRows": p.processed_rows,
            "processedBytes": p.processed_bytes, "physicalInputBytes": p.processed_bytes, "failedTasks": 0,
            "coordinatorOnly": False, "subStages": []}
    root = {**leaf, "stageId": "0", "nodes": 1, "totalSplits": 1 if scheduled else 0, "queuedSplits": 0,
            "runningSplits": 0 if p.done else (1 if scheduled else 0), "completedSplits": 1 if p.done else 0,
            "physicalInputBytes": 0, "coordinatorOnly": False, "subStages": [leaf]}
    out: dict[str, Any] = {"state": p.state, "queued": False, "scheduled": scheduled}
    if scheduled and p.staged and (p.planned or p.state != "FAILED"):  # none for a failure while planning
        if p.done:
            pct = 100.0
        elif p.total_rows:
            pct = min(99.0, 100.0 * p.processed_rows / p.total_rows)
        else:
            pct = 100.0 * p.completed_splits / p.total_splits if p.total_splits else 0.0
        out["progressPercentage"] = round(pct, 2)
        running = 0.0 if p.done or not p.total_splits else 100.0 * p.running_splits / p.total_splits
        out["runningPercentage"] = round(running, 2)
    out.update(nodes=nodes, **splits, cpuTimeMillis=p.running_ms, wallTimeMillis=p.running_ms,
               queuedTimeMillis=p.queued_ms, elapsedTimeMillis=p.elapsed_ms, processedRows=p.processed_rows,
               processedBytes=p.processed_bytes, physicalInputBytes=p.processed_bytes, physicalWrittenBytes=0,
               peakMemoryBytes=0, spilledBytes=0, **_TIMINGS)
    if p.staged:
        out["rootStage"] = root
    return out


def _stage_state(p: Progress) -> str:
    if p.state == "FAILED":
        return "FAILED"
    if p.done:
        return "FINISHED"
    return "RUNNING" if p.state == "RUNNING" else "PLANNED"


def expires_at_text(epoch: float, time_zone: str) -> str:
    """Java LocalDateTime.toString() of *epoch* in the session zone (seconds/millis dropped when zero)."""
    dt = datetime.fromtimestamp(epoch, tz=zone_of(time_zone)).replace(tzinfo=None)
    text = dt.strftime("%Y-%m-%dT%H:%M")
    ms = dt.microsecond // 1000
    if dt.second or ms:
        text += f":{dt.second:02d}"
    if ms:
        text += f".{ms:03d}"
    return text


def zone_of(name: str) -> timezone | ZoneInfo:
    """ZoneInfo for region ids, fixed offsets for "+05:30"/"-08:00", UTC otherwise."""
    if name and name[0] in "+-" and ":" in name:
        sign = -1 if name[0] == "-" else 1
        hours, minutes = name[1:].split(":", 1)
        return timezone(sign * timedelta(hours=int(hours), minutes=int(minutes)))
    try:
        return ZoneInfo(name)
    except Exception:  # unknown zone ids fall back to UTC for expiry display only
        return timezone.utc


@dataclass(frozen=True)
class SegmentOut:
    """One segment handed out in a response (inline payload or stored spooled segment)."""

    row_offset: int
    rows: int
    size: int
    uncompressed_size: int | None
    payload: bytes | None = None
    stored: StoredSegment | None = None


def segment_json(seg: SegmentOut, base: str, storage_url: str, mode: str, store: SegmentStore,
                 time_zone: str) -> dict[str, Any]:
    meta: dict[str, Any] = {"rowOffset": seg.row_offset, "rowsCount": seg.rows, "segmentSize": seg.size}
    if seg.uncompressed_size is not None:
        meta["uncompressedSize"] = seg.uncompressed_size
    if seg.stored is None:
        return {"type": "inline", "data": base64.b64encode(seg.payload or b"").decode(), "metadata": meta}
    stored = seg.stored
    meta["expiresAt"] = expires_at_text(stored.expires, time_zone)
    uri = (store.presign(stored, storage_url) if mode == "STORAGE"
           else f"{base}/v1/spooled/download/{stored.id}")
    return {"type": "spooled", "uri": uri, "ackUri": f"{base}/v1/spooled/ack/{stored.id}",
            "metadata": meta, "headers": stored.sse_headers()}


@dataclass
class Document:
    """Fields of one QueryResults; `data` is pre-encoded JSON bytes or None."""

    query_id: str
    info_uri: str
    next_uri: str | None
    columns: list[dict] | None
    data: bytes | None
    stats: dict[str, Any]
    error: QueryFailure | None = None
    update_type: str | None = None
    update_count: int | None = None
    partial_cancel_uri: str | None = None

    def encode(self) -> bytes:
        head: dict[str, Any] = {"id": self.query_id, "infoUri": self.info_uri}
        if self.partial_cancel_uri is not None:
            head["partialCancelUri"] = self.partial_cancel_uri
        if self.next_uri is not None:
            head["nextUri"] = self.next_uri
        if self.columns is not None:
            head["columns"] = self.columns
        tail: dict[str, Any] = {"stats": self.stats}
        if self.error is not None:
            tail["error"] = self.error.to_json()
        tail["warnings"] = []
        if self.update_type is not None:
            tail["updateType"] = self.update_type
        if self.update_count is not None:
            tail["updateCount"] = self.update_count
        tail_bytes = orjson.dumps(tail)
        if self.data is None:
            return orjson.dumps(head)[:-1] + b"," + tail_bytes[1:]
        return b"".join((orjson.dumps(head)[:-1], b',"data":', self.data, b",", tail_bytes[1:]))


def spooled_data(encoding: str, segments: list[dict[str, Any]]) -> bytes:
    return orjson.dumps({"encoding": encoding, "segments": segments})
