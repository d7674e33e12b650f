"""The `system` catalog: `system.runtime.nodes` and `system.runtime.queries`, served from the
server's `SystemInfo`.

Owns: the `SystemInfo` protocol, the table definitions (Trino names and types) and `refresh`,
which copies a fresh snapshot into DuckDB tables `trino_system.runtime.*` right before a query
reads them (DuckDB's name `system` is taken by its own catalog). `refresh` runs in one DuckDB
transaction, so concurrent readers see either the old or the new snapshot.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Protocol

from .info_schema import replace_rows

DUCK_CATALOG = "trino_system"
SCHEMA = "runtime"

# table -> ((trino column, trino type, DuckDB type), ...)
SYSTEM_TABLES: dict[str, tuple[tuple[str, str, str], ...]] = {
    "nodes": (
        ("node_id", "varchar", "VARCHAR"), ("http_uri", "varchar", "VARCHAR"),
        ("node_version", "varchar", "VARCHAR"), ("coordinator", "boolean", "BOOLEAN"),
        ("state", "varchar", "VARCHAR"),
    ),
    "queries": (
        ("query_id", "varchar", "VARCHAR"), ("state", "varchar", "VARCHAR"), ("user", "varchar", "VARCHAR"),
        ("source", "varchar", "VARCHAR"), ("query", "varchar", "VARCHAR"),
        ("resource_group_id", "array(varchar)", "VARCHAR[]"),
        ("queued_time_ms", "bigint", "BIGINT"), ("analysis_time_ms", "bigint", "BIGINT"),
        ("planning_time_ms", "bigint", "BIGINT"),
        ("created", "timestamp(3) with time zone", "TIMESTAMPTZ"),
        ("started", "timestamp(3) with time zone", "TIMESTAMPTZ"),
        ("last_heartbeat", "timestamp(3) with time zone", "TIMESTAMPTZ"),
        ("end", "timestamp(3) with time zone", "TIMESTAMPTZ"),
        ("error_type", "varchar", "VARCHAR"), ("error_code", "varchar", "VARCHAR"),
    ),
}


class SystemInfo(Protocol):
    """What the server exposes about itself. Dicts use the column names of SYSTEM_TABLES; missing
    keys are NULL. Timestamps may be aware/naive-UTC datetimes, epoch seconds or ISO strings."""

    def nodes(self) -> list[dict]: ...

    def queries(self) -> list[dict]: ...


def create_tables(con: Any) -> None:
    con.execute(f"ATTACH ':memory:' AS {DUCK_CATALOG}")
    con.execute(f"CREATE SCHEMA {DUCK_CATALOG}.{SCHEMA}")
    for table, cols in SYSTEM_TABLES.items():
        body = ", ".join(f'"{n}" {d}' for n, _, d in cols)
        con.execute(f'CREATE TABLE {DUCK_CATALOG}.{SCHEMA}."{table}" ({body})')


def _timestamp(value: Any) -> dt.datetime | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)
    if isinstance(value, (int, float)):
        return dt.datetime.fromtimestamp(value, dt.timezone.utc)
    parsed = dt.datetime.fromisoformat(str(value))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.timezone.utc)


def _cell(value: Any, trino_type: str) -> Any:
    if trino_type.startswith("timestamp"):
        return _timestamp(value)
    if trino_type == "array(varchar)" and isinstance(value, str):
        return [value]
    if trino_type == "varchar" and value is not None and not isinstance(value, str):
        return str(value)
    return value


def refresh(con: Any, system: SystemInfo | None, table: str) -> None:
    """Replace the rows of `table` with a fresh snapshot from `system` (none: empty table)."""
    cols = SYSTEM_TABLES[table]
    records = (system.nodes() if table == "nodes" else system.queries()) if system is not None else []
    rows = [tuple(_cell(r.get(n), t) for n, t, _ in cols) for r in records]
    replace_rows(con, f'{DUCK_CATALOG}.{SCHEMA}."{table}"', len(cols), rows)
