"""Zoned table columns (timestamp(p) with time zone, each value with its own zone; DuckDB holds
them as trino_types.stored_zone_struct) inside a query, and the precision of ``col AT TIME ZONE``.

Owns `column_rewrite(cur, duck_sql, columns, ensure_marker)`, a rewrite of DuckDB's parse tree:
a zoned column stays the struct where Trino shows the value as it is (a select item, min/max/
arbitrary/count of one: rowjson renders it in its own zone); it becomes its instant where Trino
uses only the instant (comparisons, BETWEEN, IN, IS NULL, ORDER BY keys, ``z1 - z2``,
to_unixtime, count(DISTINCT z)); hour/minute/second/day/month/year(z) and CAST(z AS date /
timestamp(p) / varchar) are computed from its local date-time in its own zone; ``z ± INTERVAL``
keeps each value's zone (as zoned_arith for literals); ``z AT TIME ZONE
'x'`` is the instant shown in x with z's precision (also for a timestamp(p) column, whose
values are local times in the session zone). Any other
use (date_trunc, CASE, GROUP BY z, DISTINCT, UNION, ...) raises NOT_SUPPORTED: DuckDB would compute it in another zone or by the
stored zone's text. A zoned column renamed by a select item (``a AS x``) is zoned under its new
name for the whole statement. Thread-safe (the caller's cursor).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Callable

from .rowjson import ZoneSpec, stored_local_sql, stored_text_sql
from .sql_errors import TrinoError
from .sqltree import expression, parse_tree, tree_sql
from .trino_types import STORED_INSTANT, STORED_ZONE, TrinoType
from .zoned_arith import interval_kind
from .zoned_columns import local_instant, shifted_instant_sql
from .zoned_literals import marker_zone, zone_marker

_INSTANT_CLASSES = frozenset({"COMPARISON", "BETWEEN"})
_INSTANT_OPERATORS = frozenset({"OPERATOR_IS_NULL", "OPERATOR_IS_NOT_NULL", "COMPARE_IN", "COMPARE_NOT_IN"})
_PASS = frozenset({"CONJUNCTION", "CONJUNCTION_AND", "CONJUNCTION_OR", "OPERATOR_NOT"})
_AS_IS_AGGREGATES = frozenset({"min", "max", "arbitrary", "any_value", "first", "count"})
_FIELDS = frozenset({"hour", "minute", "second", "day", "month", "year"})   # of the local date-time
_LOCAL_CASTS = frozenset({"date", "timestamp"})


@dataclass(frozen=True)
class ColumnFacts:
    """Columns of the referenced tables, by lower-case name: zoned ones (precision), timestamp(p)
    ones (precision, for AT TIME ZONE), and names a zoned and another column share (ambiguous)."""

    zoned: dict[str, int] = field(default_factory=dict)
    timestamps: dict[str, int] = field(default_factory=dict)
    ambiguous: frozenset[str] = frozenset()
    session: ZoneSpec = ZoneSpec("UTC", "UTC")   # a timestamp column's values are local times there


def column_facts(tables: list[list[tuple[str, TrinoType]]], session: ZoneSpec) -> ColumnFacts:
    zoned: dict[str, int] = {}
    timestamps: dict[str, int] = {}
    others: set[str] = set()
    for columns in tables:
        for name, t in columns:
            key = name.lower()
            if t.raw == "timestamp with time zone":
                zoned[key] = t.precision
            elif t.raw == "timestamp":
                timestamps[key] = t.precision
                others.add(key)
            else:
                others.add(key)
    return ColumnFacts(zoned, timestamps, frozenset(zoned) & frozenset(others), session)


def _refused(what: str) -> TrinoError:
    return TrinoError("NOT_SUPPORTED", f"The sandbox cannot emulate {what} on a timestamp with time zone column "
                                       "(Trino computes it in each value's own zone)")


def _name(node: dict) -> str:
    return str((node.get("column_names") or [""])[-1]).lower()


def _args(node: dict) -> list[dict]:
    return [a.get("expression") or {} for a in node.get("arguments") or []]


def _cast_type(node: dict) -> str:
    return str((node.get("type_expr") or {}).get("type_name") or "")


class _Columns:
    """One statement's rewrite (module docstring)."""

    def __init__(self, cur: Any, facts: ColumnFacts, ensure_marker: Callable[[str], None]) -> None:
        self.cur, self.facts, self.ensure_marker, self.changed = cur, facts, ensure_marker, False

    def template(self, sql: str, slots: dict[str, dict], alias: str | None = None) -> dict:
        """The node of expression *sql*, slots filled (sqltree.expression); the statement changes."""
        node = expression(self.cur, sql, slots, alias)
        assert node is not None
        self.changed = True
        return node

    def instant(self, ref: dict) -> dict:
        return self.template("struct_extract_at(__trino_c, 1)", {"__trino_c": ref}, ref.get("alias", ""))

    def zoned(self, node: Any) -> bool:
        return isinstance(node, dict) and node.get("class") == "COLUMN_REF" and _name(node) in self.facts.zoned

    def column(self, node: dict, ctx: str) -> dict:
        name = _name(node)
        if name in self.facts.ambiguous:
            raise TrinoError("NOT_SUPPORTED", f"The sandbox cannot tell which table's column '{name}' is meant "
                                              "(one of them is a timestamp with time zone)")
        if name not in self.facts.zoned or ctx in ("item", "as_is"):
            return node
        if ctx == "instant":
            return self.instant(node)
        raise _refused(ctx)

    def select(self, node: dict) -> dict:
        for k, v in list(node.items()):
            if k == "select_list":
                node[k] = [self.visit(x, "item") for x in v]
            elif k == "group_expressions":
                node[k] = self.visit(v, "GROUP BY")
            elif k == "modifiers":
                for m in v:
                    if m.get("type") == "DISTINCT_MODIFIER" and self.facts.zoned:
                        raise _refused("DISTINCT")
                    for order in m.get("orders") or []:
                        order["expression"] = self.visit(order.get("expression"), "instant")
            elif isinstance(v, (dict, list)):
                node[k] = self.visit(v, "this expression")
        return node

    def visit(self, node: Any, ctx: str) -> Any:
        if isinstance(node, list):
            return [self.visit(x, ctx) for x in node]
        if not isinstance(node, dict):
            return node
        cls, kind = node.get("class"), node.get("type")
        if kind == "SELECT_NODE":
            return self.select(node)
        if kind == "SET_OPERATION_NODE" and self.facts.zoned and not node.get("setop_all", True):
            raise _refused("a set operation without ALL")
        if cls == "COLUMN_REF":
            return self.column(node, ctx)
        if cls == "CAST" and marker_zone(_cast_type(node)) is not None:
            return self.at_time_zone(node)
        fn = node.get("function_name")
        pair = _args(node)
        local = self.local(node, pair) if ctx != "instant" else None
        if local is None:
            local = self.shifted(node, pair, ctx)
        if local is not None:
            return local
        if cls in _INSTANT_CLASSES or kind in _INSTANT_OPERATORS or fn == "to_unixtime" or (
                fn == "-" and node.get("is_operator") and len(pair) == 2 and all(self.zoned(a) for a in pair)):
            inner = "instant"
        elif fn in _AS_IS_AGGREGATES and ctx == "item" and not node.get("distinct") and len(pair) == 1:
            inner = "as_is"
        elif fn == "count" and node.get("distinct") and len(pair) == 1:
            inner = "instant"   # Trino's distinct values of a timestamp with time zone are instants
        elif cls is None or cls == "TYPE" or kind in _PASS or cls == "SUBQUERY":
            inner = ctx if cls is None or kind in _PASS else "this expression"
        else:
            inner = f"{fn}(...)" if fn else f"CAST(... AS {_cast_type(node)})" if cls == "CAST" else \
                str(cls).lower().replace("_", " ")
        for k, v in list(node.items()):
            if isinstance(v, (dict, list)):
                node[k] = self.visit(v, inner)
        return node

    def local(self, node: dict, args: list[dict]) -> dict | None:
        """hour(z) ... year(z), CAST(z AS date / timestamp(p) / varchar): from z's local date-time
        in its own zone (as Trino computes them); None: not such a use."""
        if node.get("class") == "CAST" and self.zoned(node.get("child")):
            ref, target = node["child"], _cast_type(node).lower()
            name = _name(ref)
            if target == "varchar":
                return self.template(stored_text_sql("__trino_c", self.facts.zoned[name]), {"__trino_c": ref},
                                     node.get("alias", ""))
            if target in _LOCAL_CASTS or target.startswith("trino_timestamp_"):
                node["child"] = self.template(stored_local_sql("__trino_c"), {"__trino_c": ref})
                return node
            return None
        if node.get("class") == "FUNCTION" and node.get("function_name") in _FIELDS and len(args) == 1 \
                and self.zoned(args[0]) and not node.get("is_operator"):
            return self.template(f"{node['function_name']}({stored_local_sql('__trino_c')})", {"__trino_c": args[0]},
                                 node.get("alias", ""))
        return None

    def shifted(self, node: dict, args: list[dict], ctx: str) -> dict | None:
        """``z ± INTERVAL`` / ``INTERVAL + z`` as zoned_arith computes it for literals: the instant
        moves, each value keeps its zone; day-to-second intervals make the precision max(3, p)."""
        op = node.get("function_name")
        if node.get("class") != "FUNCTION" or not node.get("is_operator") or op not in ("+", "-") or len(args) != 2:
            return None
        zoned, other = (args[0], args[1]) if self.zoned(args[0]) else (args[1], args[0])
        kind = interval_kind(other) if self.zoned(zoned) and not self.zoned(other) else None
        if kind is None or (op == "-" and zoned is not args[0]) or ctx not in ("item", "instant"):
            return None
        p = self.facts.zoned[_name(zoned)]
        p = max(3, p) if kind == "ds" else p
        moved = shifted_instant_sql("struct_extract_at(__trino_c, 1)", "struct_extract_at(__trino_c, 2)", op, "__trino_i", kind)
        sql = moved if ctx == "instant" else \
            f'struct_pack("{STORED_INSTANT}{p}" := {moved}, "{STORED_ZONE}" := struct_extract_at(__trino_c, 2))'
        return self.template(sql, {"__trino_c": zoned, "__trino_i": other}, node.get("alias", ""))

    def at_time_zone(self, node: dict) -> dict:
        """``x AT TIME ZONE 'z'`` (zoned_literals' marker cast) on a column: the column's precision."""
        child = node.get("child") or {}
        precision, zone, tail = marker_zone(_cast_type(node))   # type: ignore[misc]
        if child.get("class") != "COLUMN_REF":
            node["child"] = self.visit(child, f"CAST(... AS {_cast_type(node)})")
            return node
        name = _name(child)
        p = self.facts.zoned.get(name, self.facts.timestamps.get(name))
        if name in self.facts.zoned:
            child = self.instant(child)
        elif name in self.facts.timestamps:   # Trino reads a timestamp in the session zone
            child = self.template(local_instant("__trino_c", self.facts.session), {"__trino_c": child})
        if p is None or precision is not None or tail:
            node["child"] = child
            return node
        marker = zone_marker(zone, p)
        self.ensure_marker(marker)
        return self.template(f"CAST(__trino_c AS {marker})", {"__trino_c": child}, node.get("alias", ""))


