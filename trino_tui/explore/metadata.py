"""Catalog metadata values: tree nodes, per-level load states and the SQL that lists each level.

A *path* names a level: ``()`` the catalogs, ``(c,)`` schemas of c, ``(c, s)`` tables and views,
``(c, s, t)`` columns. ``level_sql`` builds the statement for a path and ``parse_level`` turns its
rows into nodes. Immutable values; pure functions; thread-safe.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .quoting import like_contains, qualified, quote_ident, sql_string

__all__ = ["KINDS", "Level", "MetaNode", "Path", "level_sql", "parse_level", "search_sql", "parse_search",
           "tables_fallback_sql"]

Path = tuple[str, ...]
KINDS = ("catalog", "schema", "table", "view", "column")
_CHILD_KIND = {0: "catalog", 1: "schema", 2: "table", 3: "column"}


@dataclass(frozen=True)
class MetaNode:
    """One catalog object; ``path`` includes its own name; ``detail`` is a column's type."""

    kind: str
    path: Path
    detail: str = ""

    @property
    def name(self) -> str:
        return self.path[-1]

    @property
    def qualified(self) -> str:
        """The quoted qualified name (``tpch.tiny.lineitem``; a column's own name only)."""
        return quote_ident(self.name) if self.kind == "column" else qualified(*self.path)

    @property
    def expandable(self) -> bool:
        return self.kind != "column"


@dataclass(frozen=True)
class Level:
    """The children of one path: state ``unloaded`` | ``loading`` | ``loaded`` | ``error``."""

    path: Path
    state: str = "unloaded"
    children: tuple[MetaNode, ...] = field(default=())
    error: str | None = None

    @property
    def loaded(self) -> bool:
        return self.state == "loaded"


def level_sql(path: Path) -> str:
    """The statement that lists the children of ``path``."""
    if not path:
        return "SHOW CATALOGS"
    if len(path) == 1:
        return f"SHOW SCHEMAS FROM {quote_ident(path[0])}"
    if len(path) == 2:
        return (f"SELECT table_name, table_type FROM {quote_ident(path[0])}.information_schema.tables "
                f"WHERE table_schema = {sql_string(path[1])} ORDER BY table_name")
    if len(path) == 3:
        return f"SHOW COLUMNS FROM {qualified(*path)}"
    raise ValueError(f"no level below a column: {path!r}")


def tables_fallback_sql(path: Path) -> str:
    """SHOW TABLES for servers whose information_schema query failed."""
    return f"SHOW TABLES FROM {qualified(*path)}"


def _table_kind(table_type: object) -> str:
    return "view" if isinstance(table_type, str) and "VIEW" in table_type.upper() else "table"


def parse_level(path: Path, rows: list[list]) -> tuple[MetaNode, ...]:
    """Nodes from the rows of ``level_sql(path)`` (or of the SHOW TABLES fallback)."""
    kind = _CHILD_KIND[len(path)]
    out: list[MetaNode] = []
    for row in rows:
        if not row or row[0] is None:
            continue
        name = str(row[0])
        if kind == "table":
            out.append(MetaNode(_table_kind(row[1] if len(row) > 1 else None), path + (name,)))
        elif kind == "column":
            out.append(MetaNode("column", path + (name,), str(row[1]) if len(row) > 1 and row[1] else ""))
        else:
            out.append(MetaNode(kind, path + (name,)))
    return tuple(out)


def search_sql(catalog: str, text: str, limit: int = 500) -> str:
    """Schemas and tables of ``catalog`` whose name contains ``text`` (case-insensitive)."""
    pattern = like_contains(text.lower())
    return (f"SELECT table_schema, table_name, table_type FROM {quote_ident(catalog)}.information_schema.tables "
            f"WHERE lower(table_name) LIKE {pattern} ESCAPE '\\' OR lower(table_schema) LIKE {pattern} ESCAPE '\\' "
            f"ORDER BY table_schema, table_name LIMIT {int(limit)}")


def parse_search(catalog: str, rows: list[list]) -> tuple[MetaNode, ...]:
    return tuple(MetaNode(_table_kind(r[2] if len(r) > 2 else None), (catalog, str(r[0]), str(r[1])))
                 for r in rows if len(r) >= 2 and r[0] is not None and r[1] is not None)
