"""Streaming writers for the output formats, atomic file output and cell text.

Public API (docs/architecture.md): ``FORMATS`` / ``OUTPUT_FORMATS`` (the one format vocabulary:
name, extension, description), ``create_writer(fmt, out, columns) -> RowWriter`` (``write_rows(rows)``
with wire rows, ``close()``), ``extension_for(fmt)``, ``atomic_output(path)`` and
``format_cell_text(value, t)``. Writers format wire values directly (no Python objects per cell).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

# Each name is loaded from its module on first use (PEP 562), so a run imports only what it uses
# (start-up): e.g. ``atomic_output`` (tempfile, shutil) only when writing a file.
_EXPORTS = {"atomic_output": "atomic", "RowWriter": "base", "format_cell_text": "text",
            **dict.fromkeys(("FORMATS", "OUTPUT_FORMATS", "TRINO_CLI_FORMATS", "OutputFormat", "create_writer",
                             "extension_for", "output_format", "parallel_format"), "registry")}


def __getattr__(name: str) -> object:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


if TYPE_CHECKING:
    from .atomic import atomic_output
    from .base import RowWriter
    from .registry import (FORMATS, OUTPUT_FORMATS, TRINO_CLI_FORMATS, OutputFormat, create_writer, extension_for,
                           output_format, parallel_format)
    from .text import format_cell_text

__all__ = ["FORMATS", "OUTPUT_FORMATS", "TRINO_CLI_FORMATS", "OutputFormat", "RowWriter", "atomic_output", "create_writer",
           "extension_for", "format_cell_text", "output_format", "parallel_format"]
