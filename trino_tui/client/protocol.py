"""Wire models of the statement protocol and the spooling extension.

``parse_query_results`` turns one coordinator response body into a ``QueryResults`` with
typed ``SegmentDescriptor``s (spooled data) or raw rows (direct data). Pure, thread-safe.
"""

from __future__ import annotations

import base64
import binascii
from datetime import datetime
from datetime import timezone as dt_timezone
from typing import Any, Mapping

import orjson

from trino_tui.records import record
from .config import KNOWN_ENCODINGS
from .errors import ProtocolError, QueryFailed

# Request headers
USER = "X-Trino-User"
ORIGINAL_USER = "X-Trino-Original-User"
SOURCE = "X-Trino-Source"
CATALOG = "X-Trino-Catalog"
SCHEMA = "X-Trino-Schema"
PATH = "X-Trino-Path"
TIME_ZONE = "X-Trino-Time-Zone"
SESSION = "X-Trino-Session"
ROLE = "X-Trino-Role"
PREPARED_STATEMENT = "X-Trino-Prepared-Statement"
TRANSACTION_ID = "X-Trino-Transaction-Id"
CLIENT_TAGS = "X-Trino-Client-Tags"
CLIENT_INFO = "X-Trino-Client-Info"
TRACE_TOKEN = "X-Trino-Trace-Token"
CLIENT_CAPABILITIES = "X-Trino-Client-Capabilities"
QUERY_DATA_ENCODING = "X-Trino-Query-Data-Encoding"
CAPABILITIES = "PATH,PARAMETRIC_DATETIME,SESSION_AUTHORIZATION"

# Response headers
SET_CATALOG = "X-Trino-Set-Catalog"
SET_SCHEMA = "X-Trino-Set-Schema"
SET_PATH = "X-Trino-Set-Path"
SET_SESSION = "X-Trino-Set-Session"
CLEAR_SESSION = "X-Trino-Clear-Session"
SET_ROLE = "X-Trino-Set-Role"
ADDED_PREPARE = "X-Trino-Added-Prepare"
DEALLOCATED_PREPARE = "X-Trino-Deallocated-Prepare"
STARTED_TRANSACTION_ID = "X-Trino-Started-Transaction-Id"
CLEAR_TRANSACTION_ID = "X-Trino-Clear-Transaction-Id"
SET_AUTHORIZATION_USER = "X-Trino-Set-Authorization-User"
RESET_AUTHORIZATION_USER = "X-Trino-Reset-Authorization-User"



@record
class SegmentDescriptor:
    """One segment of a spooled ``data`` object (inline bytes already base64-decoded)."""

    kind: str  # "inline" | "spooled"
    encoding: str
    row_offset: int
    rows_count: int
    segment_size: int
    uncompressed_size: int | None
    data: bytes | None = None  # inline only
    uri: str | None = None  # spooled only
    ack_uri: str | None = None
    headers: tuple[tuple[str, str], ...] = ()
    expires_at: str | None = None


@record
class QueryResults:
    """One parsed QueryResults document."""

    id: str
    info_uri: str
    next_uri: str | None
    partial_cancel_uri: str | None
    columns: list[dict] | None
    rows: list[list] | None  # direct protocol data
    encoding: str | None  # spooled data encoding
    segments: tuple[SegmentDescriptor, ...]
    stats: Mapping[str, Any]
    error: Mapping[str, Any] | None
    warnings: list[dict]
    update_type: str | None
    update_count: int | None

    @property
    def state(self) -> str:
        return str(self.stats.get("state", "")) if self.stats else ""


def _int_attr(meta: Mapping[str, Any], key: str, required: bool) -> int | None:
    value = meta.get(key)
    if value is None:
        if required:
            raise ProtocolError(f"segment metadata lacks {key}")
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ProtocolError(f"segment metadata {key}={str(value)[:40]!r} is not a non-negative integer")
    return value


def _segment_headers(raw: Any) -> tuple[tuple[str, str], ...]:
    if raw is None:
        return ()
    if not isinstance(raw, dict):
        raise ProtocolError("segment headers must be an object")
    out: list[tuple[str, str]] = []
    for name, values in raw.items():
        if isinstance(values, str):
            values = [values]
        if not isinstance(values, list):
            raise ProtocolError(f"segment header {name!r} must be a list of strings")
        out.extend((str(name), str(v)) for v in values)
    return tuple(out)


