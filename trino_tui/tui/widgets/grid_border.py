"""Partial repaints of the result grid: one border line, or a few body lines, instead of the widget.

Textual repaints a whole widget when ``border_title``/``border_subtitle`` is assigned, and the
grid's subtitle (the cursor position) changes on every keypress, its title (the row count) several
times a second while streaming. A full grid frame is the costliest thing the UI thread paints, so
these helpers mark only the lines that changed dirty: ``set_border_text`` stores the new text the
way Textual's descriptor does and repaints its border line; ``refresh_rows`` repaints the given
result rows if they are on screen. UI thread only; fall back to a full refresh when the widget is
not laid out yet (or Textual lacks the attribute they rely on).
"""

from __future__ import annotations

from typing import Iterable

from textual.geometry import Region
from textual.widget import Widget


def set_border_text(widget: Widget, attr: str, text: str, *, top: bool) -> None:
    """``widget.<attr> = text`` (attr: border_title / border_subtitle), repainting only the top
    (``top``) or bottom border line."""
    private = f"_{attr}"
    outer = widget.outer_size
    if not widget.is_mounted or outer.height < 2 or not hasattr(widget, private):
        setattr(widget, attr, text)
        return
    setattr(widget, private, widget.render_str(text).expand_tabs(4).split()[0] if text else None)
    offset = widget.content_offset
    y = 0 if top else outer.height - 1
    widget.refresh(Region(-offset.x, y - offset.y, outer.width, 1))


def refresh_rows(widget: Widget, rows: Iterable[int], *, first_line: int, top_row: int, height: int) -> None:
    """Repaint the body lines of result *rows* that are visible (row ``top_row`` is drawn on
    content line ``first_line``; ``height`` body lines are shown). The regions stop short of the
    vertical scrollbar, which would otherwise be drawn again too (it is not cached)."""
    width = widget.scrollable_content_region.width
    for row in set(rows):
        line = row - top_row
        if 0 <= line < height:
            widget.refresh(Region(0, first_line + line, width, 1))
