"""ALIGNED and VERTICAL writers (the Trino CLI's AlignedTablePrinter and VerticalRecordPrinter).

ALIGNED: header names centred, ``-``/``+`` separator line, cells padded by one space, numeric
columns right-aligned, NULL shown as ``NULL``, varbinary as hex (16 bytes per line), multi-line
values continue on extra lines whose unfinished cells end in ``+``, footer ``(N rows)``. Widths
are computed per buffer of up to 10,000 rows and the header is printed once, with the first
buffer's widths, exactly as the CLI does — memory stays bounded for any result size.
VERTICAL: ``-[ RECORD n ]-...`` blocks of ``name | value`` lines, ``(no rows)`` for an empty result.
"""

from __future__ import annotations

from typing import BinaryIO, Sequence

from trino_tui.client.types import Column

from .base import BufferedWriter
from .text import HEX_LINES, display_width, max_line_width, text_formatter

__all__ = ["AlignedWriter", "VerticalWriter"]


class _TextTable(BufferedWriter):
    """Buffers rows and renders them to CLI cell text with the ALIGNED formatters."""

    def __init__(self, out: BinaryIO, columns: Sequence[Column]) -> None:
        super().__init__(out, columns)
        self._fmts = [text_formatter(c.type, "NULL", HEX_LINES) for c in self.columns]

    def _texts(self, rows: list[list]) -> list[list[str]]:
        fmts = self._fmts
        return [[f(v) for f, v in zip(fmts, row)] for row in rows]


class AlignedWriter(_TextTable):
    def __init__(self, out: BinaryIO, columns: Sequence[Column]) -> None:
        super().__init__(out, columns)
        self._numeric = [c.type.is_numeric for c in self.columns]
        self._header_done = False
        self._count = 0

    def _print(self, rows: list[list], complete: bool) -> str:
        self._count += len(rows)
        texts = self._texts(rows)
        widths = [max(1, display_width(n)) for n in self.names]
        for cells in texts:
            for i, s in enumerate(cells):
                w = max_line_width(s)
                if w > widths[i]:
                    widths[i] = w
        out: list[str] = []
        if not self._header_done:
            self._header_done = True
            out.append("|".join(_center(n, w) for n, w in zip(self.names, widths)) + "\n")
            out.append("+".join("-" * (w + 2) for w in widths) + "\n")
        mark = not complete or self._count > 1
        numeric = self._numeric
        for cells in texts:
            if not any("\n" in s for s in cells):
                out.append("|".join(_align(s, w, r) for s, w, r in zip(cells, widths, numeric)) + "\n")
                continue
            split = [s.split("\n") for s in cells]
            for line in range(max(len(p) for p in split)):
                parts = []
                for lines, w, r in zip(split, widths, numeric):
                    cell = _align(lines[line] if line < len(lines) else "", w, r)
                    if mark and line + 1 < len(lines):
                        cell = cell[:-1] + "+"
                    parts.append(cell)
                out.append("|".join(parts) + "\n")
        return "".join(out)

    def _trailer(self) -> str:
        return f"({self._count} row{'s' if self._count != 1 else ''})\n"


def _center(s: str, width: int) -> str:
    pad = width - display_width(s)
    left = pad // 2
    return " " * (left + 1) + s + " " * (pad - left + 1)


def _align(s: str, width: int, right: bool) -> str:
    pad = " " * (width - display_width(s) + 1)
    return pad + s + " " if right else " " + s + pad


class VerticalWriter(_TextTable):
    def __init__(self, out: BinaryIO, columns: Sequence[Column]) -> None:
        super().__init__(out, columns)
        self._names_width = max((display_width(n) for n in self.names), default=0)
        self._count = 0

    def _print(self, rows: list[list], complete: bool) -> str:
        texts = self._texts(rows)
        values_width = max((max_line_width(s) for cells in texts for s in cells), default=0)
        nw = self._names_width
        out: list[str] = []
        for cells in texts:
            self._count += 1
            header = f"-[ RECORD {self._count} ]"
            if nw + 1 >= len(header):
                header += "-" * (nw + 1 - len(header)) + "+"
            header += "-" * max(0, nw + values_width + 3 - len(header))
            out.append(header + "\n")
            for name, s in zip(self.names, cells):
                label = name + " " * (nw - display_width(name))
                for line in s.split("\n"):
                    out.append(f"{label} | {line}\n")
                    label = " " * display_width(name) + " " * (nw - display_width(name))
        return "".join(out)

    def _trailer(self) -> str:
        return "(no rows)\n" if self._count == 0 else ""
