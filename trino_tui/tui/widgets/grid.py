"""ResultGrid: a Line-API virtual view over a RowStore (not a DataTable).

Owns: drawing a result as a fixed two-line header (column names, types) over a virtual body of
``len(store)`` lines, the cell cursor and rectangular selection, and the border title that states
how complete the result is. Rendering cost is independent of the result size: each frame fetches
only the visible rows with one ``store.rows()`` call and keeps their formatted cell text in a small
LRU keyed by row index (styles are applied at draw time, so theme/focus changes only repaint).

Invariants: column widths fit the header, the first ``sample_rows`` rows and every row drawn so
far, capped at ``max_column_width``; they only ever grow (no jitter while streaming); ``cursor`` is
always inside the result (or (0, 0) when it is empty). UI-thread only: the pipeline never calls
it; the app calls ``sync()`` on its coalesced progress messages.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from typing import TYPE_CHECKING, Any, Callable

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from trino_tui.core.rowstore import RowStoreError
from trino_tui.tui.widgets.grid_cells import (
    GridLayout, RowTexts, fit, header_layout, row_texts, widen,
)
from trino_tui.tui.widgets.grid_model import (
    bound_extension, scroll_target, selection_box, subtitle_for, title_for,
)

if TYPE_CHECKING:
    from trino_tui.client.types import Column
    from trino_tui.core.rowstore import RowStore

HEADER_LINES = 2
STATUSES = ("idle", "streaming", "finished", "stopped", "cancelled", "failed")
EMPTY_TEXT = "No result yet. Run a query to see its rows here."
WAITING_TEXT = "Running… waiting for the first rows."


class ResultGrid(ScrollView, can_focus=True):
    """Virtual result grid; see the module docstring."""

    TITLE_INTERVAL = 0.25
    """Seconds between row-count title updates while streaming (the status bar counts at 20 Hz)."""
    clock: Callable[[], float] = staticmethod(time.monotonic)

    COMPONENT_CLASSES = {
        "result-grid--header", "result-grid--header-type", "result-grid--null",
        "result-grid--cursor", "result-grid--selection", "result-grid--empty",
        "result-grid--error",
    }

    DEFAULT_CSS = """
    ResultGrid {
        background: $surface;
        color: $foreground;
        border: round $panel-lighten-2;
        border-title-color: $foreground;
        border-subtitle-color: $foreground-muted;
        &:focus { border: round $primary; }
        & > .result-grid--header { background: $panel; color: $foreground; text-style: bold; }
        & > .result-grid--header-type { background: $panel; color: $foreground-muted; text-style: italic; }
        & > .result-grid--null { color: $foreground-muted; text-style: italic dim; }
        & > .result-grid--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
        }
        &:focus > .result-grid--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: $block-cursor-text-style;
        }
        & > .result-grid--selection { background: $accent 35%; }
        & > .result-grid--empty { color: $foreground-muted; text-style: italic; }
        & > .result-grid--error { color: $error; text-style: bold; }
    }
    """

    BINDINGS = [
        Binding("up", "move(-1, 0)", "Up", show=False),
        Binding("down", "move(1, 0)", "Down", show=False),
        Binding("left", "move(0, -1)", "Left", show=False),
        Binding("right", "move(0, 1)", "Right", show=False),
        Binding("shift+up", "move(-1, 0, True)", "Extend up", show=False),
        Binding("shift+down", "move(1, 0, True)", "Extend down", show=False),
        Binding("shift+left", "move(0, -1, True)", "Extend left", show=False),
        Binding("shift+right", "move(0, 1, True)", "Extend right", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("shift+pageup", "page(-1, True)", "Extend page up", show=False),
        Binding("shift+pagedown", "page(1, True)", "Extend page down", show=False),
        Binding("home", "edge_column(False)", "First column", show=False),
        Binding("end", "edge_column(True)", "Last column", show=False),
        Binding("ctrl+home", "edge_row(False)", "First row", show=False),
        Binding("ctrl+end", "edge_row(True)", "Last row", show=False),
        Binding("enter", "view_cell", "View cell"),
    ]

    class CursorMoved(Message):
        """The cell cursor moved (UI thread)."""

        def __init__(self, grid: "ResultGrid", row: int, col: int) -> None:
            super().__init__()
            self.grid = grid
            self.row = row
            self.col = col

        @property
        def control(self) -> "ResultGrid":
            return self.grid

    def __init__(self, *, name: str | None = None, id: str | None = None,
                 classes: str | None = None, sample_rows: int = 200, max_column_width: int = 40,
                 cache_rows: int = 512, max_selection_rows: int = 100_000) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.max_selection_rows = max_selection_rows
        self.sample_rows = sample_rows
        self.max_column_width = max_column_width
        self._cache_rows = cache_rows
        self._store: RowStore | None = None
        self._titles: tuple[str, str] | None = None  # last (border_title, border_subtitle) set
        self._titles_at = float("-inf")  # clock() of the last title update from sync()
        self._columns: list[Column] = []
        self._nrows = 0
        self._layout: GridLayout | None = None
        self._sampled = 0                  # rows of the width sample seen so far
        self._spill_warned = False
        self._status = "idle"
        self._message: str | None = None
        self._error: str | None = None
        self._cursor = (0, 0)
        self._anchor: tuple[int, int] | None = None
        self._lines: OrderedDict[int, RowTexts] = OrderedDict()
        self._styles: dict[str, Style] = {}
        self.border_title = title_for("idle", 0, False)

    # ------------------------------------------------------------------ public API

    @property
    def store(self) -> "RowStore | None":
        return self._store

    @property
    def status(self) -> str:
        return self._status

    @property
    def row_count(self) -> int:
        """Rows the grid currently shows (as of the last ``sync()``)."""
        return self._nrows

    def show_result(self, store: "RowStore | None") -> None:
        """Attach a result (None = clear). The caller keeps ownership of the store (and closes it
        after attaching another one). The status is kept; the message is cleared."""
        self._store = store
        self._columns = list(store.columns) if store is not None else []
        self._nrows = 0
        self._layout = header_layout(self._columns) if self._columns else None
        self._sampled = 0
        self._spill_warned = False
        self._error = None
        self._message = None
        self._cursor = (0, 0)
        self._anchor = None
        self._lines.clear()
        self.scroll_to(0, 0, animate=False)
        self._resize_virtual()
        self.sync()
        self.refresh()

    def sync(self) -> None:
        """The store grew: update the virtual size, the title and any newly visible lines."""
        store = self._store
        n = len(store) if store is not None else 0
        if self._columns and self._sampled < min(n, self.sample_rows):
            self._sample_widths(n)
        if store is not None and store.spill_error and not self._spill_warned:
            self._spill_warned = True
            self.notify(store.spill_error, severity="warning")
        old = self._nrows
        if n != old:
            self._nrows = n
            self._resize_virtual()
            top = int(self.scroll_y)
            if old < top + self._data_height() + 1:
                self.refresh()   # new rows are (or the empty state was) on screen
        now = self.clock()
        if self._status != "streaming" or old == 0 or now - self._titles_at >= self.TITLE_INTERVAL:
            # a new title repaints the whole grid: while streaming, at most every TITLE_INTERVAL
            self._titles_at = now
            self._update_titles()

    def _resize_virtual(self) -> None:
        """Grow the virtual size. ``virtual_size`` is a layout reactive: assigning it re-lays out and
        repaints the whole screen, which at 20 updates/s while streaming makes keypresses wait. When
        only the height grows past an already scrolling viewport, the scrollbar is all that changes,
        so update it without a layout pass."""
        width = self._layout.total_width if self._layout else 0
        new = Size(width, HEADER_LINES + self._nrows if self._columns else 0)
        old = self.virtual_size
        viewport = self.scrollable_content_region.height
        if (new.width == old.width and new.height >= old.height > viewport > 0
                and self.show_vertical_scrollbar):
            self.set_reactive(ResultGrid.virtual_size, new)
            self._scroll_update(new)  # Textual's own scrollbar update (what a layout pass would call)
        else:
            self.virtual_size = new

    def set_status(self, status: str, *, message: str | None = None) -> None:
        """"idle" | "streaming" | "finished" | "stopped" | "cancelled" | "failed" (+ one-line message)."""
        if status not in STATUSES:
            raise ValueError(f"unknown grid status {status!r}")
        self._status = status
        self._message = message
        self.sync()
        self._update_titles()  # a new status always shows at once
        self.refresh()

    @property
    def cursor(self) -> tuple[int, int]:
        return self._cursor

    @cursor.setter
    def cursor(self, value: tuple[int, int]) -> None:
        self._anchor = None
        self._move_to(value[0], value[1])

    @property
    def selection(self) -> tuple[int, int, int, int]:
        """Selected rectangle as (row0, col0, row1, col1) inclusive (the cursor cell if none)."""
        return selection_box(self._cursor, self._anchor)

    def selection_values(self) -> tuple[list["Column"], list[list]]:
        """Columns and wire values of the selected rectangle (or of the cursor cell); at most
        ``max_selection_rows`` rows. A store read error is notified and gives ([], [])."""
        if self._store is None or not self._columns or self._nrows == 0:
            return [], []
        r0, c0, r1, c1 = self.selection
        try:
            rows = self._store.rows(r0, r1 + 1)
        except RowStoreError as e:
            self.notify(f"Cannot read the selected rows: {e}", severity="error")
            return [], []
        return self._columns[c0:c1 + 1], [list(row[c0:c1 + 1]) for row in rows]

    def cell_value(self, row: int, col: int) -> Any:
        """Wire value of one cell (reads through the store's LRU)."""
        if self._store is None:
            raise IndexError("no result")
        rows = self._store.rows(row, row + 1)
        if not rows:
            raise IndexError(f"row {row} is not in the result")
        return rows[0][col] if col < len(rows[0]) else None

    # ------------------------------------------------------------------ geometry

    def _data_height(self) -> int:
        h = self.container_size.height - self.scrollbar_size_horizontal - HEADER_LINES
        return max(1, h)

    def _view_width(self) -> int:
        return max(1, self.container_size.width - self.scrollbar_size_vertical)

    def _sample_widths(self, n: int) -> None:
        """Grow the column widths to fit the not yet sampled rows of the first ``sample_rows``."""
        stop = min(n, self.sample_rows)
        try:
            sample = self._store.rows(self._sampled, stop) if self._store is not None else []
        except RowStoreError as e:
            self._error = str(e)
            return
        self._sampled = stop
        self._widen([row_texts(r, self._columns) for r in sample])

    def _widen(self, texts: list[RowTexts]) -> None:
        if self._layout is None:
            return
        layout = widen(self._layout, texts, self.max_column_width)
        if layout is not self._layout:
            self._layout = layout
            self._resize_virtual()
            self.refresh()

    def _update_titles(self) -> None:
        """Set the border texts only when they change: every assignment repaints the whole widget."""
        title = title_for(self._status, self._nrows, self._store is not None)
        title = f"{title} · {self._message}" if self._message else title
        subtitle = subtitle_for(self._cursor, self._anchor, self._nrows, len(self._columns))
        if (title, subtitle) != self._titles:
            self._titles = (title, subtitle)
            self.border_title, self.border_subtitle = title, subtitle

    # ------------------------------------------------------------------ cursor

    def _move_to(self, row: int, col: int) -> None:
        if not self._columns or self._nrows == 0:
            return
        row = max(0, min(self._nrows - 1, row))
        col = max(0, min(len(self._columns) - 1, col))
        changed = (row, col) != self._cursor
        self._cursor = (row, col)
        self._scroll_to_cursor()
        self._update_titles()
        self.refresh()
        if changed:
            self.post_message(self.CursorMoved(self, row, col))

    def _scroll_to_cursor(self) -> None:
        scroll = (int(self.scroll_x), int(self.scroll_y))
        target = scroll_target(self._cursor, scroll, (self._view_width(), self._data_height()),
                               self._layout)
        if target != scroll:
            self.scroll_to(target[0], target[1], animate=False, force=True)

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
        from trino_tui.tui.screens.cell_viewer import CellViewerScreen

        row, col = self._cursor
        try:
            value = self.cell_value(row, col)
        except (RowStoreError, IndexError) as e:
            self.notify(f"Cannot read the cell: {e}", severity="error")
            return
        self.app.push_screen(CellViewerScreen(self._columns[col], value, row=row))

    def _on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or self._layout is None or offset.y < HEADER_LINES:
            return
        row = offset.y - HEADER_LINES + int(self.scroll_y)
        if row >= self._nrows:
            return
        col = self._layout.column_at(offset.x + int(self.scroll_x))
        self._step(row, col, event.shift)
        if event.chain == 2:
            self.action_view_cell()

    # ------------------------------------------------------------------ drawing

    def render_lines(self, crop):  # type: ignore[no-untyped-def]
        """Fetch the visible rows once per frame, resolve styles, then draw line by line."""
        self._styles = {
            name: self.get_component_rich_style(f"result-grid--{name}")
            for name in ("header", "header-type", "null", "cursor", "selection", "empty", "error")
        }
        self._styles["base"] = self.rich_style
        self._prefetch(int(self.scroll_y), int(self.scroll_y) + self._data_height())
        return super().render_lines(crop)

    def _prefetch(self, start: int, stop: int) -> None:
        """Format rows [start, stop) not in the line cache with a single store read."""
        if self._store is None or self._layout is None:
            return
        stop = min(stop, self._nrows)
        missing = [r for r in range(start, stop) if r not in self._lines]
        if not missing:
            return
        try:
            rows = self._store.rows(missing[0], missing[-1] + 1)
        except RowStoreError as e:
            self._error = str(e)
            return
        texts = [row_texts(values, self._columns) for values in rows]
        for i, cells in enumerate(texts, start=missing[0]):
            self._lines[i] = cells
        while len(self._lines) > self._cache_rows:
            self._lines.popitem(last=False)
        self._widen(texts)

    def _line(self, row: int) -> RowTexts | None:
        cells = self._lines.get(row)
        if cells is None:
            self._prefetch(row, row + 1)
            cells = self._lines.get(row)
        else:
            self._lines.move_to_end(row)
        return cells

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = self._styles.get("base") or self.rich_style
        if not self._columns or self._layout is None:
            return self._message_line(y, width, base)
        scroll_x = int(self.scroll_x)
        layout = self._layout
        if y < HEADER_LINES:
            texts = [fit(c.name if y == 0 else (c.type.text or c.type.raw), w, right)
                     for c, w, right in zip(self._columns, layout.widths, layout.numeric)]
            style = base + self._styles.get("header" if y == 0 else "header-type", Style())
            strip = Strip([Segment("".join(texts), style)], layout.total_width)
            return strip.crop_extend(scroll_x, scroll_x + width, style)
        row = y - HEADER_LINES + int(self.scroll_y)
        if row >= self._nrows:
            if self._nrows == 0 and y == HEADER_LINES:
                failed = bool(self._error) or (self._status == "failed" and bool(self._message))
                return self._message_line(0, width, base, self._empty_result_text(),
                                          "error" if failed else "empty")
            return Strip.blank(width, base)
        cells = self._line(row)
        if cells is None:
            return self._message_line(0, width, base, self._error or "rows unavailable", "error")
        return self._row_strip(row, cells, base, scroll_x, width)

    def _row_strip(self, row: int, cells: RowTexts, base: Style, scroll_x: int, width: int) -> Strip:
        """The visible part [scroll_x, scroll_x + width) of one row; only visible cells are drawn."""
        layout = self._layout
        assert layout is not None
        null_style = base + self._styles.get("null", Style())
        cursor_style = base + self._styles.get("cursor", Style())
        sel_style = base + self._styles.get("selection", Style())
        r0, c0, r1, c1 = self.selection
        selecting = self._anchor is not None and r0 <= row <= r1
        cur_row, cur_col = self._cursor
        first = layout.column_at(scroll_x)
        segments = []
        for j in range(first, len(cells)):
            if layout.xs[j] >= scroll_x + width:
                break
            text, is_null = cells[j]
            style = null_style if is_null else base
            if row == cur_row and j == cur_col:
                style = cursor_style + (Style(italic=True) if is_null else Style())
            elif selecting and c0 <= j <= c1:
                style = sel_style + (Style(italic=True) if is_null else Style())
            segments.append(Segment(fit(text, layout.widths[j], layout.numeric[j]), style))
        start = scroll_x - layout.xs[first]
        return Strip(segments).crop_extend(start, start + width, base)

    def _empty_result_text(self) -> str:
        if self._error:
            return self._error
        if self._message and self._status == "failed":
            return self._message
        if self._status in ("idle", "streaming"):
            return "waiting for rows…"
        return "(no rows)"

    def _message_line(self, y: int, width: int, base: Style, text: str | None = None,
                      kind: str = "empty") -> Strip:
        """Empty-state lines: one message on the first line (or centred when no result)."""
        if text is None:
            if self._store is None:
                text = self._message or (WAITING_TEXT if self._status == "streaming" else EMPTY_TEXT)
            elif self._error:
                text, kind = self._error, "error"
            elif self._message:
                text = self._message
            else:
                text = "The statement returned no columns." if not self._columns else ""
            if self._error or (self._message and self._status == "failed"):
                kind = "error"
            target = max(0, (self.size.height - 1) // 2) if self._store is None else 0
            if y != target:
                return Strip.blank(width, base)
        style = base + self._styles.get(kind, Style())
        line = (" " + text)[:width] if self._store is not None else text.center(width)[:width]
        return Strip([Segment(line, style)], len(line)).extend_cell_length(width, base)