def parse_segment(raw: Any, encoding: str) -> SegmentDescriptor:
    """Parse one segment object of a spooled ``data`` object."""
    if not isinstance(raw, dict):
        raise ProtocolError("segment must be an object")
    meta = raw.get("metadata") or {}
    if not isinstance(meta, dict):
        raise ProtocolError("segment metadata must be an object")
    kind = raw.get("type")
    common = dict(
        encoding=encoding,
        row_offset=_int_attr(meta, "rowOffset", True),
        rows_count=_int_attr(meta, "rowsCount", True),
        segment_size=_int_attr(meta, "segmentSize", True),
        uncompressed_size=_int_attr(meta, "uncompressedSize", False),
    )
    if kind == "inline":
        try:
            data = base64.b64decode(raw.get("data") or "", validate=True)
        except (binascii.Error, ValueError, TypeError):
            raise ProtocolError("inline segment data is not valid base64") from None
        return SegmentDescriptor(kind="inline", data=data, **common)
    if kind == "spooled":
        uri, ack_uri = raw.get("uri"), raw.get("ackUri")
        if not uri or not ack_uri or not isinstance(uri, str) or not isinstance(ack_uri, str):
            raise ProtocolError("spooled segment lacks a uri or ackUri string")
        expires = meta.get("expiresAt")
        return SegmentDescriptor(
            kind="spooled", uri=str(uri), ack_uri=str(ack_uri), headers=_segment_headers(raw.get("headers")),
            expires_at=str(expires) if expires is not None else None, **common,
        )
    raise ProtocolError(f"unknown segment type {str(kind)[:40]!r}")


def expiry_passed(expires_at: str | None, timezone: str, now: datetime | None = None) -> bool:
    """True if a segment's ``expiresAt`` (local date-time in the session zone) lies in the past.
    Unparsable values or unknown zones count as not expired."""
    if not expires_at:
        return False
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError  # spooled segments only (zoneinfo reads sysconfig)

    try:
        local = datetime.fromisoformat(expires_at)
        zone = ZoneInfo(timezone) if "/" in timezone or timezone == "UTC" else None
    except (ValueError, ZoneInfoNotFoundError):
        return False
    if local.tzinfo is None:
        if zone is None:
            return False
        local = local.replace(tzinfo=zone)
    return (now or datetime.now(dt_timezone.utc)) >= local


def _field(doc: Mapping[str, Any], key: str, kind: type | tuple[type, ...]) -> Any:
    """``doc[key]`` if absent/null or of *kind*; ProtocolError otherwise."""
    value = doc.get(key)
    if value is None or (isinstance(value, kind) and not isinstance(value, bool)):
        return value
    raise ProtocolError(f"QueryResults field {key!r} has the wrong type ({type(value).__name__})")


def from_json(doc: Any) -> QueryResults:
    """Build QueryResults from an already decoded JSON object (every field type-checked)."""
    if not isinstance(doc, dict) or "id" not in doc:
        raise ProtocolError("response is not a QueryResults document")
    data = doc.get("data")
    rows: list[list] | None = None
    encoding: str | None = None
    segments: tuple[SegmentDescriptor, ...] = ()
    if isinstance(data, list):
        rows = data
    elif isinstance(data, dict):
        encoding = data.get("encoding")
        if encoding not in KNOWN_ENCODINGS:
            raise ProtocolError(f"unsupported spooling encoding {str(encoding)[:40]!r}")
        raw_segments = data.get("segments") or ()
        if not isinstance(raw_segments, list):
            raise ProtocolError("data.segments must be an array")
        segments = tuple(parse_segment(s, encoding) for s in raw_segments)
    elif data is not None:
        raise ProtocolError("data must be an array or an object")
    warnings = _field(doc, "warnings", list) or []
    return QueryResults(
        id=str(_field(doc, "id", (str, int))),
        info_uri=_field(doc, "infoUri", str) or "",
        next_uri=_field(doc, "nextUri", str),
        partial_cancel_uri=_field(doc, "partialCancelUri", str),
        columns=_field(doc, "columns", list),
        rows=rows,
        encoding=encoding,
        segments=segments,
        stats=_field(doc, "stats", dict) or {},
        error=_field(doc, "error", dict),
        warnings=[w for w in warnings if isinstance(w, dict)],
        update_type=_field(doc, "updateType", str),
        update_count=_field(doc, "updateCount", int),
    )


def parse_query_results(body: bytes) -> QueryResults:
    """Parse a coordinator response body; ``ProtocolError`` if it is not QueryResults."""
    try:
        doc = orjson.loads(body)
    except orjson.JSONDecodeError:
        snippet = body[:80].decode("utf-8", "replace")
        raise ProtocolError(f"coordinator sent invalid JSON: {snippet!r}") from None
    return from_json(doc)


def query_failed(error: Mapping[str, Any], query_id: str | None) -> QueryFailed:
    """Convert a QueryResults ``error`` object into QueryFailed."""
    location = error.get("errorLocation") or {}
    return QueryFailed(
        error_name=error.get("errorName"),
        error_type=error.get("errorType"),
        error_code=error.get("errorCode"),
        message=str(error.get("message") or "Internal error"),
        line=location.get("lineNumber"),
        column=location.get("columnNumber"),
        query_id=query_id,
    )
