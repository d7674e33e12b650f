"""Which schemas, tables and declared columns each sandbox catalog has (tpch, system, memory,
information_schema and the optional synthetic catalog). Listing never generates tpch data.
Stateless apart from its collaborators; thread-safe.
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

from . import alltypes, info_schema, system_tables
from .synthetic import SyntheticCatalog
from .trino_types import TrinoType, parse_type

DECLARED_PREFIX = "trino:"   # a memory table column's DuckDB comment: its declared Trino type (memory_tables)


class CatalogFacts:
    def __init__(self, tpch: Any, configured: Sequence[str], synthetic: SyntheticCatalog | None,
                 fetch: Callable[..., list[tuple]]) -> None:
        self._tpch = tpch
        self._configured = list(configured)
        self._synthetic = synthetic
        self._fetch = fetch  # runs a DuckDB query (memory catalog listings)

    def _is_synthetic(self, catalog: str) -> bool:
        return self._synthetic is not None and catalog == self._synthetic.name

    def schemas(self, catalog: str) -> list[str]:
        """Schemas of a catalog, information_schema included (as Trino lists them)."""
        if catalog == "tpch":
            names = self._tpch.listed_schemas(self._configured)
        elif catalog == "system":
            names = [system_tables.SCHEMA]
        elif self._is_synthetic(catalog):
            names = self._synthetic.schemas()  # type: ignore[union-attr]
        else:
            rows = self._fetch("SELECT schema_name FROM duckdb_schemas() WHERE database_name = 'memory' "
                               "AND schema_name NOT IN ('main', 'pg_catalog', 'information_schema')")
            names = [r[0] for r in rows]
        return sorted({*names, info_schema.SCHEMA})

    def tables(self, catalog: str, schema: str) -> list[str]:
        if schema == info_schema.SCHEMA:
            return sorted(info_schema.INFO_TABLES)
        if catalog == "tpch":
            return self._tpch.tables()
        if catalog == "system":
            return sorted(system_tables.SYSTEM_TABLES)
        if self._is_synthetic(catalog):
            return self._synthetic.tables(schema)  # type: ignore[union-attr]
        rows = self._fetch("SELECT table_name FROM duckdb_tables() WHERE database_name = 'memory' AND "
                           "schema_name = ? UNION SELECT view_name FROM duckdb_views() WHERE "
                           "database_name = 'memory' AND schema_name = ? AND NOT internal", [schema, schema])
        return sorted(r[0] for r in rows)

    def declared_columns(self, catalog: str, schema: str, table: str) -> list[tuple[str, TrinoType]] | None:
        """Columns with the Trino types the table declares (None: only DuckDB's types known)."""
        if schema == info_schema.SCHEMA:
            return [(n, parse_type(t)) for n, t, _ in info_schema.INFO_TABLES[table]]
        if catalog == "tpch":
            return [(c.name, parse_type(c.type_text)) for c in self._tpch.columns(table)]
        if catalog == "system":
            return [(n, parse_type(t)) for n, t, _ in system_tables.SYSTEM_TABLES[table]]
        if self._is_synthetic(catalog):
            return [(n, parse_type(t)) for n, t in self._synthetic.columns()]  # type: ignore[union-attr]
        if (schema, table) == ("default", alltypes.TABLE):
            return [(c.name, parse_type(c.type_text)) for c in alltypes.COLUMNS]
        rows = self._fetch("SELECT column_name, comment FROM duckdb_columns() WHERE database_name = 'memory' "
                           "AND schema_name = ? AND table_name = ? ORDER BY column_index", [schema, table])
        if rows and all(isinstance(c, str) and c.startswith(DECLARED_PREFIX) for _, c in rows):
            return [(n, parse_type(c[len(DECLARED_PREFIX):])) for n, c in rows]   # tables the sandbox created
        return None
