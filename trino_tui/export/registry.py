"""FORMATS and ``create_writer``: output-format name -> writer (Trino CLI ``--output-format``)."""

from __future__ import annotations

from typing import BinaryIO, Sequence

from trino_tui.client.types import Column

from .aligned import AlignedWriter, VerticalWriter
from .base import RowWriter
from .csv_tsv import CsvWriter, TsvWriter
from .json_lines import JsonWriter
from .markdown import MarkdownWriter

__all__ = ["FORMATS", "NullWriter", "create_writer"]

FORMATS = ("CSV", "CSV_HEADER", "CSV_UNQUOTED", "CSV_HEADER_UNQUOTED", "TSV", "TSV_HEADER",
           "JSON", "MARKDOWN", "ALIGNED", "VERTICAL", "NULL")


class NullWriter(RowWriter):
    """NULL format: counts and discards rows."""

    def write_rows(self, rows: list[list]) -> None:
        self.rows_written += len(rows)


def create_writer(fmt: str, out: BinaryIO, columns: Sequence[Column]) -> RowWriter:
    """A streaming writer for *fmt* (case-insensitive). Raises ValueError for an unknown name."""
    name = fmt.upper()
    if name in ("CSV", "CSV_HEADER"):
        return CsvWriter(out, columns, header=name == "CSV_HEADER")
    if name in ("CSV_UNQUOTED", "CSV_HEADER_UNQUOTED"):
        return CsvWriter(out, columns, header=name == "CSV_HEADER_UNQUOTED", quoted=False)
    if name in ("TSV", "TSV_HEADER"):
        return TsvWriter(out, columns, header=name == "TSV_HEADER")
    if name == "JSON":
        return JsonWriter(out, columns)
    if name == "MARKDOWN":
        return MarkdownWriter(out, columns)
    if name == "ALIGNED":
        return AlignedWriter(out, columns)
    if name == "VERTICAL":
        return VerticalWriter(out, columns)
    if name == "NULL":
        return NullWriter(out, columns)
    raise ValueError(f"unknown output format {fmt!r} (expected one of: {', '.join(FORMATS)})")
