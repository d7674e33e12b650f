"""Trino's decimal division and avg(decimal) for the sandbox (DuckDB answers DOUBLE for both).

Owns `decimal_rewrite(cursor, duck_sql)`: the query with each ``a / b`` whose operands are
decimal (or a decimal and an integer) and each ``avg(x)`` of a decimal replaced by an exact
computation of Trino's result: for decimal(p1, s1) / decimal(p2, s2) the type is
decimal(min(38, p1 + s2 + max(0, s2 - s1)), max(s1, s2)), for avg(decimal(p, s)) decimal(p, s),
and the value is rounded half away from zero at that scale (integers count as decimal(3|5|10|19,
0)). The operand types come from DuckDB itself: a probe query with the same FROM / WHERE /
GROUP BY selecting the operands is bound (not run). Only the outermost SELECT's items are
rewritten; anything it cannot type (set operations, windows, a failing probe) keeps DuckDB's
answer. Uses json_serialize_sql / json_deserialize_sql. Thread-safe (the caller's cursor).
"""

from __future__ import annotations

import copy
import json
from typing import Any, Iterator

import duckdb

MACROS = (
    "CREATE MACRO trino_unscaled(x) AS CAST(replace(CAST(x AS VARCHAR), '.', '') AS HUGEINT)",
    "CREATE MACRO trino_div_round(n, d) AS (CASE WHEN n IS NULL OR d IS NULL THEN NULL "
    "WHEN d = 0 THEN error('Division by zero') "
    "ELSE sign(n) * sign(d) * ((2 * abs(n) + abs(d)) // (2 * abs(d))) END)",
)
_INTEGERS = {"TINYINT": (3, 0), "SMALLINT": (5, 0), "INTEGER": (10, 0), "BIGINT": (19, 0)}
_AGGREGATES = frozenset({"sum", "avg", "min", "max", "count", "count_star", "any_value", "arbitrary", "first", "last",
                         "stddev", "stddev_samp", "stddev_pop", "variance", "var_samp", "var_pop", "array_agg",
                         "list", "string_agg", "bool_and", "bool_or", "max_by", "min_by", "approx_count_distinct",
                         "geometric_mean", "product", "median", "mode"})
_A, _B = "__trino_a", "__trino_b"


def _decimal(type_text: str) -> tuple[int, int] | None:
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
    return (f"CAST(CAST(trino_div_round(trino_unscaled(sum({_A})), nullif(count({_A}), 0)) AS DECIMAL(38,0)) "
            f"* {_unit(s)} AS DECIMAL({p},{s}))")


def _serialize(cur: Any, sql: str) -> dict | None:
    tree = json.loads(cur.execute("SELECT json_serialize_sql(?)", [sql]).fetchone()[0])
    return None if tree.get("error") or len(tree.get("statements") or []) != 1 else tree


def _deserialize(cur: Any, tree: dict) -> str:
    return str(cur.execute("SELECT json_deserialize_sql(?)", [json.dumps(tree)]).fetchone()[0])


def _operands(node: dict) -> list[dict]:
    return [a.get("expression") or {} for a in node.get("arguments") or []]


def _kind(node: dict) -> str | None:
    if node.get("class") != "FUNCTION":
        return None
    args = _operands(node)
    if node.get("function_name") in ("/", "//") and node.get("is_operator") and len(args) == 2:  # // under integer_division
        return "div"
    if node.get("function_name") == "avg" and len(args) == 1 and not node.get("distinct") and node.get("filter") is None:
        return "avg"
    return None


def _ready(node: Any, done: set[int], inside_agg: bool, out: list) -> bool:
    """Collect (node, inside an aggregate) of candidates with no pending candidate below them;
    returns whether *node*'s subtree holds a pending candidate."""
    if isinstance(node, list):
        return any([_ready(x, done, inside_agg, out) for x in node])
    if not isinstance(node, dict) or node.get("class") in ("WINDOW", "SUBQUERY", "LAMBDA"):
        return False
    kind = _kind(node)
    agg = inside_agg or (node.get("class") == "FUNCTION" and node.get("function_name") in _AGGREGATES)
    below = any([_ready(v, done, agg, out) for k, v in node.items() if k not in ("filter", "order_bys")])
    if kind is None or id(node) in done:
        return below
    if not below:
        out.append((node, inside_agg))
    return True


