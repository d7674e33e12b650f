"""Copy-as formats for a grid selection: CSV, TSV, Markdown and JSON through the export writers
(``export.create_writer``: the same bytes an export of those rows writes), plus SQL INSERTs (the
one writer here). Pure functions over (columns, wire rows); no Textual; safe from any thread.
"""

from __future__ import annotations

import base64
import io
import json
from typing import Any, Sequence

from trino_tui.client import Column, TrinoType
from trino_tui.export import create_writer, format_cell_text

COPY_FORMATS: tuple[tuple[str, str], ...] = (
    ("csv", "CSV"), ("tsv", "TSV"), ("markdown", "Markdown"), ("json", "JSON"), ("sql", "SQL INSERT"),
)
_WRITERS = {"csv": "CSV_HEADER", "tsv": "TSV_HEADER", "markdown": "MARKDOWN", "json": "JSON_ARRAY"}
_TYPED_LITERALS = {"date": "DATE", "time": "TIME", "time with time zone": "TIME", "timestamp": "TIMESTAMP",
                   "timestamp with time zone": "TIMESTAMP", "json": "JSON", "uuid": "UUID",
                   "ipaddress": "IPADDRESS"}
_NESTED = ("array", "map", "row")
_SPECIAL_DOUBLES = {"NaN": "nan()", "Infinity": "infinity()", "-Infinity": "-infinity()"}


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def sql_literal(value: Any, t: TrinoType) -> str:
    """A Trino SQL literal for one wire value of type *t*."""
    if value is None:
        return "NULL"
    raw = t.raw
    if raw == "boolean":
        return "TRUE" if value else "FALSE"
    if t.is_numeric:
        if isinstance(value, str):
            return _SPECIAL_DOUBLES.get(value, value)
        return repr(value) if isinstance(value, float) else str(value)
    if raw in ("varchar", "char"):
        return _quote(str(value))
    if raw == "varbinary" and isinstance(value, str):
        return "X'" + base64.b64decode(value).hex() + "'"
    if raw in _NESTED:
        return f"CAST(JSON {_quote(json.dumps(value, ensure_ascii=False))} AS {t.text or raw})"
    if raw in _TYPED_LITERALS:
        return f"{_TYPED_LITERALS[raw]} {_quote(str(value))}"
    return f"CAST({_quote(format_cell_text(value, t))} AS {t.text or raw})"


def sql_inserts(columns: Sequence[Column], rows: Sequence[Sequence[Any]], table: str = "result") -> str:
    """``INSERT INTO <table> (cols) VALUES (…), (…);`` (one row a line)."""
    head = f"INSERT INTO {table} ({', '.join(_ident(c.name) for c in columns)}) VALUES\n"
    values = ",\n".join("(" + ", ".join(sql_literal(v, c.type) for v, c in zip(row, columns)) + ")" for row in rows)
    return head + values + ";"


def copy_as(fmt: str, columns: Sequence[Column], rows: Sequence[Sequence[Any]]) -> str:
    """Text of *rows* in *fmt* ("csv" | "tsv" | "markdown" | "json" | "sql"); ValueError otherwise."""
    if fmt == "sql":
        return sql_inserts(columns, rows)
    if fmt not in _WRITERS:
        raise ValueError(f"unknown copy format {fmt!r}")
    out = io.BytesIO()
    writer = create_writer(_WRITERS[fmt], out, columns)
    writer.write_rows([list(r) for r in rows])
    writer.close()
    return out.getvalue().decode("utf-8").rstrip("\n")
