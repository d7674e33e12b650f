"""Streaming writers for the output formats, atomic file output and cell text.

Public API (docs/architecture.md): ``FORMATS`` / ``OUTPUT_FORMATS`` (the one format vocabulary:
name, extension, description), ``create_writer(fmt, out, columns) -> RowWriter`` (``write_rows(rows)``
with wire rows, ``close()``), ``extension_for(fmt)``, ``atomic_output(path)`` and
``format_cell_text(value, t)``. Writers format wire values directly (no Python objects per cell).
"""

from .atomic import atomic_output
from .base import RowWriter
from .registry import (FORMATS, OUTPUT_FORMATS, TRINO_CLI_FORMATS, OutputFormat, create_writer, extension_for,
                       output_format)
from .text import format_cell_text

__all__ = ["FORMATS", "OUTPUT_FORMATS", "TRINO_CLI_FORMATS", "OutputFormat", "RowWriter", "atomic_output", "create_writer",
           "extension_for", "format_cell_text", "output_format"]
