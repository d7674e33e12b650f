"""Strips for the result grid: the header lines, one row's visible cells, one-line messages.

Pure functions over already formatted cell texts (``grid_cells``) and resolved Rich styles; no
widget state. Only the cells inside ``[scroll_x, scroll_x + width)`` are built, so drawing cost
depends on the viewport, not on the number of columns. Safe from any thread (the grid calls them
on the UI thread while rendering).
"""

from __future__ import annotations

from typing import Mapping, Sequence

from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

from trino_tui.client import Column
from trino_tui.tui.widgets.grid_cells import GridLayout, RowTexts, fit

_ITALIC = Style(italic=True)
_PLAIN = Style()


def header_strip(columns: Sequence[Column], layout: GridLayout, types: bool, style: Style,
                 scroll_x: int, width: int) -> Strip:
    """Header line 0 (names) or 1 (``types``), cropped to the viewport."""
    texts = [fit((c.type.text or c.type.raw) if types else c.name, w, right)
             for c, w, right in zip(columns, layout.widths, layout.numeric)]
    strip = Strip([Segment("".join(texts), style)], layout.total_width)
    return strip.crop_extend(scroll_x, scroll_x + width, style)


def row_strip(cells: RowTexts, layout: GridLayout, styles: Mapping[str, Style], base: Style, *, row: int,
              cursor: tuple[int, int], box: tuple[int, int, int, int] | None, scroll_x: int,
              width: int) -> Strip:
    """The visible part of one row: NULLs dimmed, the cursor cell and a selection ``box``
    (row0, col0, row1, col1 inclusive; None = no selection) highlighted."""
    null_style = base + styles.get("null", _PLAIN)
    cursor_style = base + styles.get("cursor", _PLAIN)
    sel_style = base + styles.get("selection", _PLAIN)
    selecting = box is not None and box[0] <= row <= box[2]
    cur_row, cur_col = cursor
    first = layout.column_at(scroll_x)
    segments = []
    for j in range(first, len(cells)):
        if layout.xs[j] >= scroll_x + width:
            break
        text, is_null = cells[j]
        style = null_style if is_null else base
        if row == cur_row and j == cur_col:
            style = cursor_style + (_ITALIC if is_null else _PLAIN)
        elif selecting and box is not None and box[1] <= j <= box[3]:
            style = sel_style + (_ITALIC if is_null else _PLAIN)
        segments.append(Segment(fit(text, layout.widths[j], layout.numeric[j]), style))
    start = scroll_x - layout.xs[first]
    return Strip(segments).crop_extend(start, start + width, base)


def text_strip(text: str, width: int, style: Style, base: Style, *, centred: bool) -> Strip:
    """One message line: indented by one cell, or centred (the empty grid)."""
    line = text.center(width)[:width] if centred else (" " + text)[:width]
    return Strip([Segment(line, style)], len(line)).extend_cell_length(width, base)
