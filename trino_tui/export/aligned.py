"""ALIGNED and VERTICAL writers (the Trino CLI's AlignedTablePrinter and VerticalRecordPrinter).

ALIGNED: header names centred, ``-``/``+`` separator line, cells padded by one space, numeric
columns right-aligned, NULL shown as ``NULL``, varbinary as hex (16 bytes per line), multi-line
values continue on extra lines whose unfinished cells end in ``+``, footer ``(N rows)``. Widths
are computed per buffer of up to 10,000 rows (as the CLI) or ``base.BUFFER_BYTES`` estimated bytes
(wide rows), and the header is printed once, with the first buffer's widths — memory stays bounded
for any result size and width.
VERTICAL: ``-[ RECORD n ]-...`` blocks of ``name | value`` lines, ``(no rows)`` for an empty result.
"""

from __future__ import annotations

from typing import BinaryIO, Sequence

from trino_tui.client.types import Column

from .base import BufferedWriter
from .rowfmt import compile_row_formatters
from .tablefmt import measure, pad_cell, row_template
from .text import HEX_LINES, display_width, max_line_width

__all__ = ["AlignedWriter", "VerticalWriter"]


class _TextTable(BufferedWriter):
    """Buffers rows and renders them to CLI cell text (NULL, 16-byte hex lines)."""

    def __init__(self, out: BinaryIO, columns: Sequence[Column]) -> None:
        super().__init__(out, columns)
        self._texts = compile_row_formatters(self.columns, null="NULL", hex_per_line=HEX_LINES).texts


class AlignedWriter(_TextTable):
    def __init__(self, out: BinaryIO, columns: Sequence[Column]) -> None:
        super().__init__(out, columns)
        self._numeric = [c.type.is_numeric for c in self.columns]
        self._header_done = False
        self._count = 0

    def _print(self, rows: list[list], complete: bool) -> str:
        self._count += len(rows)
        texts = self._texts(rows)
        layout = measure(self.names, texts)
        widths, numeric = layout.widths, self._numeric
        out: list[str] = []
        if not self._header_done:
            self._header_done = True
            out.append("|".join(_center(n, w) for n, w in zip(self.names, widths)) + "\n")
            out.append("+".join("-" * (w + 2) for w in widths) + "\n")
        template = row_template(layout, numeric, "|") + "\n"
        complex_cols = [i for i, s in enumerate(layout.simple) if not s]
        mark = not complete or self._count > 1
        for cells in texts:
            if any("\n" in cells[i] for i in complex_cols):
                out.extend(self._multiline(cells, widths, mark))
                continue
            for i in complex_cols:
                cells[i] = pad_cell(cells[i], widths[i], numeric[i])
            out.append(template.format(*cells))
        return "".join(out)

    def _multiline(self, cells: list[str], widths: list[int], mark: bool) -> list[str]:
        split = [s.split("\n") for s in cells]
        lines = []
        for line in range(max(len(p) for p in split)):
            parts = []
            for parts_of_cell, w, r in zip(split, widths, self._numeric):
                cell = pad_cell(parts_of_cell[line] if line < len(parts_of_cell) else "", w, r)
                if mark and line + 1 < len(parts_of_cell):
                    cell = cell[:-1] + "+"
                parts.append(cell)
            lines.append("|".join(parts) + "\n")
        return lines

    def _trailer(self) -> str:
        return f"({self._count} row{'s' if self._count != 1 else ''})\n"


def _center(s: str, width: int) -> str:
    pad = width - display_width(s)
    left = pad // 2
    return " " * (left + 1) + s + " " * (pad - left + 1)


class VerticalWriter(_TextTable):
    def __init__(self, out: BinaryIO, columns: Sequence[Column]) -> None:
        super().__init__(out, columns)
        self._names_width = max((display_width(n) for n in self.names), default=0)
        self._labels = [n + " " * (self._names_width - display_width(n)) + " | " for n in self.names]
        self._count = 0

    def _print(self, rows: list[list], complete: bool) -> str:
        texts = self._texts(rows)
        values_width = max((max_line_width(s) for cells in texts for s in cells), default=0)
        nw = self._names_width
        blank = " " * nw + " | "
        out: list[str] = []
        for cells in texts:
            self._count += 1
            header = f"-[ RECORD {self._count} ]"
            if nw + 1 >= len(header):
                header += "-" * (nw + 1 - len(header)) + "+"
            header += "-" * max(0, nw + values_width + 3 - len(header))
            out.append(header + "\n")
            for label, s in zip(self._labels, cells):
                if "\n" in s:
                    s = s.replace("\n", "\n" + blank)
                out.append(label + s + "\n")
        return "".join(out)

    def _trailer(self) -> str:
        return "(no rows)\n" if self._count == 0 else ""
