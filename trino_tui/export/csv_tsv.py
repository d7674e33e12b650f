"""CSV / CSV_UNQUOTED / TSV writers (the Trino CLI's CsvPrinter and TsvPrinter rules).

CSV: every field quoted, ``"`` doubled, newlines kept inside quotes, NULL -> empty field (``""``).
CSV_UNQUOTED: fields joined by ``,`` with no quoting or escaping at all (as specified for trino-tui;
the 446 CLI still escapes with ``"`` — trinodb/trino#12370). TSV: ``\\0 \\b \\f \\n \\r \\t \\\\``
escaped, NULL -> empty. Varbinary as one line of hex pairs; nested values in CLI notation.

Hot path: one generated function per result turns a whole batch into one string (an f-string per
row with the column indexes baked in; plain strings/ints are inlined, other types call their
precomputed formatter), using the control characters US/RS as field/row separators; escaping is
then a few ``str.replace`` calls over the batch, and the text is encoded once per batch. If a value
itself contains US/RS (or the row width is wrong) the batch falls back to a per-row path.
"""

from __future__ import annotations

from typing import Any, BinaryIO, Callable, Sequence

from trino_tui.client.types import INTEGER_TYPES, Column, TrinoType

from .base import RowWriter
from .text import HEX_FLAT, text_formatter

__all__ = ["CsvWriter", "TsvWriter", "compile_batch_formatter"]

US, RS = "\x1f", "\x1e"

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

BatchFormatter = Callable[[list], str]
FieldsFormatter = Callable[[list], list]


def _is_verbatim(t: TrinoType) -> bool:
    return t.raw in _VERBATIM


def compile_batch_formatter(columns: Sequence[Column], sep: str, rowsep: str,
                            null: str = "") -> tuple[BatchFormatter, FieldsFormatter]:
    """Generate ``batch(rows) -> str`` (fields joined by *sep*, rows by *rowsep*, no trailing
    separator) and ``fields(row) -> list[str]``. Only column indexes enter the generated source;
    names and values never do."""
    env: dict[str, Any] = {"_null": null}
    exprs: list[str] = []
    for i, c in enumerate(columns):
        if c.type.raw in _STRINGS and not null:
            exprs.append(f"{{a{i} or ''}}")  # str or None on the wire: '' and None both print ''
        elif _is_verbatim(c.type):
            exprs.append(f"{{_null if a{i} is None else a{i}}}")
        elif c.type.raw == "double":
            # str(float) is Java's text for 0 and 1e-3 <= |x| < 1e7: inline that common case
            env[f"_f{i}"] = text_formatter(c.type, null, HEX_FLAT)
            exprs.append(f"{{a{i} if a{i}.__class__ is float and (0.001 <= a{i} < 1e7 or a{i} == 0.0 "
                         f"or -1e7 < a{i} <= -0.001) else _f{i}(a{i})}}")
        else:
            env[f"_f{i}"] = text_formatter(c.type, null, HEX_FLAT)
            exprs.append(f"{{_f{i}(a{i})}}")
    n = len(exprs)
    if n == 0:
        return (lambda rows: rowsep.join("" for _ in rows)), (lambda row: [])
    targets = ", ".join(f"a{i}" for i in range(n)) + ("," if n == 1 else "")
    sep_src = sep.encode("unicode_escape").decode("ascii")
    row_src = sep_src.join(exprs)
    fields_src = ", ".join(f'f"{e}"' for e in exprs)
    src = (
        f"def batch(rows):\n"
        f"    return {rowsep!r}.join([f\"{row_src}\" for {targets} in rows])\n"
        f"def fields(row):\n"
        f"    {targets} = row\n"
        f"    return [{fields_src}]\n"
    )
    exec(compile(src, "<trino_tui.export row formatter>", "exec"), env)  # noqa: S102 - indexes only
    return env["batch"], env["fields"]


class _DelimitedWriter(RowWriter):
    """Shared batch machinery: subclasses provide ``_escape_batch`` and ``_row_line``."""

    def __init__(self, out: BinaryIO, columns: Sequence[Column], header: bool) -> None:
        super().__init__(out, columns)
        self._ncols = len(self.columns)
        self._batch, self._fields = compile_batch_formatter(self.columns, US, RS)
        self._need_header = header

    def write_rows(self, rows: list[list]) -> None:
        parts: list[str] = []
        if self._need_header:
            self._need_header = False
            parts.append(self._row_line(self.names))
        if rows:
            parts.append(self._format(rows))
            self.rows_written += len(rows)
        if parts:
            self.out.write("".join(parts).encode("utf-8"))

    def _format(self, rows: list[list]) -> str:
        try:
            text = self._batch(rows)
        except (ValueError, TypeError):
            text = None  # wrong row width or an odd value: the per-row path reports it precisely
        n = len(rows)
        if (text is None or self._ncols == 0 or text.count(US) != n * (self._ncols - 1)
                or text.count(RS) != n - 1):
            return "".join(self._row_line(self._row_fields(r)) for r in rows)
        return self._escape_batch(text)

    def _row_fields(self, row: list) -> list[str]:
        self._check_width(row)
        try:
            return self._fields(row)
        except (TypeError, ValueError, AttributeError) as e:
            raise ValueError(f"cannot format row {row!r:.200}: {e}") from None

    def _finish(self) -> None:
        self.write_rows([])

    def _escape_batch(self, text: str) -> str:
        raise NotImplementedError

    def _row_line(self, fields: list[str]) -> str:
        raise NotImplementedError


class CsvWriter(_DelimitedWriter):
    """CSV, CSV_HEADER (quoted) and CSV_UNQUOTED, CSV_HEADER_UNQUOTED (``quoted=False``)."""

    def __init__(self, out: BinaryIO, columns: Sequence[Column], *, header: bool, quoted: bool = True):
        self._quoted = quoted
        super().__init__(out, columns, header)

    def _escape_batch(self, text: str) -> str:
        if not self._quoted:
            return text.replace(US, ",").replace(RS, "\n") + "\n"
        if '"' in text:
            text = text.replace('"', '""')
        return '"' + text.replace(US, '","').replace(RS, '"\n"') + '"\n'

    def _row_line(self, fields: list[str]) -> str:
        if not self._quoted:
            return ",".join(fields) + "\n"
        if not fields:
            return "\n"
        return '"' + '","'.join(f.replace('"', '""') for f in fields) + '"\n'


_TSV_ESCAPES = (("\\", "\\\\"), ("\0", "\\0"), ("\b", "\\b"), ("\f", "\\f"), ("\n", "\\n"),
                ("\r", "\\r"), ("\t", "\\t"))


def _tsv_escape(text: str) -> str:
    for ch, rep in _TSV_ESCAPES:
        if ch in text:
            text = text.replace(ch, rep)
    return text


class TsvWriter(_DelimitedWriter):
    """TSV and TSV_HEADER."""

    def _escape_batch(self, text: str) -> str:
        return _tsv_escape(text).replace(US, "\t").replace(RS, "\n") + "\n"

    def _row_line(self, fields: list[str]) -> str:
        return "\t".join(_tsv_escape(f) for f in fields) + "\n"
