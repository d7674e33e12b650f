"""Column widths and fast row rendering for the table layouts (ALIGNED, MARKDOWN).

Per buffer, a column whose texts are all printable ASCII on one line ("simple") has width == len
and its cells are padded by ``str.format`` in one C call per row; other columns are padded cell by
cell with display widths (wide characters count 2, combining/control 0). Pure functions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from .text import display_width, max_line_width

__all__ = ["Layout", "measure", "pad_cell", "row_template"]


@dataclass(frozen=True)
class Layout:
    widths: list[int]
    simple: list[bool]


def measure(names: Sequence[str], texts: list[list[str]]) -> Layout:
    """Widths (at least 1 and the name's width) and simple flags for one buffer of cell texts."""
    widths: list[int] = []
    simple: list[bool] = []
    columns = list(zip(*texts)) if texts else [()] * len(names)
    for name, col in zip(names, columns):
        w = max(1, display_width(name))
        joined = "".join(col)
        if joined.isascii() and joined.isprintable():
            simple.append(True)
            w = max(w, max(map(len, col), default=0))
        else:
            simple.append(False)
            w = max(w, max(map(max_line_width, col), default=0))
        widths.append(w)
    return Layout(widths, simple)


def pad_cell(s: str, width: int, right: bool) -> str:
    """`` s `` padded to *width* display columns plus one space each side (the CLI's align)."""
    pad = " " * (width - display_width(s) + 1)
    return pad + s + " " if right else " " + s + pad


def row_template(layout: Layout, right: Sequence[bool], sep: str) -> str:
    """A ``str.format`` template for a single-line row: simple columns are padded by the template,
    the others (``{}``) expect a cell already padded with ``pad_cell``. *sep* contains no braces."""
    parts = []
    for w, simple, r in zip(layout.widths, layout.simple, right):
        parts.append(f" {{:{'>' if r else '<'}{w}}} " if simple else "{}")
    return sep.join(parts)
