"""MARKDOWN writer (the Trino CLI's MarkdownTablePrinter).

``| name |`` header, ``| --- |`` separator (``:`` marks right-aligned numeric columns), values in
CLI text with markdown specials (``\\ ` * _ { } [ ] < > ( ) # + ! |``) backslash-escaped and
newlines as ``<br>``; NULL as ``NULL``. Widths per buffer (10,000 rows as the CLI, fewer when
rows are wide: ``base.BUFFER_BYTES``), header once.
"""

from __future__ import annotations

import re
from typing import BinaryIO, Sequence

from trino_tui.client.types import Column

from .base import BufferedWriter
from .rowfmt import compile_row_formatters
from .tablefmt import measure, pad_cell, row_template
from .text import HEX_LINES

__all__ = ["MarkdownWriter", "markdown_escape"]

_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|])")


def markdown_escape(s: str) -> str:
    return _SPECIAL.sub(r"\\\1", s).replace("\n", "<br>")


class MarkdownWriter(BufferedWriter):
    def __init__(self, out: BinaryIO, columns: Sequence[Column]) -> None:
        super().__init__(out, columns)
        self._texts = compile_row_formatters(self.columns, null="NULL", hex_per_line=HEX_LINES).texts
        self._right = [c.type.is_numeric for c in self.columns]
        self._header_done = False

    def _print(self, rows: list[list], complete: bool) -> str:
        texts = self._texts(rows)
        for i in range(len(self.columns)):  # escape only columns that need it (checked per buffer)
            joined = "\x1f".join(cells[i] for cells in texts)
            if "\n" in joined or _SPECIAL.search(joined):
                for cells in texts:
                    cells[i] = markdown_escape(cells[i])
        layout = measure(self.names, texts)
        widths, right = layout.widths, self._right
        out: list[str] = []
        if not self._header_done:
            self._header_done = True
            out.append("".join("|" + pad_cell(n, w, r) for n, w, r in zip(self.names, widths, right)) + "|\n")
            out.append("".join(f"| {'-' * w}{':' if r else ' '}" for w, r in zip(widths, right)) + "|\n")
        template = "|" + row_template(layout, right, "|") + "|\n"
        complex_cols = [i for i, s in enumerate(layout.simple) if not s]
        for cells in texts:
            for i in complex_cols:
                cells[i] = pad_cell(cells[i], widths[i], right[i])
            out.append(template.format(*cells))
        return "".join(out)
