"""The ``RowWriter`` contract and the buffered base used by the table-like formats.

A writer owns nothing but its formatting state: ``out`` (a binary file) belongs to the caller and is
flushed, never closed. Writers are single-threaded (one consumer feeds ordered batches).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import BinaryIO, Sequence

from trino_tui.client.types import Column

__all__ = ["BUFFER_BYTES", "BUFFER_ROWS", "BufferedWriter", "RowWriter", "row_cost"]

# The Trino CLI prints in buffers of up to 10,000 rows (OutputHandler.MAX_BUFFERED_ROWS); the
# aligned, vertical and markdown layouts compute column widths per buffer, so we do the same, but
# a buffer also ends once its rows are estimated to hold BUFFER_BYTES (wide or long rows: 10,000
# rows of 1,000 columns would be over a gigabyte).
BUFFER_ROWS = 10_000
BUFFER_BYTES = 64 * 1024 * 1024


def row_cost(row: list) -> int:
    """Estimated memory of one buffered wire row (the list, its cells, their text later)."""
    cost = 56 + 8 * len(row)
    for v in row:
        if v is None:
            continue
        cls = v.__class__
        if cls is str:
            cost += 2 * (49 + len(v))  # the wire string and its cell text
        elif cls is int or cls is float or cls is bool:
            cost += 32 + 56
        else:  # arrays, maps, rows: their printed size, twice, plus container overhead
            cost += 256 + 2 * len(repr(v))
    return cost


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
    """Collects rows into CLI-sized buffers and prints each full buffer with ``_print``.

    A buffer is full at ``buffer_rows`` rows or at ``buffer_bytes`` estimated bytes (the cost of
    one sampled row per batch times its rows: cheap, and a batch's rows share their types).
    """

    buffer_rows = BUFFER_ROWS
    buffer_bytes = BUFFER_BYTES

    def __init__(self, out: BinaryIO, columns: Sequence[Column]) -> None:
        super().__init__(out, columns)
        self._buffer: list[list] = []
        self._buffered_bytes = 0

    def write_rows(self, rows: list[list]) -> None:
        if not rows:
            return
        per_row = max(1, max(row_cost(rows[0]), row_cost(rows[-1])))
        buf = self._buffer
        size, budget = self.buffer_rows, self.buffer_bytes
        start = 0
        while start < len(rows):
            fit = max(1, (budget - self._buffered_bytes) // per_row)
            take = min(size - len(buf), fit, len(rows) - start)
            buf.extend(rows[start:start + take])
            self._buffered_bytes += take * per_row
            start += take
            if len(buf) >= size or self._buffered_bytes + per_row > budget:
                self._emit(buf, complete=False)
                buf = self._buffer = []
                self._buffered_bytes = 0

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
        self._buffered_bytes = 0
        self._emit(rows, complete=True)
        tail = self._trailer()
        if tail:
            self.out.write(tail.encode("utf-8"))

    def _trailer(self) -> str:
        return ""
