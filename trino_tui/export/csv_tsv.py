"""CSV / CSV_UNQUOTED / TSV writers (the Trino CLI's CsvPrinter and TsvPrinter rules).

CSV: every field quoted, ``"`` doubled, newlines kept inside quotes, NULL -> empty field (``""``).
CSV_UNQUOTED: fields joined by ``,`` with no quoting or escaping at all (as specified for trino-tui;
the 446 CLI still escapes with ``"`` — trinodb/trino#12370). TSV: ``\\0 \\b \\f \\n \\r \\t \\\\``
escaped, NULL -> empty. Varbinary as one line of hex pairs; nested values in CLI notation.

Hot path: a generated function (rowfmt) turns a whole batch into one string, using the control
characters US/RS as field/row separators; escaping is
then a few ``str.replace`` calls over the batch, and the text is encoded once per batch. If a value
itself contains US/RS (or the row width is wrong) the batch falls back to a per-row path.
"""

from __future__ import annotations

from typing import BinaryIO, Sequence

from trino_tui.client.types import Column

from .base import RowWriter
from .rowfmt import compile_row_formatters

__all__ = ["CsvWriter", "TsvWriter"]

US, RS = "\x1f", "\x1e"

class _DelimitedWriter(RowWriter):
    """Shared batch machinery: subclasses provide ``_escape_batch`` and ``_row_line``."""

    def __init__(self, out: BinaryIO, columns: Sequence[Column], header: bool) -> None:
        super().__init__(out, columns)
        self._ncols = len(self.columns)
        fmt = compile_row_formatters(self.columns, sep=US, rowsep=RS)
        self._batch, self._fields = fmt.batch, fmt.fields
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
        # quoted fast path: rows formatted straight into '","' / '"\n"' separators; valid when the
        # only quotes in the text are those separators (no value holds a '"' to double)
        self._quoted_batch = (compile_row_formatters(self.columns, sep='","', rowsep='"\n"').batch
                              if quoted else None)

    def _format(self, rows: list[list]) -> str:
        if self._quoted and self._ncols:
            try:
                text = self._quoted_batch(rows)
            except (ValueError, TypeError):
                text = None
            if text is not None and text.count('"') == 2 * self._ncols * len(rows) - 2:
                return '"' + text + '"\n'
        return super()._format(rows)

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
