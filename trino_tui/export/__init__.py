"""Streaming writers for the output formats, atomic file output and cell text.

Public API (docs/architecture.md): ``FORMATS`` / ``OUTPUT_FORMATS`` (the one format vocabulary:
name, extension, description), ``create_writer(fmt, out, columns) -> RowWriter`` (``write_rows(rows)``
with wire rows, ``close()``), ``extension_for(fmt)``, ``atomic_output(path)`` and
``format_cell_text(value, t)``. Writers format wire values directly (no Python objects per cell).
"""

from .atomic import atomic_output
from .base import RowWriter
from .registry import (FORMATS, OUTPUT_FORMATS, TRINO_CLI_FORMATS, OutputFormat, create_writer, extension_for,
                       output_format, parallel_format)


def __getattr__(name: str) -> object:  # format_cell_text loads the text module on first use (start-up)
    if name == "format_cell_text":
        from .text import format_cell_text

        return format_cell_text
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

__all__ = ["FORMATS", "OUTPUT_FORMATS", "TRINO_CLI_FORMATS", "OutputFormat", "RowWriter", "atomic_output", "create_writer",
           "extension_for", "format_cell_text", "output_format", "parallel_format"]
