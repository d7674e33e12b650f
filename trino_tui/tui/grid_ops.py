"""Grid tools, the pure part: sort/filter specs, applying them to held rows, the pushdown SQL,
and quick search over rows (no Textual, no widgets, no threads).

Owns the one meaning of a sort (one column, ascending/descending, NULLs last like Trino's default)
and of a filter (``contains`` text — case-insensitive over the cell's Trino CLI text — or a typed
comparison ``= != < <= > >=``, or ``is null`` / ``is not null``), evaluated identically on held rows
(``apply_local``) and by Trino (``pushdown_sql``: ``SELECT * FROM (<statement>) AS t (cols) WHERE …
ORDER BY …``). ``LOCAL_LIMIT`` is the largest complete result sorted/filtered in place. Functions
take a ``cancelled()`` callable and stop early (returning None) when it turns true. Safe from any
thread (the ``ToolWorker`` runs them off the UI thread).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Callable, Iterable, Sequence

from trino_tui.client import Column, TrinoType
from trino_tui.export import format_cell_text

LOCAL_LIMIT = 200_000
"""Complete results up to this many rows are sorted/filtered in place (a few seconds at most on
one core); larger or partial results are offered to Trino."""

OPS = ("contains", "=", "!=", "<", "<=", ">", ">=", "is null", "is not null")
_PREFIX_OPS = (">=", "<=", "!=", "<>", "=", "<", ">")
_STRING_TYPES = ("varchar", "char")
Cancelled = Callable[[], bool]


@dataclass(frozen=True)
class SortSpec:
    column: int
    name: str
    descending: bool = False

    def describe(self) -> str:
        return f"sorted by {self.name} {'↓' if self.descending else '↑'}"


@dataclass(frozen=True)
class FilterSpec:
    column: int
    name: str
    op: str
    value: str = ""

    def describe(self) -> str:
        if self.op in ("is null", "is not null"):
            return f"{self.name} {self.op}"
        if self.op == "contains":
            return f"{self.name} ~ {self.value!r}"
        return f"{self.name} {self.op} {self.value}"


@dataclass(frozen=True)
class ViewSpec:
    """What the user asked for: filters (all must hold) then one sort."""

    filters: tuple[FilterSpec, ...] = ()
    sort: SortSpec | None = None

    @property
    def empty(self) -> bool:
        return not self.filters and self.sort is None

    def describe(self) -> str:
        parts = []
        if self.filters:
            parts.append("filtered: " + " and ".join(f.describe() for f in self.filters))
        if self.sort is not None:
            parts.append(self.sort.describe())
        return ", ".join(parts)


def parse_filter(text: str, column: int, name: str) -> FilterSpec:
    """User text -> FilterSpec: ``null`` / ``!null``, ``>= 5``, ``= abc``, else ``contains``.
    Raises ValueError (one line) for an empty text."""
    s = text.strip()
    low = s.lower()
    if not s:
        raise ValueError("type a value to filter on (e.g. abc, = 5, > 10, null, !null)")
    if low in ("null", "is null"):
        return FilterSpec(column, name, "is null")
    if low in ("!null", "not null", "is not null"):
        return FilterSpec(column, name, "is not null")
    for op in _PREFIX_OPS:
        if s.startswith(op):
            value = s[len(op):].strip()
            if not value:
                raise ValueError(f"a value is missing after {op!r}")
            return FilterSpec(column, name, "!=" if op == "<>" else op, value)
    return FilterSpec(column, name, "contains", s)


# ---------------------------------------------------------------------------------------------
# typed comparison keys


def _number(value: Any) -> float | Decimal | int:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (int, float)):
        return value
    text = str(value)
    try:
        return Decimal(text) if text.lower() not in ("nan", "infinity", "-infinity") else float(text)
    except InvalidOperation:
        return float(text)


def value_key(t: TrinoType) -> Callable[[Any], Any]:
    """Key of a non-NULL wire value for ordering/comparison within one column of type *t*."""
    if t.is_numeric:
        def num(v: Any) -> Any:
            x = _number(v)
            return (1, 0) if isinstance(x, float) and math.isnan(x) else (0, x)  # NaN sorts last
        return num
    if t.raw == "boolean":
        return lambda v: bool(v)
    return lambda v: v if isinstance(v, str) else format_cell_text(v, t)


def _literal_key(t: TrinoType, text: str) -> Any:
    """The comparison key of a user-typed literal (ValueError when it does not fit the type)."""
    if t.is_numeric:
        try:
            return value_key(t)(text)
        except (ValueError, ArithmeticError):
            raise ValueError(f"{text!r} is not a number") from None
    if t.raw == "boolean":
        if text.lower() not in ("true", "false"):
            raise ValueError(f"{text!r} is not true or false")
        return text.lower() == "true"
    return text


def row_predicate(spec: FilterSpec, t: TrinoType) -> Callable[[Sequence[Any]], bool]:
    """A predicate over wire rows that means what ``pushdown_sql`` sends for *spec*."""
    j = spec.column
    if spec.op == "is null":
        return lambda row: row[j] is None
    if spec.op == "is not null":
        return lambda row: row[j] is not None
    if spec.op == "contains":
        needle = spec.value.lower()
        return lambda row: row[j] is not None and needle in format_cell_text(row[j], t).lower()
    key, lit = value_key(t), _literal_key(t, spec.value)
    compare = {"=": lambda a: a == lit, "!=": lambda a: a != lit, "<": lambda a: a < lit,
               "<=": lambda a: a <= lit, ">": lambda a: a > lit, ">=": lambda a: a >= lit}[spec.op]

    def pred(row: Sequence[Any]) -> bool:
        v = row[j]
        if v is None:
            return False  # SQL: a comparison with NULL is not true
        try:
            return bool(compare(key(v)))
        except TypeError:
            return False
    return pred


def apply_local(rows: Iterable[list], columns: Sequence[Column], spec: ViewSpec,
                cancelled: Cancelled = lambda: False) -> list[list] | None:
    """The rows *spec* selects, in its order (stable; NULLs last either way); None if cancelled."""
    preds = [row_predicate(f, columns[f.column].type) for f in spec.filters]
    out: list[list] = []
    for i, row in enumerate(rows):
        if i % 4096 == 0 and cancelled():
            return None
        if all(p(row) for p in preds):
            out.append(row)
    if spec.sort is not None:
        j = spec.sort.column
        key = value_key(columns[j].type)
        nulls = [r for r in out if r[j] is None]
        values = [r for r in out if r[j] is not None]
        if cancelled():
            return None
        try:
            values.sort(key=lambda r: key(r[j]), reverse=spec.sort.descending)
        except TypeError:  # mixed odd values: order by their text
            values.sort(key=lambda r: str(r[j]), reverse=spec.sort.descending)
        out = values + nulls
    return out


# ---------------------------------------------------------------------------------------------
# pushdown


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def quote_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def derived_names(columns: Sequence[Column]) -> list[str]:
    """Column names for ``AS t (…)``: the result's names, unnamed ones ``_colN``, duplicates ``name_2``."""
    seen: dict[str, int] = {}
    out = []
    for i, c in enumerate(columns):
        name = c.name or f"_col{i}"
        n = seen.get(name.lower(), 0) + 1
        seen[name.lower()] = n
        out.append(name if n == 1 else f"{name}_{n}")
    return out


