"""The one vocabulary of output formats: name -> writer, file extension, description.

``OUTPUT_FORMATS`` is the table every front end uses — headless ``--output-format`` and its
--help (via ``core.args``), the TUI export dialog (names, descriptions, suggested extension) —
so a format is added here once. ``FORMATS`` is its tuple of names (Trino CLI names first, in the
CLI's order). Pure data; no I/O at import; a writer's module (and pyarrow for PARQUET) is imported
when the first writer of that format is created.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import BinaryIO, Callable, Sequence

from trino_tui.client.types import Column

from .base import RowWriter

__all__ = ["FORMATS", "OUTPUT_FORMATS", "TRINO_CLI_FORMATS", "NullWriter", "OutputFormat", "create_writer",
           "extension_for", "output_format", "parallel_format"]


class NullWriter(RowWriter):
    """NULL format: counts and discards rows."""

    def write_rows(self, rows: list[list]) -> None:
        self.rows_written += len(rows)


def _csv(header: bool, quoted: bool = True) -> Callable[[BinaryIO, Sequence[Column]], RowWriter]:
    def create(out: BinaryIO, columns: Sequence[Column]) -> RowWriter:
        from .csv_tsv import CsvWriter

        return CsvWriter(out, columns, header=header, quoted=quoted)
    return create


def _tsv(header: bool) -> Callable[[BinaryIO, Sequence[Column]], RowWriter]:
    def create(out: BinaryIO, columns: Sequence[Column]) -> RowWriter:
        from .csv_tsv import TsvWriter

        return TsvWriter(out, columns, header=header)
    return create


def _lazy(module: str, name: str) -> Callable[[BinaryIO, Sequence[Column]], RowWriter]:
    """The writer class *name* of export.*module*, imported when the first writer is made
    (a run imports only its own format's module: start-up)."""
    def create(out: BinaryIO, columns: Sequence[Column]) -> RowWriter:
        import importlib

        return getattr(importlib.import_module(f"{__package__}.{module}"), name)(out, columns)
    return create


def _parquet(out: BinaryIO, columns: Sequence[Column]) -> RowWriter:
    from .parquet import ParquetWriter, pyarrow_available

    if not pyarrow_available():
        from trino_tui.client import ConfigError

        raise ConfigError("PARQUET output needs pyarrow: pip install 'trino-tui[parquet]'")
    return ParquetWriter(out, columns)


@dataclass(frozen=True)
class OutputFormat:
    """One output format: ``create(out, columns)`` makes its streaming writer."""

    name: str
    extension: str          # suggested file extension, "" for none
    description: str
    create: Callable[[BinaryIO, Sequence[Column]], RowWriter]
    trino_cli: bool = True  # the Trino CLI has this --output-format (byte-identical output)
    parallel: bool = False  # a batch's output depends only on its rows (export.parallel may format it)


OUTPUT_FORMATS: tuple[OutputFormat, ...] = (
    OutputFormat("CSV", ".csv", "comma-separated, values quoted, no header",
                 _csv(False), parallel=True),
    OutputFormat("CSV_HEADER", ".csv", "comma-separated, values quoted, header row",
                 _csv(True), parallel=True),
    OutputFormat("CSV_UNQUOTED", ".csv", "comma-separated, unquoted, no header",
                 _csv(False, quoted=False), parallel=True),
    OutputFormat("CSV_HEADER_UNQUOTED", ".csv", "comma-separated, unquoted, header row",
                 _csv(True, quoted=False), parallel=True),
    OutputFormat("TSV", ".tsv", "tab-separated, no header", _tsv(False), parallel=True),
    OutputFormat("TSV_HEADER", ".tsv", "tab-separated, header row", _tsv(True), parallel=True),
    OutputFormat("JSON", ".json", "one JSON object per line (JSON lines)", _lazy("json_lines", "JsonWriter"), parallel=True),
    OutputFormat("MARKDOWN", ".md", "Markdown table", _lazy("markdown", "MarkdownWriter")),
    OutputFormat("ALIGNED", ".txt", "aligned text table (the Trino CLI's default)", _lazy("aligned", "AlignedWriter")),
    OutputFormat("VERTICAL", ".txt", "one block of name | value lines per row",
                 _lazy("aligned", "VerticalWriter")),
    OutputFormat("NULL", "", "run the query, discard the rows", NullWriter),
    OutputFormat("JSON_ARRAY", ".json", "one JSON array of row objects", _lazy("json_array", "JsonArrayWriter"),
                 trino_cli=False),
    OutputFormat("PARQUET", ".parquet", "Parquet file (needs pyarrow)", _parquet, trino_cli=False),
)

_BY_NAME = {f.name: f for f in OUTPUT_FORMATS}
FORMATS: tuple[str, ...] = tuple(_BY_NAME)
TRINO_CLI_FORMATS: tuple[str, ...] = tuple(f.name for f in OUTPUT_FORMATS if f.trino_cli)


def output_format(name: str) -> OutputFormat:
    """The format called *name* (case-insensitive). Raises ValueError for an unknown name."""
    try:
        return _BY_NAME[name.strip().upper()]
    except KeyError:
        raise ValueError(f"unknown output format {name!r} (expected one of: {', '.join(FORMATS)})") from None


def parallel_format(fmt: str) -> bool:
    """True if *fmt*'s output for a batch depends only on its rows once the header is out
    (export.parallel may then format its segments in worker processes)."""
    try:
        return output_format(fmt).parallel
    except ValueError:
        return False


def create_writer(fmt: str, out: BinaryIO, columns: Sequence[Column]) -> RowWriter:
    """A streaming writer for *fmt* (case-insensitive). Raises ValueError for an unknown name."""
    return output_format(fmt).create(out, columns)


def extension_for(fmt: str) -> str:
    """The file extension suggested for *fmt* (".csv", ".parquet", "" for NULL)."""
    return output_format(fmt).extension
