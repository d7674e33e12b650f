"""Protocol traces as JSON lines: the writer (thread-safe, secrets scrubbed) and the reader.

A trace file holds one JSON object per line, each with ``"type"``:
  ``meta``      first line: format version, tool version, start time (wall clock)
  ``statement`` a statement starts (its SQL, scrubbed); the records after it belong to it
  ``http``      one record of the client's ``trace`` hook (request/response, timings, sizes, states)
  ``snapshot``  a PipelineSnapshot sampled by the recorder; segments are delta-encoded: only the
                segments that changed since the previous snapshot record are written in full,
                ``"present"`` lists the indexes the snapshot held
  ``end``       the query's outcome and row count

Invariant (tested): no secret reaches the file — every header value except a short allowlist is
masked, URL user info and query strings (pre-signed signatures, tokens) are cut, and any string
field is passed through the client's ``redact``. ``TraceWriter`` may be called from pipeline
threads (a lock guards the file); it never raises into the caller after a write error (the
error is kept and reported on close).
"""

from __future__ import annotations

import dataclasses
import json
import threading
from dataclasses import dataclass, field
from enum import Enum
from typing import IO, Any, Iterable, Mapping
from urllib.parse import urlsplit, urlunsplit

FORMAT = "trino-tui-trace/1"
MASK = "***"
SAFE_HEADERS = frozenset({
    "content-type", "content-length", "content-encoding", "accept-encoding", "retry-after",
    "x-trino-query-data-encoding", "location", "x-trino-user", "x-trino-source", "x-trino-catalog",
    "x-trino-schema", "x-trino-time-zone", "user-agent", "transfer-encoding", "server",
})
"""Header names whose values are kept (URLs in them are still cut); every other value is masked."""


def cut_url(url: str) -> str:
    """*url* without user info, query string or fragment (signatures and tokens live there)."""
    if "://" not in url:
        return url
    parts = urlsplit(url)
    host = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


def _redact_text(text: str) -> str:
    """The client's free-text redaction (``trino_tui.client.redact_secrets``)."""
    from trino_tui.client import redact_secrets

    return redact_secrets(text)


