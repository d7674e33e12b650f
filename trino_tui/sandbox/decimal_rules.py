"""Trino's decimal division and avg(decimal) for the sandbox (DuckDB answers DOUBLE for both).

Owns `decimal_rewrite(cursor, duck_sql)`: the query with each ``a / b`` whose operands are
decimal (or a decimal and an integer) and each ``avg(x)`` of a decimal (aggregate or window,
DISTINCT and FILTER kept) replaced by an exact computation of Trino's result: for
decimal(p1, s1) / decimal(p2, s2) the type is decimal(min(38, p1 + s2 + max(0, s2 - s1)),
max(s1, s2)), for avg(decimal(p, s)) decimal(p, s), and the value is rounded half away from zero
at that scale (integers count as decimal(3|5|10|19, 0)). Everywhere in the statement: subqueries,
CTEs, set operations, windows, WHERE / GROUP BY / HAVING / ORDER BY, lambdas; innermost first, so
outer operands see the inner results' decimal types. An operand's type is DuckDB's own, read in
place: the statement with that operand wrapped in ``union_tag(...)`` (which accepts no decimal or
number) is bound and the binder's error names the operand's type. An operand it cannot type
raises NOT_SUPPORTED (never DuckDB's double silently). Uses the parse tree
(sqltree). `rewrite_written_query` does the same for the query of CREATE TABLE … AS /
INSERT. Thread-safe (the caller's cursor).
"""

from __future__ import annotations

import copy
import json
import re
from typing import Any

import duckdb

from .sql_errors import TrinoError
from .sqltext import Token, significant, tokenize
from .sqltree import expression, parse_tree, tree_sql

MACROS = (
    "CREATE MACRO trino_unscaled(x) AS CAST(replace(CAST(x AS VARCHAR), '.', '') AS HUGEINT)",
    "CREATE MACRO trino_div_round(n, d) AS (CASE WHEN n IS NULL OR d IS NULL THEN NULL "
    "WHEN d = 0 THEN error('Division by zero') "
    "ELSE sign(n) * sign(d) * ((2 * abs(n) + abs(d)) // (2 * abs(d))) END)",
)
_INTEGERS = {"TINYINT": (3, 0), "SMALLINT": (5, 0), "INTEGER": (10, 0), "BIGINT": (19, 0), "HUGEINT": (19, 0)}
_A, _B, _S, _C = "__trino_a", "__trino_b", "__trino_s", "__trino_c"
_PROBE = "union_tag"   # accepts only UNION values: binding it names its argument's type
_PROBED = re.compile(r"argument types '" + _PROBE + r"\((.*)\)'")
# a SELECT's parts in dependency order: what the select list reads is rewritten before it
_FIRST = ("cte_map", "from_table", "where_clause", "group_expressions", "group_sets", "having", "qualify")
_LOCATION = frozenset({"query_location", "query_location_length"})


def maybe_decimal(sig: list[Token]) -> bool:
    """Whether the statement may hold a division or avg (decimal_rewrite would then be tried)."""
    return any(t.text == "/" or t.lower == "avg" for t in sig)


def _decimal(type_text: str, operand: dict) -> tuple[int, int] | None:
    if type_text == "INTEGER_LITERAL":   # DuckDB's untyped integer literal: Trino's integer or bigint
        text = (operand.get("literal") or {}).get("text", "0")
        return (10, 0) if text.lstrip("-").isdigit() and abs(int(text)) < 2 ** 31 else (19, 0)
    if type_text in _INTEGERS:
        return _INTEGERS[type_text]
    if type_text.startswith("DECIMAL(") and type_text.endswith(")"):
        p, s = type_text[8:-1].split(",")
        return int(p), int(s)
    return None


def _unit(scale: int) -> str:
    text = "1" if scale == 0 else "0." + "0" * (scale - 1) + "1"
    return f"CAST('{text}' AS DECIMAL({min(38, scale + 1)},{scale}))"


def _division(a: tuple[int, int], b: tuple[int, int]) -> str:
    (p1, s1), (p2, s2) = a, b
    scale = max(s1, s2)
    precision = min(38, p1 + s2 + max(0, s2 - s1))
    shift = "1" + "0" * (scale + s2 - s1)
    return (f"CAST(CAST(trino_div_round(trino_unscaled({_A}) * CAST('{shift}' AS HUGEINT), trino_unscaled({_B})) "
            f"AS DECIMAL(38,0)) * {_unit(scale)} AS DECIMAL({precision},{scale}))")


def _average(x: tuple[int, int]) -> str:
    p, s = x
    return (f"CAST(CAST(trino_div_round(trino_unscaled({_S}), nullif({_C}, 0)) AS DECIMAL(38,0)) "
            f"* {_unit(s)} AS DECIMAL({p},{s}))")


def _operands(node: dict) -> list[dict]:
    return [a.get("expression") or {} for a in node.get("arguments") or []]


def _kind(node: dict) -> str | None:
    args = _operands(node)
    if node.get("class") == "FUNCTION" and node.get("function_name") in ("/", "//") and node.get("is_operator") \
            and len(args) == 2:   # // under integer_division
        return "div"
    if node.get("class") in ("FUNCTION", "WINDOW") and node.get("function_name") == "avg" and len(args) == 1:
        return "avg"
    return None


def _canonical(node: Any) -> str:
    def strip(x: Any) -> Any:
        if isinstance(x, dict):
            return {k: strip(v) for k, v in x.items() if k not in _LOCATION}
        return [strip(v) for v in x] if isinstance(x, list) else x
    return json.dumps(strip(node), sort_keys=True)