def _probe_items(cands: list[tuple[dict, bool]]) -> Iterator[dict]:
    for node, inside_agg in cands:
        for operand in _operands(node):
            if _kind(node) == "avg" or inside_agg:
                yield {"class": "FUNCTION", "type": "FUNCTION", "alias": "", "function_name": "min", "schema": "",
                       "catalog": "", "filter": None, "order_bys": {"type": "ORDER_MODIFIER", "orders": []},
                       "distinct": False, "is_operator": False, "export_state": False,
                       "arguments": [{"name": "", "expression": copy.deepcopy(operand)}],
                       "query_location": 18446744073709551615, "query_location_length": 0}
            else:
                yield copy.deepcopy(operand)


def _replace(tree: Any, old: dict, new: dict) -> bool:
    if isinstance(tree, list):
        for i, x in enumerate(tree):
            if x is old:
                tree[i] = new
                return True
            if _replace(x, old, new):
                return True
    elif isinstance(tree, dict):
        for k, v in tree.items():
            if v is old:
                tree[k] = new
                return True
            if isinstance(v, (list, dict)) and _replace(v, old, new):
                return True
    return False


def _substitute(template: Any, operands: list[dict]) -> Any:
    if isinstance(template, list):
        return [_substitute(x, operands) for x in template]
    if not isinstance(template, dict):
        return template
    if template.get("class") == "COLUMN_REF" and template.get("column_names") in ([_A], [_B]):
        return operands[0 if template["column_names"] == [_A] else 1]   # the same nodes: done-marks stay valid
    return {k: _substitute(v, operands) for k, v in template.items()}


def _replacement(cur: Any, node: dict, types: list[str]) -> dict | None:
    kinds = [_decimal(t) for t in types]
    if any(k is None for k in kinds):
        return None
    if _kind(node) == "div":
        if all(t in _INTEGERS for t in types):
            return None   # integer division stays integer
        sql = _division(kinds[0], kinds[1])  # type: ignore[arg-type]
    elif types[0] in _INTEGERS:
        return None   # avg(integer) is double in Trino too
    else:
        sql = _average(kinds[0])  # type: ignore[arg-type]
    template = _serialize(cur, f"SELECT {sql}")
    if template is None:
        return None
    new = _substitute(template["statements"][0]["node"]["select_list"][0], _operands(node))
    new["alias"] = node.get("alias", "")
    return new


def decimal_rewrite(cur: Any, duck_sql: str, max_rounds: int = 6) -> str | None:
    """*duck_sql* with Trino's decimal division/avg (module docstring); None: nothing to change."""
    try:
        tree = _serialize(cur, duck_sql)
        top = tree["statements"][0]["node"] if tree else {}
        if top.get("type") != "SELECT_NODE":
            return None
        done: set[int] = set()
        changed = False
        for _ in range(max_rounds):
            cands: list[tuple[dict, bool]] = []
            _ready(top["select_list"], done, False, cands)
            if not cands:
                break
            probe = copy.deepcopy(tree)
            node = probe["statements"][0]["node"]
            node.update(select_list=list(_probe_items(cands)), modifiers=[], qualify=None)
            types = [str(t) for t in cur.sql(_deserialize(cur, probe)).types]
            for cand, _inside in cands:
                n = len(_operands(cand))
                mine, types = types[:n], types[n:]
                new = _replacement(cur, cand, mine)
                done.add(id(cand))
                if new is not None and _replace(top["select_list"], cand, new):
                    changed = True
        return _deserialize(cur, tree) if changed else None
    except (duckdb.Error, KeyError, TypeError, ValueError):
        return None   # DuckDB's own answer stands
