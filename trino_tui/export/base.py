"""The ``RowWriter`` contract and the buffered base used by the table-like formats.

A writer owns nothing but its formatting state: ``out`` (a binary file) belongs to the caller and is
flushed, never closed. Writers are single-threaded (one consumer feeds ordered batches).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import BinaryIO, Sequence

from trino_tui.client.types import Column

__all__ = ["BUFFER_ROWS", "BufferedWriter", "RowWriter"]

# The Trino CLI prints in buffers of up to 10,000 rows (OutputHandler.MAX_BUFFERED_ROWS); the
# aligned, vertical and markdown layouts compute column widths per buffer, so we do the same.
BUFFER_ROWS = 10_000


class RowWriter(ABC):
    """Streams wire rows (lists of values as ``orjson.loads`` produced them) to ``out``."""

    def __init__(self, out: BinaryIO, columns: Sequence[Column]) -> None:
        self.out = out
        self.columns = list(columns)
        self.names = [c.name for c in self.columns]
        self.rows_written = 0
        self.closed = False

    @abstractmethod
    def write_rows(self, rows: list[list]) -> None:
        """Write one ordered batch of wire rows."""

    def close(self) -> None:
        """Write trailers (header of an empty result, ``(N rows)`` footer ...) and flush ``out``.
        Idempotent; does not close ``out``."""
        if self.closed:
            return
        self.closed = True
        self._finish()
        self.out.flush()

    def _finish(self) -> None:
        """Hook for trailers; default: nothing."""

    def _check_width(self, row: list) -> None:
        if len(row) != len(self.columns):
            raise ValueError(f"row has {len(row)} values but the result has {len(self.columns)} columns")

    def __enter__(self) -> "RowWriter":
        return self

    def __exit__(self, *exc: object) -> None:
        if exc[0] is None:
            self.close()


class BufferedWriter(RowWriter):
    """Collects rows into CLI-sized buffers and prints each full buffer with ``_print``."""

    buffer_rows = BUFFER_ROWS

    def __init__(self, out: BinaryIO, columns: Sequence[Column]) -> None:
        super().__init__(out, columns)
        self._buffer: list[list] = []

    def write_rows(self, rows: list[list]) -> None:
        buf = self._buffer
        size = self.buffer_rows
        start = 0
        while start < len(rows):
            take = min(size - len(buf), len(rows) - start)
            buf.extend(rows[start:start + take])
            start += take
            if len(buf) >= size:
                self._emit(buf, complete=False)
                buf = self._buffer = []

    def _emit(self, rows: list[list], complete: bool) -> None:
        for row in rows:
            self._check_width(row)
        self.rows_written += len(rows)
        text = self._print(rows, complete)
        if text:
            self.out.write(text.encode("utf-8"))

    @abstractmethod
    def _print(self, rows: list[list], complete: bool) -> str:
        """Text for one buffer (``complete`` is True for the last one, as in the CLI)."""

    def _finish(self) -> None:
        rows, self._buffer = self._buffer, []
        self._emit(rows, complete=True)
        tail = self._trailer()
        if tail:
            self.out.write(tail.encode("utf-8"))

    def _trailer(self) -> str:
        return ""
