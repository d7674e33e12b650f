"""DuckDB's parse tree of a statement as JSON (json_serialize_sql / json_deserialize_sql), shared
by the sandbox's tree rewrites (decimal_rules, zoned_arith, zoned_refs, zoned_columns).

Owns `parse_tree` (one SELECT statement's tree), `tree_sql` (a tree back to SQL), `substitute`
(slot column references replaced by nodes; the template is copied, never changed) and
`expression` (the node of an SQL expression, its slots filled, its alias set). Pure apart from
DuckDB parse calls on the caller's cursor; thread-safe.
"""

from __future__ import annotations

import json
from typing import Any

import duckdb


def parse_tree(cur: Any, sql: str) -> dict | None:
    """DuckDB's parse tree of one SELECT statement (None: not one, or not parsable)."""
    try:
        tree = json.loads(cur.execute("SELECT json_serialize_sql(?)", [sql]).fetchone()[0])
    except duckdb.Error:
        return None
    return None if tree.get("error") or len(tree.get("statements") or []) != 1 else tree


def tree_sql(cur: Any, tree: dict) -> str:
    return str(cur.execute("SELECT json_deserialize_sql(?)", [json.dumps(tree)]).fetchone()[0])


def substitute(template: Any, slots: dict[str, dict]) -> Any:
    if isinstance(template, list):
        return [substitute(x, slots) for x in template]
    if not isinstance(template, dict):
        return template
    names = template.get("column_names")
    if template.get("class") == "COLUMN_REF" and isinstance(names, list) and len(names) == 1 and names[0] in slots:
        return slots[names[0]]
    return {k: substitute(v, slots) for k, v in template.items()}


def expression(cur: Any, sql: str, slots: dict[str, dict] | None = None, alias: str | None = None) -> dict | None:
    """The node of expression *sql* with the column references named in *slots* replaced by
    their nodes and *alias* set (None: the parser's); None when *sql* does not parse."""
    tree = parse_tree(cur, f"SELECT {sql}")
    if tree is None:
        return None
    node = substitute(tree["statements"][0]["node"]["select_list"][0], slots or {})
    if alias is not None:
        node["alias"] = alias
    return node