def _aliases(node: Any, zoned: dict[str, int]) -> dict[str, int]:
    """alias -> precision of every select item ``zoned_column AS alias`` in the tree."""
    out: dict[str, int] = {}
    if isinstance(node, list):
        for x in node:
            out.update(_aliases(x, zoned))
    elif isinstance(node, dict):
        if node.get("type") == "SELECT_NODE":
            for item in node.get("select_list") or []:
                name = _name(item) if item.get("class") == "COLUMN_REF" else ""
                if name in zoned and item.get("alias"):
                    out[str(item["alias"]).lower()] = zoned[name]
        for v in node.values():
            out.update(_aliases(v, zoned))
    return out


def column_rewrite(cur: Any, duck_sql: str, facts: ColumnFacts, ensure_marker: Callable[[str], None]) -> str | None:
    """*duck_sql* with zoned columns used as Trino uses them (module docstring); None: unchanged.
    Raises TrinoError(NOT_SUPPORTED) for a use the sandbox cannot emulate."""
    if not facts.zoned and not facts.timestamps:
        return None
    tree = parse_tree(cur, duck_sql)
    if tree is None:
        return None
    renamed = _aliases(tree, facts.zoned)
    if renamed:   # a zoned column renamed in a subquery is that column for the outer query too
        facts = replace(facts, zoned={**facts.zoned, **renamed},
                        ambiguous=facts.ambiguous | (frozenset(renamed) & frozenset(facts.timestamps)))
    rewrite = _Columns(cur, facts, ensure_marker)
    rewrite.visit(tree["statements"][0]["node"], "this expression")
    return tree_sql(cur, tree) if rewrite.changed else None
