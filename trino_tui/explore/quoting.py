"""Identifier and literal quoting for the SQL that exploration writes (Trino rules).

A name is left bare only when it is a lower-case regular identifier (``[a-z_][a-z0-9_]*``) that is
not a reserved word; otherwise it is double-quoted with ``"`` doubled. Pure; thread-safe.
"""

from __future__ import annotations

import re

__all__ = ["RESERVED", "like_contains", "qualified", "quote_ident", "sql_string"]

# Trino's reserved keywords (they need quoting as identifiers).
RESERVED = frozenset("""
alter and as between by case cast constraint create cross cube current_catalog current_date current_path
current_role current_schema current_time current_timestamp current_user deallocate delete describe distinct
drop else end escape except execute exists extract false for from full group grouping having in inner insert
intersect into is join json_array json_exists json_object json_query json_table json_value left like
listagg localtime localtimestamp natural normalize not null on or order outer prepare recursive right rollup
select skip table then trim true uescape union unnest using values when where with
""".split())

_BARE = re.compile(r"[a-z_][a-z0-9_]*\Z")


def quote_ident(name: str) -> str:
    """``name`` as it must appear in SQL: bare when possible, else ``"..."``."""
    if _BARE.match(name) and name not in RESERVED:
        return name
    return '"' + name.replace('"', '""') + '"'


def qualified(*parts: str) -> str:
    """``catalog.schema.table`` with each part quoted as needed."""
    return ".".join(quote_ident(p) for p in parts)


def sql_string(value: str) -> str:
    """A SQL string literal."""
    return "'" + value.replace("'", "''") + "'"


def like_contains(text: str) -> str:
    """``'%text%'`` with LIKE wildcards in ``text`` escaped (use with ``ESCAPE '\\'``)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return sql_string(f"%{escaped}%")
