"""The comparable shape of one statement's wire answer: which QueryResults keys appear, column
types and signatures, values (or a digest for large results), error fields, stats keys, the state
sequence, Trino response headers, spooled-data keys and segment metadata keys. Volatile values
(query ids, transaction ids, timings, URIs) are normalised away. Pure functions.
"""

from __future__ import annotations

import hashlib
import json
import re

from tests.real_trino.harness import wire

MAX_ROWS = 60
QUERY_ID = re.compile(r"\d{8}_\d{6}_\d{5}_[a-z0-9]{5}")
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
# response headers that say nothing about the protocol
IGNORED_HEADERS = {"date", "content-length", "server", "connection", "keep-alive", "vary", "content-encoding",
                   "transfer-encoding"}


def norm(text: str) -> str:
    return UUID.sub("<uuid>", QUERY_ID.sub("<query_id>", text))


def _error(err: dict | None) -> dict | None:
    if not err:
        return None
    info = err.get("failureInfo") or {}
    return {"message": norm(err.get("message", "")), "errorCode": err.get("errorCode"),
            "errorName": err.get("errorName"), "errorType": err.get("errorType"),
            "errorLocation": err.get("errorLocation"), "keys": sorted(err),
            "failureInfo_type": info.get("type"), "failureInfo_keys": sorted(info),
            "failureInfo_causes": cause_chain(info)}


def cause_chain(info: dict) -> list[dict]:
    """The failureInfo cause chain: per level its type, message and keys (stacks dropped)."""
    out = []
    cause = info.get("cause")
    while isinstance(cause, dict):
        out.append({"type": cause.get("type"), "message": cause.get("message"), "keys": sorted(cause)})
        cause = cause.get("cause")
    return out


def _rows(rows: list[list]) -> dict:
    blob = json.dumps(rows, sort_keys=True, ensure_ascii=False)
    out = {"count": len(rows), "sha256": hashlib.sha256(blob.encode()).hexdigest()}
    out["values" if len(rows) <= MAX_ROWS else "head"] = rows[:MAX_ROWS] if len(rows) <= MAX_ROWS else rows[:5]
    return out


def _data_shape(ex: wire.Exchange) -> dict | None:
    spooled = [r.body["data"] for r in ex.responses if isinstance(r.body, dict) and isinstance(r.body.get("data"), dict)]
    if not spooled:
        return None
    seg_keys: dict[str, set] = {}
    meta_keys: dict[str, set] = {}
    for data in spooled:
        for seg in data.get("segments", []):
            seg_keys.setdefault(seg["type"], set()).update(seg)
            compressed = "uncompressedSize" in seg["metadata"]
            meta_keys.setdefault(f"{seg['type']}{'+compressed' if compressed else ''}", set()).update(seg["metadata"])
    return {"encoding": spooled[0]["encoding"], "keys": sorted({k for d in spooled for k in d}),
            "segment_keys": {k: sorted(v) for k, v in sorted(seg_keys.items())},
            "metadata_keys": {k: sorted(v) for k, v in sorted(meta_keys.items())}}


def _headers(ex: wire.Exchange) -> dict:
    names: set[str] = set()
    trino: dict[str, list[str]] = {}
    for r in ex.responses:
        for k, v in r.headers:
            k = k.lower()
            if k in IGNORED_HEADERS:
                continue
            names.add(k)
            if k.startswith("x-trino-"):
                vals = trino.setdefault(k, [])
                if norm(v) not in vals:
                    vals.append(norm(v))
    return {"names": sorted(names), "trino": dict(sorted(trino.items()))}


def _states(ex: wire.Exchange) -> list[str]:
    seq: list[str] = []
    for r in ex.responses:
        st = r.body.get("stats", {}).get("state") if isinstance(r.body, dict) else None
        if st and (not seq or seq[-1] != st):
            seq.append(st)
    return seq


def step_shape(ex: wire.Exchange, session_after: dict, rows: list[list], acks: list[int], keep_rows: bool) -> dict:
    bodies = [r.body for r in ex.responses if isinstance(r.body, dict)]
    last = ex.last
    stats = last.get("stats", {})
    columns = last.get("columns")
    return {
        "sql": ex.sql,
        "http_status": sorted({r.status for r in ex.responses}),
        "first_keys": sorted(bodies[0]) if bodies else [],
        "keys": sorted({k for b in bodies for k in b}),
        "last_keys": sorted(last),
        "stats_keys": sorted(stats),
        "root_stage_keys": sorted(stats.get("rootStage") or {}),
        "states": _states(ex),
        "columns": None if columns is None else [
            {"name": c["name"], "type": c["type"], "typeSignature": c.get("typeSignature")} for c in columns],
        "rows": _rows(rows) if keep_rows else {"count": len(rows)},
        "update_type": last.get("updateType"),
        "update_count": last.get("updateCount"),
        "error": _error(last.get("error")),
        "warnings": [w.get("warningCode", {}).get("name") for w in last.get("warnings", [])],
        "headers": _headers(ex),
        "data": _data_shape(ex),
        "acks": sorted(set(acks)),
        "session_after": session_after,
    }
