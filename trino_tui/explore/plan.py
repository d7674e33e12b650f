"""Query plans, the pure part: EXPLAIN statements and parsing their answers into a tree (no Textual).

Owns ``explain_sql`` (the EXPLAIN variants the TUI runs: logical, ``TYPE DISTRIBUTED``, ``ANALYZE``,
with ``FORMAT JSON`` where Trino has it) and ``parse_plan`` → ``PlanNode`` trees from
- Trino's JSON plan (``EXPLAIN (FORMAT JSON)``): a node ``{id, name, descriptor, outputs, details,
  estimates, children}``, or for ``TYPE DISTRIBUTED`` an object of fragment id → node;
- Trino's text plan: ``Fragment N [...]`` headers, nodes at ``└─`` / ``├─`` branches with their
  detail lines indented beneath;
- box-drawn text plans (the sandbox's DuckDB answers): one node per box, children in the box row
  below;
- anything else: one node holding the lines.
Pure functions; safe from any thread.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

KINDS = ("logical", "distributed", "analyze")
_NODE = re.compile(r"^[A-Z][A-Za-z0-9]*(\[.*)?$")
_FRAGMENT = re.compile(r"^Fragment \d+")
_BRANCH = re.compile(r"^([ │]*)(?:([├└])─ )?(.*)$")
_BOX_TOP = re.compile(r"[┌╭]─+ ?([^─┐╮┴┬]*?) ?[─┴┬]*[┐╮]")  # a child box's top edge carries the ┴ connector
_MAX_DEPTH = 200


@dataclass
class PlanNode:
    name: str
    details: list[str] = field(default_factory=list)
    children: list["PlanNode"] = field(default_factory=list)

    def count(self) -> int:
        return 1 + sum(c.count() for c in self.children)


def explain_sql(statement: str, kind: str, *, json_format: bool) -> str:
    """The EXPLAIN statement for *kind* ("logical" | "distributed" | "analyze")."""
    body = statement.strip().rstrip(";").rstrip()
    if kind == "analyze":
        return f"EXPLAIN ANALYZE {body}"
    options = (["TYPE DISTRIBUTED"] if kind == "distributed" else []) + (["FORMAT JSON"] if json_format else [])
    return f"EXPLAIN ({', '.join(options)}) {body}" if options else f"EXPLAIN {body}"


# ---------------------------------------------------------------------------------------------
# JSON


def _json_node(d: dict, depth: int = 0) -> PlanNode:
    name = str(d.get("name", "?"))
    desc = d.get("descriptor")
    if isinstance(desc, dict) and desc:
        name += "[" + ", ".join(f"{k} = {v}" for k, v in desc.items()) + "]"
    details: list[str] = []
    outputs = d.get("outputs")
    if isinstance(outputs, list) and outputs:
        details.append("Layout: [" + ", ".join(
            f"{o.get('symbol')}:{o.get('type')}" if isinstance(o, dict) else str(o) for o in outputs) + "]")
    for est in d.get("estimates") or []:
        if isinstance(est, dict):
            details.append("Estimates: {" + ", ".join(f"{k}: {_num(v)}" for k, v in est.items()) + "}")
    details.extend(str(x) for x in (d.get("details") or []))
    children = d.get("children") if depth < _MAX_DEPTH else None
    kids = [_json_node(c, depth + 1) for c in (children or []) if isinstance(c, dict)]
    return PlanNode(name, details, kids)


def _num(v: object) -> str:
    if isinstance(v, float):
        return "?" if v != v else (f"{v:,.0f}" if v.is_integer() else f"{v:,.2f}")
    return str(v)


def _from_json(text: str) -> list[PlanNode] | None:
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if isinstance(data, dict) and "name" in data:
        return [_json_node(data)]
    if isinstance(data, dict) and data and all(isinstance(v, dict) for v in data.values()):
        return [PlanNode(f"Fragment {k}", [], [_json_node(v)]) for k, v in data.items()]
    return None


# ---------------------------------------------------------------------------------------------
# Trino text


def _from_text(text: str) -> list[PlanNode] | None:
    roots: list[PlanNode] = []
    stack: list[tuple[int, PlanNode]] = []   # (content column, node)
    found = False
    for raw in text.splitlines():
        if not raw.strip() or raw.startswith("Trino version:"):
            continue
        m = _BRANCH.match(raw)
        assert m is not None
        prefix, branch, content = m.group(1), m.group(2), m.group(3)
        col = len(prefix) + (3 if branch else 0)
        is_fragment = bool(_FRAGMENT.match(content)) and col == 0
        first_in_fragment = bool(stack) and stack[-1][1].name.startswith("Fragment ") and not stack[-1][1].children
        is_node = is_fragment or bool(branch) or (
            _NODE.match(content) is not None and (not stack or first_in_fragment or col <= stack[0][0]))
        if not is_node:
            if stack:
                stack[-1][1].details.append(content.strip())
            else:
                roots.append(PlanNode(content.strip()))
            continue
        found = found or not is_fragment
        node = PlanNode(content.strip())
        while stack and stack[-1][0] >= col:
            stack.pop()
        if is_fragment:
            stack = []
        if stack:
            stack[-1][1].children.append(node)
        else:
            roots.append(node)
        stack.append((col, node))
    return roots if found else None


# ---------------------------------------------------------------------------------------------
# box-drawn text (DuckDB)


def _from_boxes(text: str) -> list[PlanNode] | None:
    lines = text.splitlines()
    boxes: list[tuple[int, int, int, PlanNode]] = []   # (top line, x0, x1, node)
    for y, line in enumerate(lines):
        for m in _BOX_TOP.finditer(line):
            x0, x1 = m.start(), m.end()
            node = PlanNode(m.group(1).strip(" ┴┬┼│─") or "?")  # a connector may cut the top edge
            for below in lines[y + 1:]:
                seg = below[x0:x1]
                if not seg or seg[0] in "└╰":
                    break
                inner = seg.strip("│┃ ").strip()
                if inner and not set(inner) <= set("─-"):
                    node.details.append(inner)
            if node.name == "?" and node.details:  # untitled box: its first line names it
                node.name = node.details.pop(0)
            boxes.append((y, x0, x1, node))
    if not boxes:
        return None
    roots: list[PlanNode] = []
    for y, x0, x1, node in boxes:
        above = [b for b in boxes if b[0] < y]
        if not above:
            roots.append(node)
            continue
        prev_row = max(b[0] for b in above)
        parents = [b for b in above if b[0] == prev_row and b[1] <= x0] or [b for b in above if b[0] == prev_row]
        parents[-1][3].children.append(node)
    return roots


def parse_plan(text: str) -> list[PlanNode]:
    """The plan in *text* as trees (see the module docstring); never raises."""
    text = text or ""
    for parse in (_from_json, _from_boxes, _from_text):
        try:
            roots = parse(text) if parse is not _from_json or text.lstrip().startswith("{") else None
        except (RecursionError, ValueError, TypeError, AttributeError):
            roots = None
        if roots:
            return roots
    lines = [line for line in text.splitlines() if line.strip()]
    return [PlanNode(lines[0].strip() if lines else "(empty plan)", [x.strip() for x in lines[1:]])]
