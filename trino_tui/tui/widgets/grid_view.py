"""GridView: row numbers, frozen leading columns and column resizing for the result grid.

Owns: the pure geometry (gutter width, frozen width, width overrides, composing a line from the
gutter, the frozen part and the scrolled part, the horizontal scroll that shows the cursor, the
column under a click) and ``GridViewTools``, a mixin of ``ResultGrid`` with the actions
(``#`` row numbers, ``z`` freeze up to the cursor column, ``<``/``>`` narrower/wider). Widths set
by the user stick (the streaming width sample never overrides them). UI thread only for the mixin;
the functions are pure.
"""

from __future__ import annotations

from typing import Callable, Mapping

from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.strip import Strip

from trino_tui.tui.widgets.grid_cells import CELL_PAD, GridLayout, _layout

MIN_WIDTH = 1
MAX_WIDTH = 400
RESIZE_STEP = 4


TOOL_BINDINGS = [
    # the grid tools: view geometry here; sort/filter/search are the app's GridToolActions
    Binding("number_sign", "toggle_row_numbers", "Row numbers", show=False),
    Binding("z", "freeze", "Freeze columns", show=False),
    Binding("less_than_sign", "resize_column(-1)", "Narrower", show=False),
    Binding("greater_than_sign", "resize_column(1)", "Wider", show=False),
    Binding("s", "app.grid_sort", "Sort", show=False),
    Binding("f", "app.grid_filter", "Filter", show=False),
    Binding("equals_sign", "app.grid_filter_value", "Filter =", show=False),
    Binding("x", "app.grid_clear", "Clear sort/filter", show=False),
    Binding("slash", "app.grid_search", "Search", show=False),
    Binding("n", "app.grid_search_next(True)", "Next match", show=False),
    Binding("N", "app.grid_search_next(False)", "Previous match", show=False),
    Binding("y", "app.copy_as", "Copy as…", show=False),
]


def gutter_width(nrows: int, shown: bool) -> int:
    """Cells of the row-number gutter (digits of the last row number + one blank)."""
    return len(f"{max(nrows, 1):,}") + 1 if shown else 0


def frozen_width(layout: GridLayout | None, frozen: int) -> int:
    """Virtual x where the scrolled part starts (0: nothing frozen)."""
    if layout is None or frozen <= 0 or not layout.xs:
        return 0
    frozen = min(frozen, len(layout.xs))
    return layout.span(frozen - 1)[1]


def with_widths(layout: GridLayout, overrides: Mapping[int, int]) -> GridLayout:
    """*layout* with the user's column widths applied (the same object when nothing differs)."""
    widths = list(layout.widths)
    changed = False
    for j, w in overrides.items():
        if j < len(widths) and widths[j] != w:
            widths[j] = w
            changed = True
    return _layout(widths, layout.numeric) if changed else layout


def gutter_strip(text: str, width: int, style: Style) -> Strip:
    return Strip([Segment(text.rjust(width - 1)[: max(0, width - 1)] + " ", style)], width)


def compose_line(make: Callable[[int, int], Strip], *, gutter: Strip | None, frozen_px: int,
                 scroll_x: int, width: int) -> Strip:
    """One grid line: the gutter, then virtual x [0, frozen_px) unscrolled, then the scrolled
    columns from ``frozen_px + scroll_x``; ``make(x, w)`` draws virtual [x, x + w)."""
    if gutter is None and frozen_px == 0:
        return make(scroll_x, width)
    parts: list[Strip] = []
    left = width
    if gutter is not None:
        g = gutter.crop(0, left)
        parts.append(g)
        left -= g.cell_length
    if frozen_px and left > 0:
        w = min(frozen_px, left)
        parts.append(make(0, w))
        left -= w
    if left > 0:
        parts.append(make(frozen_px + scroll_x, left))
    return Strip.join(parts)


def scroll_x_for(col: int, scroll_x: int, view_width: int, layout: GridLayout | None,
                 frozen: int, gutter: int) -> int:
    """Horizontal scroll that shows column *col* (frozen columns are always visible)."""
    if layout is None or col >= len(layout.xs) or col < frozen:
        return scroll_x
    fpx = frozen_width(layout, frozen)
    x0, x1 = (x - fpx for x in layout.span(col))
    width = max(1, view_width - gutter - fpx)
    if x0 < scroll_x or x1 - x0 > width:
        return x0
    if x1 > scroll_x + width:
        return x1 - width
    return scroll_x


def column_at_screen(x: int, scroll_x: int, layout: GridLayout, frozen: int, gutter: int) -> int:
    """Column under screen x (the gutter counts as the first column)."""
    fpx = frozen_width(layout, frozen)
    x -= gutter
    if x < 0:
        return 0
    if x < fpx:
        return layout.column_at(x)
    return layout.column_at(x + scroll_x)


class GridViewTools:
    """Row numbers, freezing and resizing (a mixin of ResultGrid); see the module docstring."""

    row_numbers = False
    frozen = 0

    def _view_init(self) -> None:
        self._width_overrides: dict[int, int] = {}

    def _gutter(self) -> int:
        return gutter_width(self._nrows, self.row_numbers)

    def _frozen_cols(self) -> int:
        return min(self.frozen, len(self._columns))

    def _apply_overrides(self, layout: GridLayout) -> GridLayout:
        overrides = getattr(self, "_width_overrides", None)
        return with_widths(layout, overrides) if overrides else layout

    def _view_line(self, make: Callable[[int, int], Strip], row: int | None, base: Style,
                 scroll_x: int, width: int) -> Strip:
        gutter = None
        if self.row_numbers:
            g = self._gutter()
            style = base + self._styles.get("header-type", Style())
            gutter = gutter_strip("" if row is None else f"{row + 1:,}", g, style)
        return compose_line(make, gutter=gutter, frozen_px=frozen_width(self._layout, self._frozen_cols()),
                            scroll_x=scroll_x, width=width)

    def _after_view_change(self, note: str) -> None:
        self._resize_virtual()
        self._scroll_to_cursor()
        self.refresh()
        self.notify(note, timeout=2)

    def action_toggle_row_numbers(self) -> None:
        """Show or hide row numbers."""
        self.row_numbers = not self.row_numbers
        self._after_view_change("Row numbers on" if self.row_numbers else "Row numbers off")

    def action_freeze(self) -> None:
        """Freeze the columns up to the cursor's (again on the same column: unfreeze)."""
        col = self._cursor[1] + 1
        self.frozen = 0 if self.frozen == col or not self._columns else col
        self._after_view_change(f"{self.frozen} column{'s' if self.frozen != 1 else ''} frozen"
                                if self.frozen else "Columns unfrozen")

    def action_resize_column(self, delta: int) -> None:
        """Make the cursor's column narrower (<0) or wider (>0)."""
        if self._layout is None or not self._columns:
            return
        col = self._cursor[1]
        width = max(MIN_WIDTH, min(MAX_WIDTH, self._layout.widths[col] + delta * RESIZE_STEP))
        self._width_overrides[col] = width
        self._layout = with_widths(self._layout, self._width_overrides)
        self._resize_virtual()
        self._scroll_to_cursor()
        self.refresh()


__all__ = ["CELL_PAD", "GridViewTools", "compose_line", "column_at_screen", "frozen_width",
           "gutter_width", "scroll_x_for", "with_widths"]
