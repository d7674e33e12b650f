"""ResultGrid: a Line-API virtual view over a RowStore (not a DataTable).

Owns: drawing a result as a fixed two-line header (column names, types) over a virtual body of
``len(store)`` lines, the cell cursor and rectangular selection, and the border title that states
how complete the result is. Rendering cost is independent of the result size: each frame fetches
only the visible rows with one ``store.cached_rows()`` call and keeps their formatted cell text in
a small LRU keyed by row index (styles are applied at draw time, so theme/focus changes only
repaint). The UI thread never decodes: rows whose block is not decoded yet are painted as a
placeholder and requested from the grid's ``RowLoader`` worker, whose ``RowsLoaded`` message fills
them in (the width sample and the cell viewer's value are loaded the same way).

Invariants: column widths fit the header, the first ``sample_rows`` rows and every row drawn so
far, capped at ``max_column_width``; they only ever grow (no jitter while streaming); ``cursor`` is
always inside the result (or (0, 0) when it is empty). UI-thread only: the pipeline never calls
it; the app calls ``sync()`` on its coalesced progress messages.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from typing import TYPE_CHECKING, Any, Callable

from rich.style import Style
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from trino_tui.tui.widgets.grid_cells import GridLayout, RowTexts, header_layout, row_texts, widen
from trino_tui.tui.widgets.grid_model import (
    HEADER_LINES, STATUSES, empty_state, no_rows_text, selection_box, subtitle_for, title_for,
)
from trino_tui.tui.widgets.grid_nav import GridNavigation
from trino_tui.tui.widgets.grid_border import set_border_text
from trino_tui.tui.widgets.grid_paint import header_strip, row_strip, text_strip
from trino_tui.tui.widgets.grid_view import TOOL_BINDINGS, GridViewTools
from trino_tui.tui.widgets.row_loader import RowLoader

if TYPE_CHECKING:
    from trino_tui.client import Column
    from trino_tui.core.rowstore import RowStore

LOADING_TEXT = "…"


class ResultGrid(GridViewTools, GridNavigation, ScrollView, can_focus=True):
    """Virtual result grid; see the module docstring."""

    TITLE_INTERVAL = 0.25
    """Seconds between row-count title and scrollbar updates while streaming (each is a repaint)."""
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
        *TOOL_BINDINGS,
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

    class SelectionLoaded(Message):
        """The rows of a selection that ``selection_values()`` had to load are ready (UI thread)."""

        def __init__(self, grid: "ResultGrid") -> None:
            super().__init__()
            self.grid = grid

        @property
        def control(self) -> "ResultGrid":
            return self.grid

    class RowsLoaded(Message):
        """The RowLoader decoded rows ``[start, start + len(rows))`` of ``store`` (or failed: ``error``)."""

        def __init__(self, key: str, store: Any, start: int, rows: list[list] | None, error: str | None) -> None:
            super().__init__()
            self.key = key
            self.store = store
            self.start = start
            self.rows = rows
            self.error = error

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
        self._loader = RowLoader(self._deliver)
        self._held: tuple[Any, int, list[list]] | None = None  # rows loaded for a selection copy
        self._loader_started = False
        self.tool_note: str | None = None  # what the grid tools did (sorted/filtered, where), in the title
        self._view_init()
        self.border_title = title_for("idle", 0, False)

    # ------------------------------------------------------------------ row loading (worker)

    def on_mount(self) -> None:
        self._loader.start()
        self._loader_started = True

    def on_unmount(self) -> None:
        # short: quitting is bounded; a decode still running ends on its own (daemon, delivers nothing)
        self._loader.close(timeout=0.25)

    @property
    def loader(self) -> RowLoader:
        return self._loader

    def _deliver(self, key: str, store: Any, start: int, rows: list[list] | None, error: str | None) -> None:
        """Loader thread: hand the rows to the UI thread."""
        self.post_message(self.RowsLoaded(key, store, start, rows, error))

    def _request(self, key: str, start: int, stop: int) -> None:
        if self._store is not None and start < stop:
            if self._loader_started:
                self._loader.request(key, self._store, start, stop)

    def on_result_grid_rows_loaded(self, message: "ResultGrid.RowsLoaded") -> None:
        message.stop()
        if message.store is not self._store or self._layout is None:
            return
        if message.error is not None:
            self._error = message.error
            self.refresh()
            return
        rows = message.rows or []
        if message.key == "cell":
            if rows:
                self._open_viewer(message.start, rows[0])
            return
        if message.key == "copy":
            self._held = (message.store, message.start, rows)  # for the next selection_values()
            self.post_message(self.SelectionLoaded(self))
            return
        texts = [row_texts(values, self._columns) for values in rows]
        if message.key == "sample":
            self._sampled = max(self._sampled, message.start + len(rows))
        else:
            for i, cells in enumerate(texts, start=message.start):
                self._lines[i] = cells
            self._trim_lines()
        self._widen(texts)
        self.refresh()

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
        self._loader.cancel()
        columns = list(store.columns) if store is not None else []
        if [c.name for c in columns] != [c.name for c in self._columns]:
            self._width_overrides.clear()
        self._columns = columns
        self._nrows = 0
        self._layout = self._apply_overrides(header_layout(self._columns)) if self._columns else None
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
        """The store grew: update the row count, the virtual size, the title and any newly visible
        lines. While streaming, the scrollbar and the title (each a repaint) follow at most every
        ``TITLE_INTERVAL``; navigation brings the virtual size up to date first."""
        store = self._store
        n = len(store) if store is not None else 0
        if self._columns and self._sampled < min(n, self.sample_rows):
            self._sample_widths(n)
        if store is not None and store.spill_error and not self._spill_warned:
            self._spill_warned = True
            self.notify(store.spill_error, severity="warning")
        old = self._nrows
        now = self.clock()
        due = self._status != "streaming" or old == 0 or now - self._titles_at >= self.TITLE_INTERVAL
        if n != old:
            self._nrows = n
            top = int(self.scroll_y)
            if old < top + self._data_height() + 1:
                self._resize_virtual()
                self.refresh()   # new rows are (or the empty state was) on screen
            elif due:
                self._resize_virtual()
        if due:
            self._titles_at = now
            self._update_titles()

    def _virtual_stale(self) -> bool:
        return bool(self._columns) and self.virtual_size.height != HEADER_LINES + self._nrows

    def _resize_virtual(self) -> None:
        """Grow the virtual size. ``virtual_size`` is a layout reactive: assigning it re-lays out and
        repaints the whole screen, which at 20 updates/s while streaming makes keypresses wait. When
        only the height grows past an already scrolling viewport, the vertical scrollbar is all that
        changes, so update just it (no layout pass, no other scrollbar)."""
        width = self._layout.total_width + self._gutter() if self._layout else 0
        new = Size(width, HEADER_LINES + self._nrows if self._columns else 0)
        old = self.virtual_size
        viewport = self.scrollable_content_region.height
        if (new.width == old.width and new.height >= old.height > viewport > 0
                and self.show_vertical_scrollbar):
            self.set_reactive(ResultGrid.virtual_size, new)
            bar = self.vertical_scrollbar
            bar.window_virtual_size = new.height   # a reactive: repaints the scrollbar only
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

    def selection_values(self) -> tuple[list["Column"], list[list]] | None:
        """Columns and wire values of the selected rectangle (or of the cursor cell); at most
        ``max_selection_rows`` rows. Never decodes: None while the RowLoader decodes rows that are
        not in the store's cache (``SelectionLoaded`` follows; ask again then)."""
        if self._store is None or not self._columns or self._nrows == 0:
            return [], []
        r0, c0, r1, c1 = self.selection
        rows = self._store.cached_rows(r0, r1 + 1)
        held, self._held = self._held, None
        if rows is None:
            if held is not None and held[0] is self._store and held[1] == r0 and len(held[2]) == r1 - r0 + 1:
                rows = held[2]
            else:
                self._request("copy", r0, r1 + 1)
                return None
        return self._columns[c0:c1 + 1], [list(row[c0:c1 + 1]) for row in rows]

    def cell_value(self, row: int, col: int) -> Any:
        """Wire value of one cell (reads through the store's LRU; decodes on a miss: not for the
        UI thread's drawing path)."""
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
        """Grow the column widths to fit the not yet sampled rows of the first ``sample_rows``
        (rows not decoded yet are requested from the loader)."""
        stop = min(n, self.sample_rows)
        sample = self._store.cached_rows(self._sampled, stop) if self._store is not None else []
        if sample is None:
            self._request("sample", self._sampled, stop)
            return
        self._sampled = stop
        self._widen([row_texts(r, self._columns) for r in sample])

    def _widen(self, texts: list[RowTexts]) -> None:
        if self._layout is None:
            return
        layout = self._apply_overrides(widen(self._layout, texts, self.max_column_width))
        if layout is not self._layout:
            self._layout = layout
            self._resize_virtual()
            self.refresh()

    def _update_titles(self) -> None:
        """Set the border texts only when they change. Assigning ``border_title`` repaints the
        whole widget, so a changed text repaints only its own border line (``set_border_text``)."""
        title = title_for(self._status, self._nrows, self._store is not None)
        title = f"{title} · {self._message}" if self._message else title
        title = f"{title} · {self.tool_note}" if self.tool_note else title
        subtitle = subtitle_for(self._cursor, self._anchor, self._nrows, len(self._columns))
        old = self._titles or (None, None)
        self._titles = (title, subtitle)
        if title != old[0]:
            set_border_text(self, "border_title", title, top=True)
        if subtitle != old[1]:
            set_border_text(self, "border_subtitle", subtitle, top=False)

    # ------------------------------------------------------------------ drawing

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles_for = None   # CSS (theme, focus) changed: resolve the component styles again

    def render_lines(self, crop):  # type: ignore[no-untyped-def]
        """Fetch the visible rows once per frame, resolve styles (once per CSS change), then draw
        line by line."""
        key = (self.has_focus, self.app.theme)
        if getattr(self, "_styles_for", None) != key:
            self._styles = {
                name: self.get_component_rich_style(f"result-grid--{name}")
                for name in ("header", "header-type", "null", "cursor", "selection", "empty", "error")
            }
            self._styles["base"] = self.rich_style
            self._styles_for = key
        self._prefetch(int(self.scroll_y), int(self.scroll_y) + self._data_height() + 1)  # +1: a partly shown row
        return super().render_lines(crop)

    def _prefetch(self, start: int, stop: int) -> None:
        """Format rows [start, stop) not in the line cache with a single non-decoding store read;
        on a miss, ask the loader (the rows paint as placeholders until it answers)."""
        if self._store is None or self._layout is None:
            return
        stop = min(stop, self._nrows)
        missing = [r for r in range(start, stop) if r not in self._lines]
        if not missing:
            return
        rows = self._store.cached_rows(missing[0], missing[-1] + 1)
        if rows is None:
            if self._error is None:  # after a failed load the error stays on screen
                self._request("view", missing[0], missing[-1] + 1)
            return
        texts = [row_texts(values, self._columns) for values in rows]
        for i, cells in enumerate(texts, start=missing[0]):
            self._lines[i] = cells
        self._trim_lines()
        self._widen(texts)

    def _trim_lines(self) -> None:
        while len(self._lines) > self._cache_rows:
            self._lines.popitem(last=False)

    def _line(self, row: int) -> RowTexts | None:
        """Cached cell texts of *row*; None while the loader decodes it (``render_lines`` already
        asked for the whole visible range)."""
        cells = self._lines.get(row)
        if cells is not None:
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
            style = base + self._styles.get("header" if y == 0 else "header-type", Style())
            return self._view_line(lambda x, w: header_strip(self._columns, layout, y == 1, style, x, w),
                                 None, base, scroll_x, width)
        row = y - HEADER_LINES + int(self.scroll_y)
        if row >= self._nrows:
            if self._nrows == 0 and y == HEADER_LINES:
                failed = bool(self._error) or (self._status == "failed" and bool(self._message))
                return self._message_line(0, width, base, no_rows_text(self._status, self._message, self._error),
                                          "error" if failed else "empty")
            return Strip.blank(width, base)
        cells = self._line(row)
        if cells is None:
            if self._error:
                return self._message_line(0, width, base, self._error, "error")
            return self._message_line(0, width, base, LOADING_TEXT, "empty")
        box = self.selection if self._anchor is not None else None
        return self._view_line(lambda x, w: row_strip(cells, layout, self._styles, base, row=row,
                                                   cursor=self._cursor, box=box, scroll_x=x, width=w),
                             row, base, scroll_x, width)

    def _message_line(self, y: int, width: int, base: Style, text: str | None = None,
                      kind: str = "empty") -> Strip:
        """Empty-state lines: one message on the first line (or centred when no result)."""
        if text is None:
            text, kind = empty_state(self._store is not None, bool(self._columns), self._status,
                                     self._message, self._error)
            target = max(0, (self.size.height - 1) // 2) if self._store is None else 0
            if y != target:
                return Strip.blank(width, base)
        return text_strip(text, width, base + self._styles.get(kind, Style()), base,
                          centred=self._store is None)
