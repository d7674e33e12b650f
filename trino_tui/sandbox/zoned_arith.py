"""Zoned timestamps through interval arithmetic, and NOT_SUPPORTED where DuckDB would lose the zone.

Owns `zoned_rewrite(cursor, duck_sql, ensure_marker)`: a value typed with a zone marker
(zoned_literals: a zoned TIMESTAMP literal or ``AT TIME ZONE``) keeps its zone through
``z + interval``, ``interval + z`` and ``z - interval`` (chains too), as Trino 476 does: the
instant moves by the interval (day to second: an exact duration; year to month: months added to
the local date-time in the value's zone, as Trino does across DST changes), the zone stays, and the precision
is max(3, p) for day-to-second intervals (Trino's intervals have milliseconds) and p for
year-to-month ones. Other uses that keep only the instant (comparisons, BETWEEN, ORDER BY /
GROUP BY keys, ``z1 - z2``, ARRAY / ROW items, a cast to another zone) are left as they are; any
other use (a function such as hour(z), CAST(z AS varchar), CASE, min/max, ...) would show the
session zone's fields instead of the value's, so it raises NOT_SUPPORTED. Uses the parse tree
(sqltree). Thread-safe (the caller's cursor).
"""

from __future__ import annotations

from typing import Any, Callable

from .sql_errors import TrinoError
from .sqltree import expression, parse_tree, tree_sql
from .zoned_columns import shifted_instant_sql
from .zoned_literals import marker_zone, zone_marker

_YEAR_MONTH = frozenset({"to_years", "to_months"})
_DAY_SECOND = frozenset({"to_weeks", "to_days", "to_hours", "to_minutes", "to_seconds", "to_milliseconds",
                         "to_microseconds"})
_KEEPERS = frozenset({"list_value", "struct_pack", "row", "to_unixtime"})   # ARRAY / ROW items keep their types
_INSTANT = frozenset({"COMPARISON", "BETWEEN"})
_INSTANT_OPERATORS = frozenset({"OPERATOR_IS_NULL", "OPERATOR_IS_NOT_NULL", "COMPARE_IN", "COMPARE_NOT_IN",
                                "ARRAY_CONSTRUCTOR"})


def _cast_type(node: dict) -> str:
    return str((node.get("type_expr") or {}).get("type_name") or node.get("cast_type", {}).get("id", ""))


def _zone_of(node: Any) -> tuple[int | None, str, str] | None:
    """(precision, zone, picosecond tail) of a marker-typed expression, else None."""
    if isinstance(node, dict) and node.get("class") == "CAST":
        return marker_zone(_cast_type(node))
    return None


def interval_kind(node: dict) -> str | None:
    """'ym' / 'ds' for an interval literal as the sandbox writes it, else None."""
    if node.get("class") == "FUNCTION" and not node.get("is_operator"):
        name = node.get("function_name")
        return "ym" if name in _YEAR_MONTH else "ds" if name in _DAY_SECOND else None
    if node.get("class") == "CAST":
        return {"trino_interval_ym": "ym", "INTERVAL": "ds"}.get(_cast_type(node))
    return None


def _arith(node: dict) -> tuple[dict, dict] | None:
    args = [a.get("expression") or {} for a in node.get("arguments") or []]
    if node.get("class") == "FUNCTION" and node.get("is_operator") and node.get("function_name") in ("+", "-") \
            and len(args) == 2:
        return args[0], args[1]
    return None


def _refused(what: str) -> TrinoError:
    return TrinoError("NOT_SUPPORTED", f"The sandbox cannot keep a timestamp with time zone's own zone through {what}; "
                                       "Trino would compute it in the value's zone")


class _Zoned:
    """One statement's rewrite (module docstring)."""

    def __init__(self, cur: Any, ensure_marker: Callable[[str], None]) -> None:
        self.cur, self.ensure_marker, self.changed = cur, ensure_marker, False

    def visit(self, node: Any, refuser: str | None) -> Any:
        """*node* rewritten; *refuser*: what the parent would drop a zone through (None: nothing)."""
        if isinstance(node, list):
            return [self.visit(x, refuser) for x in node]
        if not isinstance(node, dict):
            return node
        kind = node.get("class")
        inner: str | None = None
        if kind in (None, "TYPE"):   # an argument / ORDER BY item wrapper inherits; a query's clauses are their own
            inner = None if node.get("type") == "SELECT_NODE" else refuser
        elif not (kind in _INSTANT or node.get("type") in _INSTANT_OPERATORS or _arith(node) is not None
                  or _zone_of(node) is not None or node.get("function_name") in _KEEPERS):
            inner = f"{node['function_name']}(...)" if node.get("function_name") else \
                f"CAST(... AS {_cast_type(node)})" if kind == "CAST" else kind.lower().replace("_", " ")
        for k, v in list(node.items()):
            if isinstance(v, (dict, list)):
                node[k] = self.visit(v, inner)
        node = self.arithmetic(node)
        if refuser is not None and _zone_of(node) is not None:
            raise _refused(refuser)
        return node

    def arithmetic(self, node: dict) -> dict:
        pair = _arith(node)
        if pair is None:
            return node
        (left, right), op = pair, node["function_name"]
        zl, zr = _zone_of(left), _zone_of(right)
        if zl is None and zr is None or (zl is not None and zr is not None and op == "-"):
            return node   # no zoned operand, or z1 - z2 (an interval)
        zoned, other = (left, right) if zl is not None else (right, left)
        precision, zone, tail = zl or zr   # type: ignore[misc]
        if tail:
            return node   # beyond microseconds: fine_datetime refuses it
        interval = interval_kind(other)
        if interval is None or (op == "-" and zl is None):
            raise _refused(f"'{op}' with this operand")
        if interval == "ds" and precision is not None:
            precision = max(3, precision)
        marker = zone_marker(zone, precision)
        self.ensure_marker(marker)
        moved = shifted_instant_sql("__trino_z", zone, op, "__trino_i", interval, static=True)
        new = expression(self.cur, f"CAST({moved} AS {marker})", {"__trino_z": zoned, "__trino_i": other},
                         node.get("alias", ""))
        assert new is not None
        self.changed = True
        return new


def zoned_rewrite(cur: Any, duck_sql: str, ensure_marker: Callable[[str], None]) -> str | None:
    """*duck_sql* with zoned arithmetic kept zoned (module docstring); None: nothing to change.
    Raises TrinoError(NOT_SUPPORTED) where the zone would be lost."""
    tree = parse_tree(cur, duck_sql)
    if tree is None:
        return None
    zoned = _Zoned(cur, ensure_marker)
    zoned.visit(tree["statements"][0]["node"], None)
    return tree_sql(cur, tree) if zoned.changed else None
