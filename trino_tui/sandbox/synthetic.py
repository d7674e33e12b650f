"""A big synthetic catalog for measuring catalog browsers: `--synthetic-catalog schemas=1000,tables=10000`.

Owns `SyntheticSpec` (the knob's text: schemas, tables in all, columns per table, rows per table,
latency seconds per statement) and `SyntheticCatalog`. Nothing is generated up front: names are
computed (schema `s0007` holds tables `t00070`..), information_schema is a set of DuckDB views over
range() (so LIKE filters run in DuckDB, never over Python lists), and a table becomes a DuckDB view
over range(rows) the first time a query names it. Thread-safe (view creation is serialised).
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass
from typing import Any

NAME = "synthetic"
_COLUMN_TYPES = (("id", "bigint", "i"), ("name", "varchar", "'name-' || CAST(i AS VARCHAR)"),
                 ("amount", "double", "CAST(i * 1.5 AS DOUBLE)"), ("day", "date", "DATE '2024-01-01' + CAST(i AS INTEGER)"),
                 ("price", "decimal(12, 2)", "CAST(i AS DECIMAL(12, 2))"), ("flag", "boolean", "i % 2 = 0"),
                 ("created", "timestamp(3)", "TIMESTAMP '2024-01-01 00:00:00' + INTERVAL (i) SECOND"))
_KEYS = {"schemas": int, "tables": int, "columns": int, "rows": int, "latency": float}


@dataclass(frozen=True)
class SyntheticSpec:
    schemas: int = 1000
    tables: int = 10000
    columns: int = 5
    rows: int = 3
    latency: float = 0.0

    @staticmethod
    def parse(text: str) -> "SyntheticSpec":
        """"schemas=1000,tables=10000[,columns=5][,rows=3][,latency=0.05]" -> a validated spec."""
        values: dict[str, Any] = {}
        for item in (p.strip() for p in text.split(",") if p.strip()):
            key, sep, raw = item.partition("=")
            key = key.strip().lower()
            if not sep or key not in _KEYS:
                raise ValueError(f"synthetic catalog: expected KEY=VALUE with KEY in {', '.join(_KEYS)}, got {item!r}")
            try:
                values[key] = _KEYS[key](raw.strip())
            except ValueError:
                raise ValueError(f"synthetic catalog: {key} must be a number, got {raw.strip()!r}") from None
        spec = SyntheticSpec(**values)
        if not (1 <= spec.schemas <= 100_000 and spec.schemas <= spec.tables <= 10_000_000):
            raise ValueError("synthetic catalog: need 1 <= schemas <= 100000 and schemas <= tables <= 10000000")
        if not (1 <= spec.columns <= len(_COLUMN_TYPES) and 0 <= spec.rows <= 1_000_000 and spec.latency >= 0):
            raise ValueError(f"synthetic catalog: columns 1..{len(_COLUMN_TYPES)}, rows 0..1000000, latency >= 0")
        return spec


class SyntheticCatalog:
    """The catalog described by a SyntheticSpec (see the module docstring)."""

    def __init__(self, spec: SyntheticSpec) -> None:
        self.spec = spec
        self.name = NAME
        self._per_schema = math.ceil(spec.tables / spec.schemas)
        self._width = max(4, len(str(spec.schemas - 1)))
        self._twidth = max(5, len(str(spec.tables - 1)))
        self._views: set[tuple[str, str]] = set()
        self._lock = threading.Lock()
        self._wait = threading.Event()  # never set: delay() waits its full latency

    def schemas(self) -> list[str]:
        return [f"s{i:0{self._width}d}" for i in range(self.spec.schemas)]

    def _index(self, schema: str) -> int | None:
        if len(schema) != self._width + 1 or schema[0] != "s" or not schema[1:].isdigit():
            return None
        i = int(schema[1:])
        return i if i < self.spec.schemas else None

    def has_schema(self, schema: str) -> bool:
        return self._index(schema) is not None

    def tables(self, schema: str) -> list[str]:
        i = self._index(schema)
        if i is None:
            return []
        first = i * self._per_schema
        return [f"t{k:0{self._twidth}d}" for k in range(first, min(first + self._per_schema, self.spec.tables))]

    def columns(self) -> list[tuple[str, str]]:
        return [(n, t) for n, t, _ in _COLUMN_TYPES[: self.spec.columns]]

    def delay(self) -> None:
        """The configured per-statement latency (emulates a slow metastore)."""
        if self.spec.latency > 0:
            self._wait.wait(self.spec.latency)

    def attach(self, con: Any, info_catalog: str) -> None:
        """ATTACH the catalog's DuckDB database and its information_schema views."""
        s, per, width, twidth = self.spec, self._per_schema, self._width, self._twidth
        con.execute(f"ATTACH ':memory:' AS {NAME}")
        con.execute(f'CREATE SCHEMA {info_catalog}."{NAME}"')
        schema_rows = f"SELECT s, 's' || lpad(CAST(s AS VARCHAR), {width}, '0') AS schema_name FROM range({s.schemas}) r(s)"
        table_rows = (f"SELECT sc.schema_name, 't' || lpad(CAST(sc.s * {per} + k AS VARCHAR), {twidth}, '0') AS table_name "
                      f"FROM ({schema_rows}) sc, range({per}) k(k) WHERE sc.s * {per} + k < {s.tables}")
        col_values = ", ".join(f"('{n}', {i + 1}, '{t}')" for i, (n, t) in enumerate(self.columns()))
        views = {
            "schemata": f"SELECT '{NAME}' AS catalog_name, schema_name FROM ({schema_rows}) "
                        f"UNION ALL SELECT '{NAME}', 'information_schema'",
            "tables": f"SELECT '{NAME}' AS table_catalog, schema_name AS table_schema, table_name, "
                      f"'BASE TABLE' AS table_type FROM ({table_rows})",
            "columns": f"SELECT '{NAME}' AS table_catalog, schema_name AS table_schema, table_name, c.column_name, "
                       f"CAST(c.ordinal_position AS BIGINT) AS ordinal_position, CAST(NULL AS VARCHAR) AS column_default, "
                       f"'YES' AS is_nullable, c.data_type FROM ({table_rows}), "
                       f"(VALUES {col_values}) c(column_name, ordinal_position, data_type)",
        }
        for table, body in views.items():
            con.execute(f'CREATE VIEW {info_catalog}."{NAME}"."{table}" AS {body}')

    def ensure_table(self, con: Any, schema: str, table: str) -> None:
        """Create the DuckDB view behind synthetic.<schema>.<table> on first use."""
        if (schema, table) in self._views:
            return
        with self._lock:
            if (schema, table) in self._views:
                return
            cur = con.cursor()
            try:
                cur.execute(f'CREATE SCHEMA IF NOT EXISTS {NAME}."{schema}"')
                exprs = ", ".join(f'{e} AS "{n}"' for n, _, e in _COLUMN_TYPES[: self.spec.columns])
                cur.execute(f'CREATE OR REPLACE VIEW {NAME}."{schema}"."{table}" AS SELECT {exprs} '
                            f"FROM range({self.spec.rows}) r(i)")
            finally:
                cur.close()
            self._views.add((schema, table))
