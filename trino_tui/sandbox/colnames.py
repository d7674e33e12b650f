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


_PASSTHROUGH = frozenset({"max", "min", "any_value", "arbitrary", "first", "last", "upper", "lower", "trim",
                          "ltrim", "rtrim"})


def _source(item: dict) -> str | None:
    """Base column whose declared type an output column keeps (plain refs, max(col), upper(col)...)."""
    if item.get("class") == "COLUMN_REF":
        return (item.get("column_names") or [None])[-1]
    if item.get("class") in ("FUNCTION", "AGGREGATE") and item.get("function_name") in _PASSTHROUGH:
        args = [a.get("expression") or {} for a in item.get("arguments") or []] or item.get("children") or []
        if len(args) == 1 and args[0].get("class") == "COLUMN_REF":
            return (args[0].get("column_names") or [None])[-1]
    return None


def trino_column_names(cursor: Any, duck_sql: str, duck_names: list[str]) -> tuple[list[str], list[str | None]]:
    """(names Trino would give the output columns of `duck_sql`, the base column each output
    keeps the declared type of). Falls back to DuckDB's names as their own sources."""
    fallback = (duck_names, list(duck_names))
    try:
        tree = json.loads(cursor.execute("SELECT json_serialize_sql(?)", [duck_sql]).fetchone()[0])
    except Exception:
        return fallback
    if tree.get("error") or not tree.get("statements"):
        return fallback
    node = _first_select(tree["statements"][0].get("node") or {})
    if node is None:
        return fallback
    items = node.get("select_list") or []
    from_table = node.get("from_table") or {}
    if from_table.get("type") == "EXPRESSION_LIST" and len(items) == 1 and items[0].get("class") == "STAR":
        return [f"_col{i}" for i in range(len(duck_names))], [None] * len(duck_names)   # bare VALUES
    stars = sum(1 for e in items if e.get("class") == "STAR")
    if stars > 1 or len(items) - stars > len(duck_names):
        return fallback
    expansion = len(duck_names) - (len(items) - stars)
    names: list[str] = []
    sources: list[str | None] = []
    for item in items:
        if item.get("class") == "STAR":
            expanded = duck_names[len(names):len(names) + expansion]
            names.extend(expanded)
            sources.extend(expanded)
            continue
        pos = len(names)
        names.append(duck_names[pos] if item.get("alias") or item.get("class") == "COLUMN_REF" else f"_col{pos}")
        sources.append(_source(item))
    return (names, sources) if len(names) == len(duck_names) else fallback
