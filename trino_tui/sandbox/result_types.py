"""Result column types of sandbox queries: DuckDB's reported types refined by what the referenced
tables declare (varchar(n), char(n), json, ... that DuckDB cannot hold) and by literal precisions.
Pure; thread-safe.
"""

from __future__ import annotations

from typing import Any

from .trino_types import TrinoType, duckdb_storage, from_duckdb as type_from_duckdb


def declared_result_types(sources: list[str | None], duck_types: list[Any],
                          declared: dict[str, list[TrinoType]]) -> list[TrinoType]:
    """Trino types for result columns; a column whose source column is a declared column of a
    referenced table (k-th occurrence -> k-th table declaring it, *declared*: name -> types in
    table order) takes the declared type when DuckDB holds it the same way."""
    used: dict[str, int] = {}
    out: list[TrinoType] = []
    for name, dt in zip(sources, duck_types):
        reported = type_from_duckdb(dt)
        if name is None or reported.stored_zone:   # a zoned column's struct names its own precision
            out.append(reported)
            continue
        name = name.lower()   # DuckDB, like Trino, matches column names case-insensitively
        candidates = declared.get(name, [])
        k = used.get(name, 0)
        used[name] = k + 1
        choice = candidates[min(k, len(candidates) - 1)] if candidates else None
        out.append(choice if choice is not None and same_storage(choice, reported) else reported)
    return out


def with_precision(t: TrinoType, precision: int | None) -> TrinoType:
    """*t* with the fractional-second precision a literal asked for (time/timestamp types only)."""
    if precision is None or t.raw not in ("timestamp", "timestamp with time zone", "time", "time with time zone"):
        return t
    return TrinoType(t.raw, (precision,))


def same_storage(declared: TrinoType, reported: TrinoType) -> bool:
    try:
        return duckdb_storage(declared) == duckdb_storage(reported)
    except KeyError:
        return False


_DATETIME = frozenset({"time", "timestamp", "time with time zone", "timestamp with time zone"})


def legacy_datetime(t: TrinoType) -> TrinoType:
    """*t* as a client without the PARAMETRIC_DATETIME capability sees it: datetime types carry no
    precision (their values are written with milliseconds), also inside array/map/row."""
    if t.raw in _DATETIME:
        return TrinoType(t.raw)
    if t.raw in ("array", "map"):
        return TrinoType(t.raw, tuple(legacy_datetime(p) for p in t.params))
    if t.raw == "row":
        return TrinoType(t.raw, tuple((n, legacy_datetime(ft)) for n, ft in t.params))
    return t
