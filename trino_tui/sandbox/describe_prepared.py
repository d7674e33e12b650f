"""DESCRIBE INPUT / DESCRIBE OUTPUT of a prepared statement, answered as Trino 476 does.

Owns `describe_input(engine, statement, session)` and `describe_output(...)` row lists. Parameter
types are inferred the way Trino's analyzer settles them in the common cases: ``LIMIT ?`` /
``OFFSET ?`` are bigint, ``? <op> x`` and ``x <op> ?`` (comparison or arithmetic) take the type
of the other operand ``x`` (found by running ``SELECT x FROM <the statement's FROM>`` with the
parameters as NULL, so declared types such as varchar(25) come through), the first argument of
a known function (``lower(?)``: varchar(0), ``abs(?)``: tinyint, ...; _FIRST_ARGUMENT) is Trino's. A parameter
in any other place (another function's argument, ...) is reported as ``unknown``. DESCRIBE OUTPUT names the
source table of plain column references and marks aliased columns. Pure apart from the engine
calls; thread-safe.
"""

from __future__ import annotations

from .engine_api import EngineOps, SessionContext
from .sql_errors import TrinoError
from .sqltext import Token, find_table_refs, significant, tokenize

_ARITHMETIC = frozenset({"+", "-", "*", "/", "%"})
_OPERATORS = frozenset({"=", "<>", "!=", "<", ">", "<=", ">="}) | _ARITHMETIC
_BOUNDARY = frozenset({"and", "or", "not", "from", "where", "group", "order", "limit", "offset", "having", "then",
                       "else", "end", "when", "on", "as", "select", "union", "except", "intersect", "between",
                       "is", "in", "like", "fetch"})
# The type Trino 476 settles for a parameter as a function's first argument (string functions:
# varchar(0); numeric overloads: the narrowest; recorded: r_describe_input, r_describe_input_functions)
_FIRST_ARGUMENT = {**{f: "varchar(0)" for f in ("lower", "upper", "length", "trim", "ltrim", "rtrim", "starts_with",
                                               "lpad", "split", "to_utf8", "from_iso8601_date", "json_parse",
                                               "regexp_like", "strpos", "replace")},
                   "abs": "tinyint", "round": "tinyint", "sqrt": "double", "year": "timestamp(3)"}
_TYPE_SIZE = {"boolean": 1, "tinyint": 1, "smallint": 2, "integer": 4, "bigint": 8, "real": 4, "double": 8,
              "date": 4, "time": 8, "timestamp": 8, "uuid": 16, "interval day to second": 8,
              "interval year to month": 4}


def _operand(sig: list[Token], k: int, step: int) -> tuple[int, int] | None:
    """Token span [lo, hi) of the operand next to the operator at sig[k], going *step* (+1/-1)."""
    i, depth = k + step, 0
    while 0 <= i < len(sig):
        t = sig[i]
        opens, closes = ("(", ")") if step > 0 else (")", "(")
        if t.text == opens:
            depth += 1
        elif t.text == closes:
            if depth == 0:
                break
            depth -= 1
        elif depth == 0 and (t.text in (",", "?", ";") or t.text in _OPERATORS
                             or (t.kind == "word" and t.lower in _BOUNDARY)):
            break
        i += step
    lo, hi = (k + 1, i) if step > 0 else (i + 1, k)
    return (lo, hi) if lo < hi else None


def _partners(sig: list[Token]) -> list[tuple[int, int] | str | None]:
    """Per parameter: 'bigint', the token span of its partner operand, or None (unknown)."""
    out: list[tuple[int, int] | str | None] = []
    for k, t in enumerate(sig):
        if t.text != "?":
            continue
        prev = sig[k - 1] if k else None
        nxt = sig[k + 1] if k + 1 < len(sig) else None
        if prev is not None and prev.kind == "word" and prev.lower in ("limit", "offset", "fetch"):
            out.append("bigint")
        elif prev is not None and prev.text in _ARITHMETIC:   # arithmetic binds tighter than comparison
            out.append(_operand(sig, k - 1, -1))
        elif nxt is not None and nxt.text in _OPERATORS:
            out.append(_operand(sig, k + 1, +1))
        elif prev is not None and prev.text in _OPERATORS:
            out.append(_operand(sig, k - 1, -1))
        elif prev is not None and prev.text == "(" and k >= 2 and sig[k - 2].kind == "word" \
                and sig[k - 2].lower in _FIRST_ARGUMENT and nxt is not None and nxt.text in (",", ")"):
            out.append(_FIRST_ARGUMENT[sig[k - 2].lower])
        else:
            out.append(None)
    return out


