"""Trino JSON text of nested values (ARRAY / MAP / ROW), encoded in Python from DuckDB leaf texts.

Why: DuckDB binds nested lambdas (and macros such as array_to_string) in time and memory that grow
exponentially with the nesting depth (ARRAY depth 9: > 3 GB). So nested columns are never rendered
with per-level SQL lambdas. Instead the row query CASTs a nested column structurally to the same
shape with every non-integer leaf as VARCHAR (`text_leaves_type`, one cast, linear in the type),
and `encode` walks the fetched Python value once. Cost is linear in type size and value size.
Pure functions; thread-safe.
"""

from __future__ import annotations

import base64
import re
from datetime import datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import orjson

from .rowjson import ZoneSpec, java_double_text, scalar_run_sql
from .trino_types import TrinoType

_KEEP = frozenset({"boolean", "tinyint", "smallint", "integer", "bigint"})
_NESTED = frozenset({"array", "map", "row"})
_INTERVAL_PART = re.compile(r"(-?\d+) (year|mon|day)")
_INTERVAL_TIME = re.compile(r"(-?)(\d+):(\d{2}):(\d{2})(?:\.(\d+))?")
_OFFSET = re.compile(r"([+-])(\d{2})(?::?(\d{2}))?(?::?(\d{2}))?$")


def is_nested(t: TrinoType) -> bool:
    return t.raw in _NESTED


def text_leaves_type(duck_type: Any) -> str:
    """DuckDB type text of *duck_type* (a DuckDBPyType) with leaves other than booleans and integers
    turned into VARCHAR; struct field names are kept (DuckDB casts named structs by name)."""
    tid = str(duck_type.id).lower()
    if tid in ("list", "array"):
        return text_leaves_type(duck_type.children[0][1]) + "[]"
    if tid == "map":
        ch = dict(duck_type.children)
        return f"MAP({text_leaves_type(ch['key'])}, {text_leaves_type(ch['value'])})"
    if tid in ("struct", "tuple"):
        fields = ", ".join('"' + (str(n).replace('"', '""') or f"f{i}") + '" ' + text_leaves_type(ct)
                           for i, (n, ct) in enumerate(duck_type.children))  # unnamed: cast by position
        return f"STRUCT({fields})"
    if tid in _KEEP:
        return tid.upper()
    return "VARCHAR"


def encode(value: Any, t: TrinoType, zone: ZoneSpec) -> str:
    """JSON text of *value* (as fetched after the text_leaves_type cast) of Trino type *t*."""
    if value is None:
        return "null"
    r = t.raw
    if r == "array":
        return "[" + ",".join(encode(v, t.params[0], zone) for v in value) + "]"
    if r == "map":
        key_t, val_t = t.params
        items = value.items() if isinstance(value, dict) else zip(value["key"], value["value"])
        parts = []
        for k, v in items:
            key = encode(k, key_t, zone)
            parts.append((key if key.startswith('"') else orjson.dumps(key).decode()) + ":" + encode(v, val_t, zone))
        return "{" + ",".join(parts) + "}"
    if r == "row":
        values = list(value.values()) if isinstance(value, dict) else list(value)
        return "[" + ",".join(encode(v, ft, zone) for v, (_, ft) in zip(values, t.params)) + "]"
    return leaf(value, t, zone)


def _q(text: str) -> str:
    return orjson.dumps(text).decode()


def _fraction(digits: str, p: int) -> str:
    digits = digits[:p].ljust(p, "0")
    return "." + digits if p else ""


