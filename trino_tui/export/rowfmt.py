"""Generated per-result row formatters: wire rows -> CLI cell text with minimal per-cell overhead.

One function per result is compiled from the column types (only column indexes and constant
literals enter the generated source; names and values never do): plain strings and integers are
inlined in an f-string, doubles in the common range too, other types call their precomputed
``text_formatter``. Immutable after construction; thread-safe.
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

from trino_tui.records import record
from trino_tui.client.types import INTEGER_TYPES, Column, TrinoType

from .text import HEX_FLAT, text_formatter

__all__ = ["RowFormatters", "compile_row_formatters"]

# Types whose non-NULL wire value already is its CLI text (str) or prints as str(int).
_VERBATIM = INTEGER_TYPES | {
    "varchar", "char", "json", "date", "time", "time with time zone", "timestamp",
    "timestamp with time zone", "interval year to month", "interval day to second", "ipaddress",
    "uuid", "decimal", "Geometry", "SphericalGeography", "unknown",
}

# Types whose wire value is always a JSON string (never a number or boolean).
_STRINGS = frozenset(("varchar", "char", "json", "date", "time", "time with time zone", "timestamp",
                      "timestamp with time zone", "interval year to month", "interval day to second",
                      "ipaddress", "uuid"))



@record
class RowFormatters:
    """``batch(rows)``: one string, fields joined by *sep*, rows by *rowsep* (no trailing separator);
    ``fields(row)``: the cell texts of one row; ``texts(rows)``: cell texts of every row."""

    batch: Callable[[list], str]
    fields: Callable[[list], list]
    texts: Callable[[list], list]


def _literal_source(text: str) -> str:
    """*text* as the body of a double-quoted f-string literal (ASCII printable kept, the rest escaped;
    not the unicode_escape codec: loading it costs a 3-row run ~1 ms)."""
    out = []
    for ch in text:
        if ch in '\\"':
            out.append("\\" + ch)
        elif ch in "{}":
            out.append(ch * 2)
        elif " " <= ch <= "~":
            out.append(ch)
        else:
            out.append(f"\\U{ord(ch):08x}")
    return "".join(out)


def _is_verbatim(t: TrinoType) -> bool:
    return t.raw in _VERBATIM


def compile_row_formatters(columns: Sequence[Column], *, sep: str = "\x1f", rowsep: str = "\x1e",
                           null: str = "", hex_per_line: int = HEX_FLAT) -> RowFormatters:
    """Compile the formatters for *columns*; *null* is the text of a top-level NULL and
    *hex_per_line* the varbinary layout (``HEX_FLAT`` or ``HEX_LINES``)."""
    env: dict[str, Any] = {"_null": null}
    exprs: list[str] = []
    for i, c in enumerate(columns):
        if c.type.raw in _STRINGS and not null:
            exprs.append(f"{{a{i} or ''}}")  # str or None on the wire: '' and None both print ''
        elif _is_verbatim(c.type):
            exprs.append(f"{{_null if a{i} is None else a{i}}}")
        elif c.type.raw == "double":
            # str(float) is Java's text for 0 and 1e-3 <= |x| < 1e7: inline that common case
            env[f"_f{i}"] = text_formatter(c.type, null, hex_per_line)
            # (...)!s: str() of a float is its repr, without format()'s generic __format__ dispatch
            exprs.append(f"{{(a{i} if a{i}.__class__ is float and (0.001 <= a{i} < 1e7 or a{i} == 0.0 "
                         f"or -1e7 < a{i} <= -0.001) else _f{i}(a{i}))!s}}")
        else:
            env[f"_f{i}"] = text_formatter(c.type, null, hex_per_line)
            exprs.append(f"{{_f{i}(a{i})}}")
    n = len(exprs)
    if n == 0:
        return RowFormatters(lambda rows: rowsep.join("" for _ in rows), lambda row: [],
                             lambda rows: [[] for _ in rows])
    targets = ", ".join(f"a{i}" for i in range(n)) + ("," if n == 1 else "")
    sep_src = _literal_source(sep)
    row_src = sep_src.join(exprs)
    fields_src = ", ".join(f'f"{e}"' for e in exprs)
    src = (
        f"def batch(rows):\n"
        f"    return {rowsep!r}.join([f\"{row_src}\" for {targets} in rows])\n"
        f"def fields(row):\n"
        f"    {targets} = row\n"
        f"    return [{fields_src}]\n"
        f"def texts(rows):\n"
        f"    return [[{fields_src}] for {targets} in rows]\n"
    )
    exec(compile(src, "<trino_tui.export row formatter>", "exec"), env)  # noqa: S102 - indexes only
    return RowFormatters(env["batch"], env["fields"], env["texts"])
