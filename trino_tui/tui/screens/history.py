"""``HistoryScreen``: the statement history, newest first, with a fuzzy search box.

Enter pastes the highlighted statement into the editor, ctrl+r (or the Run button binding) runs
it, Esc closes. Dismisses with ``("paste" | "run", sql)`` or None. Reads the ``HistoryStore`` on
the UI thread once per keystroke (the file is bounded by its rotation size). UI thread only.
"""

from __future__ import annotations

import time

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from trino_tui.explore.history import HistoryEntry, HistoryStore

__all__ = ["HistoryScreen", "entry_row"]


def entry_row(e: HistoryEntry, now: float | None = None) -> Content:
    """One line: when, state, rows, duration, context, the statement flattened."""
    when = time.strftime("%m-%d %H:%M", time.localtime(e.started)) if e.started else "?"
    flat = " ".join(e.sql.split())
    flat = flat if len(flat) <= 120 else flat[:119] + "…"
    state_style = {"finished": "green", "failed": "red"}.get(e.state, "yellow")
    return Content.assemble((when, "dim"), " ", (f"{e.state:<9}", state_style), " ",
                            (f"{e.rows:>9,} rows {e.duration:6.2f}s", "dim"), " ",
                            (f"{e.context or '-':<16}", "dim"), " ", flat)


class HistoryScreen(ModalScreen[tuple[str, str] | None]):
    DEFAULT_CSS = """
    HistoryScreen { align: center middle; }
    HistoryScreen > Vertical { width: 90%; height: 80%; border: round $accent; background: $surface; }
    HistoryScreen OptionList { height: 1fr; }
    HistoryScreen #history-help { height: 1; color: $text-muted; }
    """
    BINDINGS = [
        Binding("escape", "close", "Close"),
        Binding("enter", "choose('paste')", "Paste", priority=True),
        Binding("ctrl+r", "choose('run')", "Run", priority=True),
        Binding("down", "move(1)", show=False, priority=True),
        Binding("up", "move(-1)", show=False, priority=True),
    ]

    def __init__(self, store: HistoryStore, query: str = "") -> None:
        super().__init__()
        self.store = store
        self._query = query
        self.entries: list[HistoryEntry] = []

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Input(self._query, placeholder="search history", id="history-search")
            yield OptionList(id="history-list")
            yield Static("enter: paste into the editor   ctrl+r: run   esc: close", id="history-help")

    def on_mount(self) -> None:
        self._fill(self._query)
        self.query_one(Input).focus()

    def _fill(self, text: str) -> None:
        try:
            self.entries = self.store.search(text)
        except OSError as exc:
            self.entries = []
            self.notify(f"Cannot read the history: {exc}", severity="error")
        ol = self.query_one(OptionList)
        ol.clear_options()
        ol.add_options([Option(entry_row(e)) for e in self.entries])
        ol.highlighted = 0 if self.entries else None

    def on_input_changed(self, event: Input.Changed) -> None:
        self._fill(event.value)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.action_choose("paste")

    def action_move(self, delta: int) -> None:
        ol = self.query_one(OptionList)
        if self.entries:
            ol.highlighted = max(0, min(len(self.entries) - 1, (ol.highlighted or 0) + delta))

    def action_choose(self, how: str) -> None:
        i = self.query_one(OptionList).highlighted
        if i is None or not (0 <= i < len(self.entries)):
            return
        self.dismiss((how, self.entries[i].sql))

    def action_close(self) -> None:
        self.dismiss(None)
