"""Trino's output column names for a query DuckDB has bound.

Owns `trino_column_names`: DuckDB names an unaliased expression after its text (``count_star()``,
``(a + 1)``) where Trino says ``_col<N>`` (N = 0-based output position); bare column references
and aliases keep their names in both. Uses DuckDB's own parse tree (json_serialize_sql), so no
second SQL parser is needed. Pure apart from one DuckDB call; thread-safe with its own cursor.
"""

from __future__ import annotations

import json
from typing import Any


def _first_select(node: dict) -> dict | None:
    while node.get("type") == "SET_OPERATION_NODE":
        node = node.get("left") or (node.get("children") or [None])[0]
        if node is None:
            return None
    return node if node.get("type") == "SELECT_NODE" else None


def trino_column_names(cursor: Any, duck_sql: str, duck_names: list[str]) -> list[str]:
    """Names Trino would give the output columns of `duck_sql` (DuckDB's names as fallback)."""
    try:
        tree = json.loads(cursor.execute("SELECT json_serialize_sql(?)", [duck_sql]).fetchone()[0])
    except Exception:
        return duck_names
    if tree.get("error") or not tree.get("statements"):
        return duck_names
    node = _first_select(tree["statements"][0].get("node") or {})
    if node is None:
        return duck_names
    items = node.get("select_list") or []
    from_table = node.get("from_table") or {}
    if from_table.get("type") == "EXPRESSION_LIST" and len(items) == 1 and items[0].get("class") == "STAR":
        return [f"_col{i}" for i in range(len(duck_names))]   # a bare VALUES statement
    stars = sum(1 for e in items if e.get("class") == "STAR")
    if stars > 1 or len(items) - stars > len(duck_names):
        return duck_names
    expansion = len(duck_names) - (len(items) - stars)
    out: list[str] = []
    for item in items:
        if item.get("class") == "STAR":
            out.extend(duck_names[len(out):len(out) + expansion])
            continue
        pos = len(out)
        if item.get("alias") or item.get("class") == "COLUMN_REF":
            out.append(duck_names[pos])
        else:
            out.append(f"_col{pos}")
    return out if len(out) == len(duck_names) else duck_names
