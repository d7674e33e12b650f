"""Trino's output column names for a query DuckDB has bound.

Owns `trino_column_names`: DuckDB names an unaliased expression after its text (``count_star()``,
``(a + 1)``) where Trino says ``_col<N>`` (N = 0-based output position); bare column references
and aliases keep their names in both. Uses DuckDB's own parse tree (json_serialize_sql), so no
second SQL parser is needed. Pure apart from one DuckDB call; thread-safe with its own cursor.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from .trino_types import TrinoType
from .type_hints import hint_of, values_hints


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


_SYNTHETIC = 2 ** 64 - 1          # DuckDB's query_location of a typed literal's string
_DATETIME_CASTS = {"TIMESTAMP", "TIMESTAMPTZ", "TIMESTAMP WITH TIME ZONE", "TIME", "TIMETZ"}
_FRACTION = re.compile(r":\d{2}\.(\d+)")


def _precision(item: dict) -> int | None:
    """Trino's precision for datetime literals and clock functions (DuckDB keeps microseconds):
    TIMESTAMP '...' -> the literal's fraction digits; CAST(x AS timestamp) and now() -> 3."""
    cls = item.get("class")
    if cls == "CAST":
        type_expr = item.get("type_expr") or {}
        child = item.get("child") or {}
        if str(type_expr.get("type_name", "")).upper() in _DATETIME_CASTS and not type_expr.get("children"):
            if child.get("class") == "CONSTANT" and child.get("query_location") == _SYNTHETIC:
                m = _FRACTION.search(str((child.get("literal") or {}).get("text", "")))
                return len(m.group(1)) if m else 0
            return 3   # CAST(x AS timestamp) is timestamp(3) in Trino
    if cls == "COLUMN_REF" and item.get("column_names") in (["current_timestamp"], ["localtimestamp"]):
        return 3
    if cls == "FUNCTION" and item.get("function_name") in ("now", "current_timestamp", "localtimestamp") \
            and not item.get("arguments"):
        return 3
    return None


@dataclass(frozen=True)
class OutputColumns:
    """Trino names of a query's output columns, the base column each keeps the declared type
    of (None: none), a datetime precision hint and a Trino type hint per column (None: none)."""

    names: list[str]
    sources: list[str | None]
    precisions: list[int | None]
    hints: list[TrinoType | None] | None = None   # type_hints.refine these into DuckDB's types


def trino_column_names(cursor: Any, duck_sql: str, duck_names: list[str]) -> OutputColumns:
    """Trino's view of the output columns of `duck_sql` (DuckDB's names as fallback)."""
    fallback = OutputColumns(duck_names, list(duck_names), [None] * len(duck_names))
    try:
        tree = json.loads(cursor.execute("SELECT json_serialize_sql(?)", [duck_sql]).fetchone()[0])
    except Exception:
        return fallback
    if tree.get("error") or not tree.get("statements"):
        return fallback
    top = tree["statements"][0].get("node") or {}
    plain = top.get("type") == "SELECT_NODE"
    node = _first_select(top)
    if node is None:
        return fallback
    items = node.get("select_list") or []
    from_table = node.get("from_table") or {}
    if from_table.get("type") == "EXPRESSION_LIST" and len(items) == 1 and items[0].get("class") == "STAR":
        return OutputColumns([f"_col{i}" for i in range(len(duck_names))], [None] * len(duck_names),
                             [None] * len(duck_names), _values(from_table, len(duck_names)))   # bare VALUES
    stars = sum(1 for e in items if e.get("class") == "STAR")
    if stars > 1 or len(items) - stars > len(duck_names):
        return fallback
    expansion = len(duck_names) - (len(items) - stars)
    names: list[str] = []
    sources: list[str | None] = []
    precisions: list[int | None] = []
    hints: list[str | None] = []
    for item in items:
        if item.get("class") == "STAR":
            expanded = duck_names[len(names):len(names) + expansion]
            names.extend(expanded)
            sources.extend(expanded)
            precisions.extend([None] * len(expanded))
            hints.extend(_values(_values_list(from_table), len(expanded)) if len(items) == 1 else [None] * len(expanded))
            continue
        pos = len(names)
        named = item.get("alias") or (item.get("class") == "COLUMN_REF" and _precision(item) is None)
        names.append(duck_names[pos] if named else f"_col{pos}")
        sources.append(_source(item))
        precisions.append(_precision(item))
        hints.append(hint_of(item, plain))
    return OutputColumns(names, sources, precisions, hints) if len(names) == len(duck_names) else fallback


def _values_list(from_table: dict) -> dict:
    """The VALUES list behind ``FROM (VALUES ...) AS t(a, b)`` (an empty dict otherwise)."""
    if from_table.get("type") != "SUBQUERY":
        return {}
    node = (from_table.get("subquery") or {}).get("node") or {}
    items = node.get("select_list") or []
    inner = node.get("from_table") or {}
    if node.get("type") == "SELECT_NODE" and len(items) == 1 and items[0].get("class") == "STAR" \
            and inner.get("type") == "EXPRESSION_LIST":
        return inner
    return {}


def _values(expression_list: dict, width: int) -> list[TrinoType | None]:
    hints = values_hints(expression_list.get("values") or [])
    return hints if len(hints) == width else [None] * width