def _sql_condition(spec: FilterSpec, name: str, t: TrinoType) -> str:
    col = quote_ident(name)
    if spec.op in ("is null", "is not null"):
        return f"{col} {spec.op.upper()}"
    if spec.op == "contains":
        return f"strpos(lower(CAST({col} AS varchar)), {quote_string(spec.value.lower())}) > 0"
    op = "<>" if spec.op == "!=" else spec.op
    _literal_key(t, spec.value)  # validates numbers / booleans
    if t.is_numeric:
        return f"{col} {op} {spec.value.strip()}"
    if t.raw == "boolean":
        return f"{col} {op} {spec.value.strip().lower()}"
    if t.raw in _STRING_TYPES:
        return f"{col} {op} {quote_string(spec.value)}"
    return f"CAST({col} AS varchar) {op} {quote_string(spec.value)}"


def pushdown_sql(statement: str, columns: Sequence[Column], spec: ViewSpec) -> str:
    """``SELECT * FROM (<statement>) AS t (…) [WHERE …] [ORDER BY … NULLS LAST]`` (one line per
    clause; *statement* without its trailing ``;``). Raises ValueError for a bad literal."""
    names = derived_names(columns)
    body = statement.strip().rstrip(";").rstrip()
    sql = f"SELECT * FROM (\n{body}\n) AS t ({', '.join(quote_ident(n) for n in names)})"
    if spec.filters:
        sql += "\nWHERE " + " AND ".join(_sql_condition(f, names[f.column], columns[f.column].type)
                                        for f in spec.filters)
    if spec.sort is not None:
        direction = "DESC" if spec.sort.descending else "ASC"
        sql += f"\nORDER BY {quote_ident(names[spec.sort.column])} {direction} NULLS LAST"
    return sql


# ---------------------------------------------------------------------------------------------
# quick search


def search_rows(read: Callable[[int, int], list[list]], total: int, columns: Sequence[Column],
                needle: str, start: tuple[int, int], forward: bool,
                cancelled: Cancelled = lambda: False, block: int = 2048) -> tuple[int, int] | None:
    """The next cell after *start* (row, col) whose text contains *needle* (case-insensitive),
    wrapping around once; ``read(a, b)`` returns rows [a, b). None: no match (or cancelled)."""
    if total <= 0 or not needle:
        return None
    low = needle.lower()
    types = [c.type for c in columns]
    r0, c0 = start

    def hits(row: list, cols: Iterable[int]) -> int | None:
        for j in cols:
            v = row[j] if j < len(row) else None
            if v is not None and low in format_cell_text(v, types[j]).lower():
                return j
        return None

    ncols = len(columns)
    order = range(r0, total) if forward else range(r0, -1, -1)
    wrapped = range(0, r0 + 1) if forward else range(total - 1, r0 - 1, -1)
    first = True
    for rows_range in (order, wrapped):
        if not rows_range:
            continue
        lo, hi = min(rows_range[0], rows_range[-1]), max(rows_range[0], rows_range[-1]) + 1
        blocks = range(lo, hi, block) if forward else range(hi - 1, lo - 1, -block)
        for b in blocks:
            if cancelled():
                return None
            a, z = (b, min(hi, b + block)) if forward else (max(lo, b - block + 1), b + 1)
            rows = read(a, z)
            idx = range(len(rows)) if forward else range(len(rows) - 1, -1, -1)
            for k in idx:
                r = a + k
                if first and r == r0:
                    cols = range(c0 + 1, ncols) if forward else range(c0 - 1, -1, -1)
                elif not first and r == r0:
                    cols = range(0, c0 + 1) if forward else range(ncols - 1, c0 - 1, -1)
                else:
                    cols = range(ncols) if forward else range(ncols - 1, -1, -1)
                j = hits(rows[k], cols)
                if j is not None:
                    return r, j
        first = False
    return None
