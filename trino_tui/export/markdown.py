"""MARKDOWN writer (the Trino CLI's MarkdownTablePrinter).

``| name |`` header, ``| --- |`` separator (``:`` marks right-aligned numeric columns), values in
CLI text with markdown specials (``\\ ` * _ { } [ ] < > ( ) # + ! |``) backslash-escaped and
newlines as ``<br>``; NULL as ``NULL``. Widths per 10,000-row buffer, header once (as the CLI).
"""

from __future__ import annotations

import re
from typing import BinaryIO, Sequence

from trino_tui.client.types import Column

from .base import BufferedWriter
from .text import HEX_LINES, display_width, text_formatter

__all__ = ["MarkdownWriter", "markdown_escape"]

_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|])")


def markdown_escape(s: str) -> str:
    return _SPECIAL.sub(r"\\\1", s).replace("\n", "<br>")


class MarkdownWriter(BufferedWriter):
    def __init__(self, out: BinaryIO, columns: Sequence[Column]) -> None:
        super().__init__(out, columns)
        self._fmts = [text_formatter(c.type, "NULL", HEX_LINES) for c in self.columns]
        self._right = [c.type.is_numeric for c in self.columns]
        self._header_done = False

    def _print(self, rows: list[list], complete: bool) -> str:
        fmts = self._fmts
        texts = [[markdown_escape(f(v)) for f, v in zip(fmts, row)] for row in rows]
        widths = [max(1, display_width(n)) for n in self.names]
        for cells in texts:
            for i, s in enumerate(cells):
                w = display_width(s)
                if w > widths[i]:
                    widths[i] = w
        out: list[str] = []
        if not self._header_done:
            self._header_done = True
            out.append("".join("|" + _align(n, w, r) for n, w, r in zip(self.names, widths, self._right)) + "|\n")
            out.append("".join(f"| {'-' * w}{':' if r else ' '}" for w, r in zip(widths, self._right)) + "|\n")
        for cells in texts:
            out.append("".join("|" + _align(s, w, r) for s, w, r in zip(cells, widths, self._right)) + "|\n")
        return "".join(out)


def _align(s: str, width: int, right: bool) -> str:
    pad = " " * (width - display_width(s) + 1)
    return pad + s + " " if right else " " + s + pad