def _top_level(sig: list[Token], word: str, start: int = 0) -> int | None:
    depth = 0
    for i in range(start, len(sig)):
        depth += {"(": 1, ")": -1}.get(sig[i].text, 0)
        if depth == 0 and sig[i].kind == "word" and sig[i].lower == word:
            return i
    return None


def _with_nulls(text: str) -> str:
    sig = [t for t in significant(tokenize(text)) if t.text == "?"]
    out, pos = [], 0
    for tok in sig:
        out += [text[pos:tok.start], "NULL"]
        pos = tok.end
    return "".join(out) + text[pos:]


def describe_input(engine: EngineOps, statement: str, session: SessionContext) -> list[list]:
    """DESCRIBE INPUT rows: [position, type]."""
    sig = significant(tokenize(statement))
    partners = _partners(sig)
    spans = [p for p in partners if isinstance(p, tuple)]
    types: dict[tuple[int, int], str] = {}
    select = _top_level(sig, "select")
    if spans and select is not None:
        frm = _top_level(sig, "from", select + 1)
        tail = _with_nulls(statement[sig[frm].start:]) if frm is not None else ""
        probe = "SELECT " + ", ".join(_with_nulls(statement[sig[lo].start:sig[hi - 1].end]) for lo, hi in spans)
        try:
            result = engine.execute(f"{probe} {tail}", session)
            result.close()
            types = {span: c.type for span, c in zip(spans, result.columns)}
        except TrinoError:
            types = {}
    return [[i, p if isinstance(p, str) else types.get(p, "unknown") if p else "unknown"]
            for i, p in enumerate(partners)]


def type_size(type_text: str) -> int:
    """Trino's "Type Size": the fixed width in bytes (0 for variable-width types)."""
    base = type_text.split("(", 1)[0].strip()
    if base == "decimal":
        return 8 if int(type_text.split("(")[1].split(",")[0]) <= 18 else 16
    return _TYPE_SIZE.get(base, 0)


def _select_items(sig: list[Token]) -> list[list[Token]]:
    select = _top_level(sig, "select")
    if select is None:
        return []
    end = _top_level(sig, "from", select + 1)
    items: list[list[Token]] = [[]]
    depth = 0
    for t in sig[select + 1:end if end is not None else len(sig)]:
        depth += {"(": 1, ")": -1}.get(t.text, 0)
        if depth == 0 and t.text == ",":
            items.append([])
        else:
            items[-1].append(t)
    return items


def describe_output(engine: EngineOps, statement: str, session: SessionContext, columns: list) -> list[list]:
    """DESCRIBE OUTPUT rows for the result *columns* of the statement (bound with NULL parameters)."""
    sig = significant(tokenize(statement))
    items = _select_items(sig)
    refs = [r for r in find_table_refs(sig) if r.role == "read"]
    table = None
    if len(refs) == 1:
        try:
            table = engine.resolve(refs[0].parts, session, statement, refs[0].start)
        except TrinoError:
            table = None
    rows = []
    for i, c in enumerate(columns):
        item = items[i] if len(items) == len(columns) else []
        aliased = len(item) >= 2 and item[-1].is_ident and (item[-2].lower == "as" or item[-2].text == ")"
                                                              or item[-2].kind != "punct")
        plain = bool(item) and all(t.is_ident or t.text == "." for t in item) and not aliased
        source = (table.catalog, table.schema, table.table) if plain and table is not None else ("", "", "")
        rows.append([c.name, *source, c.type, type_size(c.type), aliased])
    return rows
