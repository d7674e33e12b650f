"""Streaming writers for the Trino CLI output formats, atomic file output and cell text.

Public API (docs/architecture.md): ``FORMATS``, ``create_writer(fmt, out, columns) -> RowWriter``
(``write_rows(rows)`` with wire rows, ``close()``), ``atomic_output(path)`` and
``format_cell_text(value, t)``. Writers format wire values directly (no Python objects per cell).
"""

from .atomic import atomic_output
from .base import RowWriter
from .registry import FORMATS, create_writer
from .text import format_cell_text

__all__ = ["FORMATS", "RowWriter", "atomic_output", "create_writer", "format_cell_text"]