def scrub_value(key: str, value: Any) -> Any:
    """A JSON-safe copy of one record field with secrets removed (recursive)."""
    if isinstance(value, Mapping):
        if key in ("headers", "request_headers", "response_headers"):
            return {str(k): scrub_header(str(k), v) for k, v in value.items()}
        return {str(k): scrub_value(str(k), v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        if key in ("headers", "request_headers", "response_headers") and all(
                isinstance(p, (list, tuple)) and len(p) == 2 for p in value):
            return [[str(k), scrub_header(str(k), v)] for k, v in value]
        return [scrub_value(key, v) for v in value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, str):
        if "://" in value:
            value = " ".join(cut_url(w) if "://" in w else w for w in value.split(" "))
        return _redact_text(value)
    if value is None or isinstance(value, (bool, int, float)):
        return value
    return _redact_text(str(value))


def scrub_header(name: str, value: Any) -> str:
    """Header value as written: kept for SAFE_HEADERS (URLs cut), masked otherwise."""
    if name.lower() not in SAFE_HEADERS:
        return MASK
    text = value if isinstance(value, str) else ", ".join(map(str, value)) if isinstance(
        value, (list, tuple)) else str(value)
    return scrub_value(name, text)


def record_dict(record: Any) -> dict[str, Any]:
    """A trace-hook record (dataclass or mapping) as a scrubbed dict."""
    if dataclasses.is_dataclass(record) and not isinstance(record, type):
        raw = {f.name: getattr(record, f.name) for f in dataclasses.fields(record)}
    elif isinstance(record, Mapping):
        raw = dict(record)
    else:
        raw = {"text": str(record)}
    return {str(k): scrub_value(str(k), v) for k, v in raw.items()}


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def segment_dict(seg: Any) -> dict[str, Any]:
    """One SegmentSnapshot as plain data (header values masked)."""
    out = {f.name: _plain(getattr(seg, f.name)) for f in dataclasses.fields(seg)}
    out["headers"] = [[k, MASK] for k, _v in seg.headers]
    out["hops"] = [cut_url(h) for h in seg.hops]
    for key in ("error", "ack_error"):
        if out.get(key):
            out[key] = scrub_value(key, out[key])
    return out


class SnapshotEncoder:
    """Delta-encodes successive snapshots of one query (not thread-safe: one recorder)."""

    def __init__(self) -> None:
        self._seen: dict[int, Any] = {}

    def encode(self, snap: Any) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in dataclasses.fields(snap):
            if f.name == "segments":
                continue
            out[f.name] = _plain(getattr(snap, f.name))
        if isinstance(out.get("error"), str):
            out["error"] = scrub_value("error", out["error"])
        if isinstance(out.get("retry"), Mapping) and out["retry"].get("reason"):
            out["retry"]["reason"] = scrub_value("reason", out["retry"]["reason"])
        changed = []
        for seg in snap.segments:
            if self._seen.get(seg.index) is not seg and self._seen.get(seg.index) != seg:
                changed.append(segment_dict(seg))
            self._seen[seg.index] = seg
        out["segments"] = changed
        out["present"] = [s.index for s in snap.segments]
        return out


@dataclass
class TraceWriter:
    """Writes one trace file; ``http`` may be called from any thread."""

    out: IO[str]
    server: str = ""
    wall_start: float = 0.0
    version: str = ""
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _encoder: SnapshotEncoder = field(default_factory=SnapshotEncoder, repr=False)
    error: str | None = None
    records: int = 0

    def __post_init__(self) -> None:
        self._write({"type": "meta", "format": FORMAT, "version": self.version,
                     "server": cut_url(self.server), "wall_start": self.wall_start})

    def _write(self, obj: Mapping[str, Any]) -> None:
        line = json.dumps(obj, separators=(",", ":"), default=str)
        with self._lock:
            if self.error is not None:
                return
            try:
                self.out.write(line + "\n")
                self.records += 1
            except (OSError, ValueError) as exc:
                self.error = f"cannot write the trace: {exc}"

    def statement(self, sql: str) -> None:
        """A new statement starts: its records follow (segment deltas start over)."""
        with self._lock:
            self._encoder = SnapshotEncoder()
        self._write({"type": "statement", "sql": scrub_value("sql", sql)})

    def http(self, record: Any) -> None:
        """The client's ``trace`` hook: one protocol record (scrubbed)."""
        self._write({"type": "http", **record_dict(record)})

    def snapshot(self, snap: Any) -> None:
        """Record *snap* (delta-encoded). Call from one thread (the recorder)."""
        with self._lock:
            data = self._encoder.encode(snap)
        self._write({"type": "snapshot", **data})

    def end(self, outcome: str | None, rows: int, error: str | None = None) -> None:
        self._write({"type": "end", "outcome": outcome, "rows": rows,
                     "error": scrub_value("error", error) if error else None})

    def close(self) -> str | None:
        """Flush; returns the write error, if any (one line)."""
        with self._lock:
            try:
                self.out.flush()
            except (OSError, ValueError) as exc:
                self.error = self.error or f"cannot write the trace: {exc}"
        return self.error


@dataclass
class Trace:
    """A trace read back: meta, protocol records, snapshots (rebuilt), end record."""

    meta: dict[str, Any]
    http: list[dict[str, Any]]
    snapshots: list[Any]
    end: dict[str, Any] | None  # the last statement's end record
    statements: list[str] = field(default_factory=list)


class TraceFormatError(ValueError):
    """The file is not a trino-tui trace (one line naming where)."""


def _rebuild(data: Mapping[str, Any], segments: dict[int, Any]) -> Any:
    from trino_tui.client import PipelineSnapshot, SegmentSnapshot, SegmentState, StageSnapshot

    seg_fields = {f.name for f in dataclasses.fields(SegmentSnapshot)}
    for raw in data.get("segments", ()):
        values = {k: v for k, v in raw.items() if k in seg_fields}
        values["state"] = SegmentState(values["state"])
        values["hops"] = tuple(values.get("hops") or ())
        values["headers"] = tuple(tuple(h) for h in values.get("headers") or ())
        segments[values["index"]] = SegmentSnapshot(**values)
    snap_fields = {f.name: f for f in dataclasses.fields(PipelineSnapshot)}
    values = {k: v for k, v in data.items() if k in snap_fields}
    values["stages"] = tuple(StageSnapshot(**s) for s in data.get("stages", ()))
    values["segments"] = tuple(segments[i] for i in data.get("present", ()) if i in segments)
    if "retry" in snap_fields and isinstance(values.get("retry"), Mapping):
        try:
            from trino_tui.client import RetryEvent
            values["retry"] = RetryEvent(**values["retry"])
        except (ImportError, TypeError):
            values["retry"] = None
    for name, f in snap_fields.items():
        if name not in values and f.default is not dataclasses.MISSING:
            values[name] = f.default
    return PipelineSnapshot(**values)


def read_trace(lines: Iterable[str]) -> Trace:
    """Parse a trace; raises TraceFormatError on anything else (never a traceback for users)."""
    meta: dict[str, Any] | None = None
    http: list[dict[str, Any]] = []
    snaps: list[Any] = []
    end = None
    segments: dict[int, Any] = {}
    statements: list[str] = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
            kind = obj["type"]
        except (ValueError, TypeError, KeyError) as exc:
            raise TraceFormatError(f"line {number}: not a trace record ({exc})") from None
        if number == 1 and (kind != "meta" or obj.get("format") != FORMAT):
            raise TraceFormatError(f"line 1: not a {FORMAT} file")
        if kind == "meta":
            meta = obj
        elif kind == "statement":
            statements.append(str(obj.get("sql", "")))
            segments = {}
        elif kind == "http":
            http.append(obj)
        elif kind == "snapshot":
            try:
                snaps.append(_rebuild(obj, segments))
            except (KeyError, TypeError, ValueError) as exc:
                raise TraceFormatError(f"line {number}: bad snapshot record ({exc})") from None
        elif kind == "end":
            end = obj
    if meta is None:
        raise TraceFormatError("empty trace file")
    return Trace(meta, http, snaps, end, statements)
