"""GridNavigation: the result grid's cursor, selection and mouse handling (a mixin of ResultGrid).

Owns moving the cell cursor (keys, pages, edges, clicks), extending the rectangular selection
(bounded by ``max_selection_rows``) and opening the cell viewer (the row comes from the store's
decoded cache, else from the grid's RowLoader). Relies on ResultGrid's ``_cursor``, ``_anchor``,
``_nrows``, ``_columns``, ``_layout``, ``_store`` and geometry helpers. UI thread only.
"""

from __future__ import annotations

from textual import events

from trino_tui.tui.widgets.grid_border import refresh_rows
from trino_tui.tui.widgets.grid_model import HEADER_LINES, bound_extension, scroll_target
from trino_tui.tui.widgets.grid_view import column_at_screen, scroll_x_for


class GridNavigation:
    """Cursor and selection actions; see the module docstring."""

    # ------------------------------------------------------------------ cursor

    def _move_to(self, row: int, col: int) -> None:
        if not self._columns or self._nrows == 0:
            return
        row = max(0, min(self._nrows - 1, row))
        col = max(0, min(len(self._columns) - 1, col))
        before, self._cursor = self._cursor, (row, col)
        changed = (row, col) != before
        if self._virtual_stale():   # streaming: the scrollbar follows only every TITLE_INTERVAL
            self._resize_virtual()
        scrolled = self._scroll_to_cursor()
        self._update_titles()
        boxed, self._boxed = self._boxed, self._anchor is not None
        if scrolled or boxed or self._anchor is not None:
            self.refresh()   # a scroll or a selection rectangle: the whole body
        else:   # the cursor moved on screen: only its old and new lines change
            refresh_rows(self, (before[0], row), first_line=HEADER_LINES, top_row=int(self.scroll_y),
                         height=self._data_height() + 1)
        if changed:
            self.post_message(self.CursorMoved(self, row, col))

    _boxed = False   # a selection rectangle was drawn by the last move

    def _scroll_to_cursor(self) -> bool:
        """Scroll so the cursor cell shows; True when the view scrolled."""
        scroll = (int(self.scroll_x), int(self.scroll_y))
        target = scroll_target(self._cursor, scroll, (self._view_width(), self._data_height()), None)
        target = (scroll_x_for(self._cursor[1], scroll[0], self._view_width(), self._layout,
                               self._frozen_cols(), self._gutter()), target[1])
        if target != scroll:
            self.scroll_to(target[0], target[1], animate=False, force=True)
            return True
        return False

    def _step(self, row: int, col: int, extend: bool) -> None:
        if extend:
            if self._anchor is None:
                self._anchor = self._cursor
            row, limited = bound_extension(row, self._anchor[0], self.max_selection_rows)
            if limited:   # bounded: copying decodes every selected row
                self.notify(f"A selection holds at most {self.max_selection_rows:,} rows; "
                            "use Export for more.", severity="warning")
        else:
            self._anchor = None
        self._move_to(row, col)

    def action_move(self, drow: int, dcol: int, extend: bool = False) -> None:
        r, c = self._cursor
        self._step(r + drow, c + dcol, extend)

    def action_page(self, direction: int, extend: bool = False) -> None:
        r, c = self._cursor
        self._step(r + direction * self._data_height(), c, extend)

    def action_edge_column(self, last: bool) -> None:
        self._step(self._cursor[0], len(self._columns) - 1 if last else 0, False)

    def action_edge_row(self, last: bool) -> None:
        self._step(self._nrows - 1 if last else 0, self._cursor[1], False)

    def action_view_cell(self) -> None:
        if self._store is None or not self._columns or self._nrows == 0:
            return
        row, _ = self._cursor
        cached = self._store.cached_rows(row, row + 1)
        if cached:
            self._open_viewer(row, cached[0])
        else:
            self._request("cell", row, row + 1)  # opened when the loader delivers the row

    def _open_viewer(self, row: int, values: list) -> None:
        from trino_tui.tui.screens.cell_viewer import CellViewerScreen

        if row != self._cursor[0]:
            return
        col = self._cursor[1]
        value = values[col] if col < len(values) else None
        self.app.push_screen(CellViewerScreen(self._columns[col], value, row=row))

    def _on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or self._layout is None or offset.y < HEADER_LINES:
            return
        row = offset.y - HEADER_LINES + int(self.scroll_y)
        if row >= self._nrows:
            return
        col = column_at_screen(offset.x, int(self.scroll_x), self._layout, self._frozen_cols(), self._gutter())
        self._step(row, col, event.shift)
        if event.chain == 2:
            self.action_view_cell()
