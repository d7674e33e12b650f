"""JSON array writer: the whole result as one JSON array of ``{"column": value}`` objects.

Values are exactly those of the JSON (lines) format — this writer feeds each batch through a
``JsonWriter`` and joins its lines with commas — so both formats never disagree. Streams: one
batch in memory at a time. Single-threaded, like every writer.
"""

from __future__ import annotations

import io
from typing import BinaryIO, Sequence

from trino_tui.client.types import Column

from .base import RowWriter
from .json_lines import JsonWriter

__all__ = ["JsonArrayWriter"]


class JsonArrayWriter(RowWriter):
    """``[\\n{...},\\n{...}\\n]\\n``; an empty result is ``[]\\n``."""

    def __init__(self, out: BinaryIO, columns: Sequence[Column]) -> None:
        super().__init__(out, columns)
        self._buf = io.BytesIO()
        self._lines = JsonWriter(self._buf, columns)
        self._started = False

    def write_rows(self, rows: list[list]) -> None:
        if not rows:
            return
        self._lines.write_rows(rows)
        data = self._buf.getvalue()
        self._buf.seek(0)
        self._buf.truncate()
        # JSON text never holds a raw newline (orjson escapes it), so each one ends an object
        body = data[:-1].replace(b"\n", b",\n")
        self.out.write((b",\n" if self._started else b"[\n") + body)
        self._started = True
        self.rows_written += len(rows)

    def _finish(self) -> None:
        self.out.write(b"\n]\n" if self._started else b"[]\n")