def _renamed(node: dict, name: str) -> dict:
    out = copy.deepcopy(node)
    out["function_name"] = name
    if isinstance(out.get("qualified_name"), dict):
        out["qualified_name"]["path"] = [name]
    return out


class _Rewriter:
    """One statement's rewrite: the tree, the cursor, and each SELECT's already-typed candidates."""

    def __init__(self, cur: Any, tree: dict) -> None:
        self.cur, self.tree, self.changed = cur, tree, False

    def walk(self, node: Any, seen: dict[str, list[str]]) -> Any:
        """*node* with its candidates rewritten (post-order); returns its replacement."""
        if isinstance(node, list):
            for i, x in enumerate(node):
                node[i] = self.walk(x, seen)
            return node
        if not isinstance(node, dict):
            return node
        if node.get("type") == "SELECT_NODE":
            seen = {}   # equal expressions of one SELECT (GROUP BY a/b ... SELECT a/b) get one type
            keys = [k for k in _FIRST if k in node] + [k for k in node if k not in _FIRST]
        else:
            keys = list(node)
        for k in keys:
            if isinstance(node[k], (dict, list)):
                node[k] = self.walk(node[k], seen)
        kind = _kind(node)
        if kind is None:
            return node
        key = _canonical(node)
        types = seen.get(key) or [self.probe(node, i) for i in range(len(_operands(node)))]
        seen[key] = types
        new = self.replacement(node, kind, types)
        if new is None:
            return node
        self.changed = True
        return new

    def probe(self, node: dict, index: int) -> str:
        """DuckDB's type of *node*'s operand *index*, bound in place (module docstring)."""
        arg = node["arguments"][index]
        operand = arg["expression"]
        arg["expression"] = {"class": "FUNCTION", "type": "FUNCTION", "alias": "", "function_name": _PROBE,
                             "schema": "", "catalog": "", "filter": None,
                             "order_bys": {"type": "ORDER_MODIFIER", "orders": []}, "distinct": False,
                             "is_operator": False, "export_state": False,
                             "arguments": [{"name": "", "expression": operand}]}
        try:
            self.cur.sql(tree_sql(self.cur, self.tree))
            return "NULL"   # bound: an untyped NULL operand, left to DuckDB
        except duckdb.Error as exc:
            found = _PROBED.search(str(exc))
        finally:
            arg["expression"] = operand
        if found is None:
            shown = "avg(...)" if _kind(node) == "avg" else "a / b"
            raise TrinoError("NOT_SUPPORTED", f"The sandbox cannot type the operands of {shown} in this statement "
                                              "to apply Trino's decimal rules")
        return found.group(1)

    def replacement(self, node: dict, kind: str, types: list[str]) -> dict | None:
        operands = _operands(node)
        if kind == "div" and "NULL" in types and any(t.startswith("DECIMAL(") for t in types):
            # Trino coerces an untyped NULL beside a decimal to decimal(1, 0)
            typed = expression(self.cur, "CAST(NULL AS DECIMAL(1,0))")
            if typed is None:
                return None
            operands = [typed if t == "NULL" else o for t, o in zip(types, operands)]
            types = ["DECIMAL(1,0)" if t == "NULL" else t for t in types]
        kinds = [_decimal(t, o) for t, o in zip(types, operands)]
        if any(k is None for k in kinds):
            return None
        if kind == "div":
            if not any(t.startswith("DECIMAL(") for t in types):
                return None   # integer division stays integer
            sql, slots = _division(kinds[0], kinds[1]), {_A: operands[0], _B: operands[1]}  # type: ignore[arg-type]
        elif not types[0].startswith("DECIMAL("):
            return None   # avg(integer) is double in Trino too
        else:
            sql, slots = _average(kinds[0]), {_S: _renamed(node, "sum"), _C: _renamed(node, "count")}  # type: ignore[arg-type]
        return expression(self.cur, sql, slots, node.get("alias", ""))


def decimal_rewrite(cur: Any, duck_sql: str) -> str | None:
    """*duck_sql* with Trino's decimal division/avg (module docstring); None: nothing to change.
    Raises TrinoError(NOT_SUPPORTED) when a candidate's operands cannot be typed."""
    bound = decimal_relation(cur, duck_sql)
    return None if bound is None else bound[0]


def decimal_relation(cur: Any, duck_sql: str) -> tuple[str, Any] | None:
    """`decimal_rewrite`'s SQL and DuckDB's relation of it, bound once; None: nothing to change."""
    tree = parse_tree(cur, duck_sql)
    if tree is None:
        return None
    rewriter = _Rewriter(cur, tree)
    rewriter.walk(tree["statements"][0]["node"], {})
    if not rewriter.changed:
        return None
    sql = tree_sql(cur, tree)
    try:
        return sql, cur.sql(sql)
    except duckdb.Error as exc:
        raise TrinoError("NOT_SUPPORTED", "The sandbox cannot apply Trino's decimal rules to this statement: "
                                          f"{str(exc).splitlines()[0]}") from None


def rewrite_written_query(cur: Any, duck_sql: str) -> str:
    """*duck_sql* (CREATE TABLE … AS / INSERT … query) with its query part given Trino's decimal
    division/avg, so the stored values and column types are Trino's; unchanged without one."""
    depth = 0
    for tok in significant(tokenize(duck_sql)):
        depth += (tok.text == "(") - (tok.text == ")")
        if tok.kind == "word" and tok.lower in ("select", "with", "values") and depth <= 1:
            query, close = duck_sql[tok.start:].rstrip(), ""
            if depth and query.endswith(")"):   # CREATE TABLE t AS (SELECT ...)
                query, close = query[:-1], ")"
            exact = decimal_rewrite(cur, query)
            return duck_sql if exact is None else duck_sql[:tok.start] + exact + close
    return duck_sql