def leaf(value: Any, t: TrinoType, zone: ZoneSpec) -> str:
    """JSON text of one scalar leaf: integers/booleans as fetched, everything else from DuckDB's text."""
    r = t.raw
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    s = str(value)
    if r in ("double", "real"):
        low = s.lower()
        if low == "nan":
            return '"NaN"'
        if low in ("inf", "infinity", "-inf", "-infinity"):
            return '"-Infinity"' if low.startswith("-") else '"Infinity"'
        return java_double_text(s)
    if r == "char":
        return _q(s.ljust(int(t.params[0])))
    if r == "varbinary":
        raw = re.sub(rb"\\x([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), s.encode("latin-1", "replace"))
        return _q(base64.b64encode(raw).decode())
    if r == "time":
        base, _, frac = s.partition(".")
        return _q(base + _fraction(frac, t.precision))
    if r == "timestamp":
        base, _, frac = s.partition(".")
        return _q(base + _fraction(frac, t.precision))
    if r == "timestamp with time zone":   # a value's own zone (zoned_literals) or the session's
        return _q(_timestamp_tz(s, t.precision, ZoneSpec.parse(t.zone) if t.zone else zone))
    if r == "interval day to second":
        return _q(_interval_ds(s))
    if r == "interval year to month":
        months = _interval_months(s)
        return _q(("-" if months < 0 else "") + f"{abs(months) // 12}-{abs(months) % 12}")
    if r == "decimal" and s.lstrip("-").startswith("."):
        return _q(s.replace(".", "0.", 1))
    return _q(s)  # varchar, json, decimal, date, uuid, time with time zone: DuckDB's text is Trino's


def _timestamp_tz(s: str, p: int, zone: ZoneSpec) -> str:
    m = _OFFSET.search(s)
    local = s[: m.start()] if m else s
    base, _, frac = local.partition(".")
    offset = timedelta(0)
    if m:
        offset = timedelta(hours=int(m.group(2)), minutes=int(m.group(3) or 0), seconds=int(m.group(4) or 0))
        offset = -offset if m.group(1) == "-" else offset
    moment = datetime.strptime(base, "%Y-%m-%d %H:%M:%S").replace(tzinfo=timezone(offset))
    if zone.region is not None:
        shown = moment.astimezone(ZoneInfo(zone.region) if zone.region != "UTC" else timezone.utc)
    else:
        shown = moment.astimezone(timezone(timedelta(minutes=zone.offset_minutes)))
    return shown.strftime("%Y-%m-%d %H:%M:%S") + _fraction(frac, p) + " " + zone.label


def _interval_months(s: str) -> int:
    months = 0
    for n, unit in _INTERVAL_PART.findall(s):
        if unit == "year":
            months += int(n) * 12
        elif unit == "mon":
            months += int(n)
    return months


def _interval_ds(s: str) -> str:
    micros = 0
    for n, unit in _INTERVAL_PART.findall(s):
        micros += int(n) * {"year": 360, "mon": 30, "day": 1}[unit] * 86_400_000_000
    m = _INTERVAL_TIME.search(s)
    if m:
        part = ((int(m.group(2)) * 60 + int(m.group(3))) * 60 + int(m.group(4))) * 1_000_000
        part += int((m.group(5) or "").ljust(6, "0")[:6] or 0)
        micros += -part if m.group(1) == "-" else part
    ms = abs(round(micros / 1000))
    sign = "-" if micros < 0 else ""
    return (f"{sign}{ms // 86_400_000} {(ms // 3_600_000) % 24:02d}:{(ms // 60_000) % 60:02d}:"
            f"{(ms // 1000) % 60:02d}.{ms % 1000:03d}")


def row_query(inner_sql: str, types: list[TrinoType], duck_types: list[Any], zone: ZoneSpec):
    """(SQL, assemble) for a result with nested columns: the SQL yields, in column order, one text
    piece per run of scalar columns (rowjson.scalar_run_sql) and each nested column cast with
    text_leaves_type; `assemble(row_tuple)` returns the row's Trino JSON text."""
    selects: list[str] = []
    plan: list[TrinoType | None] = []  # None: a ready text piece; a type: a nested value to encode
    run: list[int] = []

    def flush() -> None:
        if run:
            selects.append(scalar_run_sql([f"_q.c{i}" for i in run], [types[i] for i in run], zone))
            plan.append(None)
            run.clear()

    for i, t in enumerate(types):
        if is_nested(t):
            flush()
            selects.append(f"CAST(_q.c{i} AS {text_leaves_type(duck_types[i])})")
            plan.append(t)
        else:
            run.append(i)
    flush()
    cols = ", ".join(f"c{i}" for i in range(len(types)))
    sql = f"SELECT {', '.join(selects)} FROM (\n{inner_sql}\n) AS _q({cols})"

    def assemble(row: tuple) -> str:
        return "[" + ",".join(v if t is None else encode(v, t, zone) for v, t in zip(row, plan)) + "]"

    return sql, assemble
