"""Trino types DuckDB cannot report, read off DuckDB's parse tree (json_serialize_sql) of a select
item, and merged into the type DuckDB reports.

Owns `expr_hint(node)` (string literals are varchar(length), ARRAY[...] / MAP(...) / ROW(...) of
them carry the bounds inside, casts to marker types such as trino_varchar_3[] or STRUCT(x
trino_char_2) name their Trino types), `values_hints(values)` (per column of a VALUES list: the
common bound of its literals) and `refine(reported, hint)`. A hint part Trino's rules would not
decide from literals alone is UNKNOWN: the reported type is kept there. Pure; thread-safe.
"""

from __future__ import annotations

from typing import Any

from .literal_edits import marker_trino_type
from .trino_types import TrinoType, parse_type
from .fine_datetime import tail_of
from .zoned_literals import marker_zone

UNKNOWN = TrinoType("?")
_NULL = TrinoType("null")   # a NULL literal: no bound of its own (ARRAY['a', NULL] is array(varchar(1)))


def _literal(node: dict) -> TrinoType | None:
    literal = node.get("literal") or {}
    if literal.get("kind") == "STRING":
        return TrinoType("varchar", (len(str(literal.get("text", ""))),))
    if literal.get("kind") == "NULL_LITERAL":
        return _NULL
    return None


def _args(node: dict) -> list[dict]:
    return [a.get("expression") or {} for a in node.get("arguments") or []] or node.get("children") or []


def type_expr_hint(type_expr: dict) -> TrinoType:
    """The Trino type a cast target names where markers say so (UNKNOWN elsewhere)."""
    name = str(type_expr.get("type_name", ""))
    children = type_expr.get("children") or []
    tail = tail_of(name)
    if tail is not None:
        return TrinoType(tail[0], (tail[1],), fraction_tail=tail[2])
    zoned = marker_zone(name)
    if zoned is not None:   # precision None: DuckDB's (refine keeps the reported one)
        return TrinoType("timestamp with time zone", () if zoned[0] is None else (zoned[0],), zone=zoned[1],
                         fraction_tail=zoned[2])
    marker = marker_trino_type(name)
    if marker is not None:
        return parse_type(marker)
    low = name.lower()
    if low == "list" and len(children) == 1:
        return TrinoType("array", (type_expr_hint(children[0]),))
    if low == "map" and len(children) == 2:
        return TrinoType("map", (type_expr_hint(children[0]), type_expr_hint(children[1])))
    if low == "struct" and children:
        return TrinoType("row", tuple((c.get("alias") or None, type_expr_hint(c)) for c in children))
    return UNKNOWN


def common(hints: list[TrinoType | None]) -> TrinoType | None:
    """The common bounded type of literal hints (varchar(max n)); None when one is not a literal."""
    known = [h for h in hints if h is not _NULL]
    if any(h is None for h in known):
        return None
    if not known:
        return _NULL
    raws = {h.raw for h in known if h is not None}
    if len(raws) == 1 and raws <= {"varchar", "char"} and all(h is not None and h.params for h in known):
        return TrinoType(raws.pop(), (max(int(h.params[0]) for h in known if h is not None),))
    first = known[0]
    return first if all(h == first for h in known) else None


def expr_hint(node: dict) -> TrinoType | None:
    """Hint for one expression node (None: nothing to say)."""
    cls = node.get("class")
    if cls == "CONSTANT":
        return _literal(node)
    if cls == "CAST":
        hint = type_expr_hint(node.get("type_expr") or {})
        return None if hint is UNKNOWN else hint
    if cls == "OPERATOR" and node.get("type") == "ARRAY_CONSTRUCTOR":
        fn, args = "list_value", node.get("children") or []
    elif cls == "FUNCTION":
        fn, args = node.get("function_name"), _args(node)
    else:
        return None
    if fn == "list_value":
        elem = common([expr_hint(a) for a in args]) if args else None
        return TrinoType("array", (_part(elem),))
    if fn == "map" and len(args) == 2:
        keys, values = expr_hint(args[0]), expr_hint(args[1])
        if keys is not None and values is not None and keys.raw == values.raw == "array":
            return TrinoType("map", (keys.params[0], values.params[0]))
        return None
    if fn == "row":
        return TrinoType("row", tuple((None, _part(expr_hint(a))) for a in args))
    return None


def _part(hint: TrinoType | None) -> TrinoType:
    return UNKNOWN if hint is None or hint is _NULL else hint


def values_hints(values: list[list[dict]]) -> list[TrinoType | None]:
    """Per column of a VALUES list: the common hint of its rows (None: no hint)."""
    width = len(values[0]) if values else 0
    out: list[TrinoType | None] = []
    for c in range(width):
        hint = common([expr_hint(row[c]) if c < len(row) else None for row in values])
        out.append(None if hint is None or hint is _NULL else hint)
    return out


def refine(reported: TrinoType, hint: TrinoType | None) -> TrinoType:
    """*reported* with the parts *hint* knows better (scalars: the hint; nested: part by part)."""
    if hint is None or hint is UNKNOWN or hint is _NULL:
        return reported
    if hint.raw == reported.raw and hint.zone and not hint.params:
        return TrinoType(hint.raw, reported.params, zone=hint.zone)
    if hint.raw not in ("array", "map", "row"):
        return hint
    if reported.raw != hint.raw or len(reported.params) != len(hint.params):
        return reported
    if hint.raw == "row":
        return TrinoType("row", tuple((name, refine(t, h)) for (name, t), (_, h) in zip(reported.params, hint.params)))
    return TrinoType(hint.raw, tuple(refine(t, h) for t, h in zip(reported.params, hint.params)))


def hint_of(item: dict, plain: bool) -> Any:
    """Hint for a select item; in a set operation (*plain* False) only casts to marker types."""
    if plain:
        return expr_hint(item)
    if item.get("class") == "CAST":
        hint = type_expr_hint(item.get("type_expr") or {})
        return None if hint is UNKNOWN or hint.raw in ("array", "map", "row") else hint
    return None
