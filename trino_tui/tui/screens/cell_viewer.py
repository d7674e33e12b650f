"""CellViewerScreen: a modal showing the full value of one grid cell.

Owns: presenting one value in full — nested values (array/map/row, json) as indented JSON with row
fields named, long strings wrapped, everything scrollable. Escape (or q/Enter) closes it.
UI-thread only; holds nothing but the value it shows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from trino_tui.tui.widgets.grid_cells import NULL_TEXT, full_text

if TYPE_CHECKING:
    from trino_tui.client import Column


class CellViewerScreen(ModalScreen[None]):
    """Full value of a cell; ``text`` is what is shown (also handy for copying)."""

    DEFAULT_CSS = """
    CellViewerScreen {
        align: center middle;
        background: $background 60%;
    }
    CellViewerScreen > #cell-dialog {
        width: 90%;
        height: 85%;
        border: round $primary;
        border-title-color: $foreground;
        border-subtitle-color: $foreground-muted;
        background: $surface;
    }
    CellViewerScreen #cell-scroll { height: 1fr; }
    CellViewerScreen #cell-value { width: 1fr; padding: 0 1; }
    CellViewerScreen #cell-value.null { color: $foreground-muted; text-style: italic; }
    """

    BINDINGS = [
        Binding("escape", "close", "Close"),
        Binding("q", "close", "Close", show=False),
        Binding("enter", "close", "Close", show=False),
    ]

    def __init__(self, column: "Column", value: Any, *, row: int | None = None) -> None:
        super().__init__()
        self.column = column
        self.value = value
        self.row = row
        self.text = full_text(value, column.type)

    def compose(self) -> ComposeResult:
        with Vertical(id="cell-dialog") as dialog:
            where = f" · row {self.row + 1:,}" if self.row is not None else ""
            dialog.border_title = f"{self.column.name} {self.column.type.text}{where}"
            dialog.border_subtitle = f"{len(self.text):,} chars · Esc closes"
            with VerticalScroll(id="cell-scroll"):
                value = Static(Text(self.text), id="cell-value", markup=False)
                if self.value is None and self.text == NULL_TEXT:
                    value.add_class("null")
                yield value

    def on_mount(self) -> None:
        self.query_one("#cell-scroll", VerticalScroll).focus()

    def action_close(self) -> None:
        self.dismiss(None)
