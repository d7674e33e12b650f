"""The one vocabulary of output formats: name -> writer, file extension, description.

``OUTPUT_FORMATS`` is the table every front end uses — headless ``--output-format`` and its
--help (via ``core.args``), the TUI export dialog (names, descriptions, suggested extension) —
so a format is added here once. ``FORMATS`` is its tuple of names (Trino CLI names first, in the
CLI's order). Pure data; no I/O at import; a writer's module (and pyarrow for PARQUET) is imported
when the first writer of that format is created.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, BinaryIO, Callable, Sequence

if TYPE_CHECKING:
    from trino_tui.client.types import Column

from trino_tui.records import record
from .base import RowWriter

__all__ = ["FORMATS", "OUTPUT_FORMATS", "TRINO_CLI_FORMATS", "NullWriter", "OutputFormat", "create_writer",
           "extension_for", "output_format", "parallel_format", "prepare_writer"]


class NullWriter(RowWriter):
    """NULL format: counts and discards rows."""

    def write_rows(self, rows: list[list]) -> None:
        self.rows_written += len(rows)


class _Lazy:
    """Creates writers of class *name* in export.*module* (keyword *options* passed on). The module
    is imported when the first writer is made, or by ``prepare_writer`` (a run imports only its
    own format's module: start-up)."""

    __slots__ = ("module", "name", "options")

    def __init__(self, module: str, name: str, **options: bool) -> None:
        self.module, self.name, self.options = module, name, options

    def load(self) -> Callable[..., RowWriter]:
        import importlib

        return getattr(importlib.import_module(f"{__package__}.{self.module}"), self.name)

    def __call__(self, out: BinaryIO, columns: Sequence[Column]) -> RowWriter:
        return self.load()(out, columns, **self.options)


def _csv(header: bool, quoted: bool = True) -> _Lazy:
    return _Lazy("csv_tsv", "CsvWriter", header=header, quoted=quoted)


def _tsv(header: bool) -> _Lazy:
    return _Lazy("csv_tsv", "TsvWriter", header=header)


def _parquet(out: BinaryIO, columns: Sequence[Column]) -> RowWriter:
    from .parquet import ParquetWriter, pyarrow_available

    if not pyarrow_available():
        from trino_tui.client import ConfigError

        raise ConfigError("PARQUET output needs pyarrow: pip install 'trino-tui[parquet]'")
    return ParquetWriter(out, columns)


@record
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
    OutputFormat("JSON", ".json", "one JSON object per line (JSON lines)", _Lazy("json_lines", "JsonWriter"), parallel=True),
    OutputFormat("MARKDOWN", ".md", "Markdown table", _Lazy("markdown", "MarkdownWriter")),
    OutputFormat("ALIGNED", ".txt", "aligned text table (the Trino CLI's default)", _Lazy("aligned", "AlignedWriter")),
    OutputFormat("VERTICAL", ".txt", "one block of name | value lines per row",
                 _Lazy("aligned", "VerticalWriter")),
    OutputFormat("NULL", "", "run the query, discard the rows", NullWriter),
    OutputFormat("JSON_ARRAY", ".json", "one JSON array of row objects", _Lazy("json_array", "JsonArrayWriter"),
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


def prepare_writer(fmt: str) -> None:
    """Import *fmt*'s writer module now (headless: while the server works on the statement) instead
    of when the first columns arrive. Unknown names and PARQUET are left to ``create_writer``."""
    known = _BY_NAME.get(fmt.strip().upper())
    create = known.create if known is not None else None
    if isinstance(create, _Lazy):
        create.load()


def create_writer(fmt: str, out: BinaryIO, columns: Sequence[Column]) -> RowWriter:
    """A streaming writer for *fmt* (case-insensitive). Raises ValueError for an unknown name."""
    return output_format(fmt).create(out, columns)


def extension_for(fmt: str) -> str:
    """The file extension suggested for *fmt* (".csv", ".parquet", "" for NULL)."""
    return output_format(fmt).extension
