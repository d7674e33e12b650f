"""SqlEditor: the query editor (TextArea with tree-sitter SQL highlighting and line numbers).

Owns: choosing what to run (the selection, else the statement under the cursor; ``run_targets``
for Run all) and moving the cursor to a Trino error location relative to where that statement sits
in the editor; its keys (Tab leaves the editor unless the completion popup is open, ctrl+a selects
all, ctrl+home/end) and a syntax theme that follows the app's light/dark theme. UI thread only.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding
from textual.widgets import TextArea

from trino_tui.core.statements import (
    Statement,
    error_location,
    location_to_offset,
    split_statements,
    statement_at,
)
from trino_tui.tui.widgets.completion import CompletionKeysMixin


@dataclass(frozen=True)
class RunTarget:
    """What to send (``statement.text``) and where it sits in the editor text it came from."""

    statement: Statement
    source: str


class SqlEditor(CompletionKeysMixin, TextArea):
    """SQL editor; ``run_target()`` picks the text to run, ``show_error()`` moves the cursor."""

    DEFAULT_CSS = """
    SqlEditor { height: 1fr; }
    """
    BINDINGS = [
        Binding("ctrl+a", "select_all", "Select all", show=False),
        Binding("ctrl+home", "document_start", show=False),
        Binding("ctrl+end", "document_end", show=False),
        Binding("ctrl+shift+home", "document_start(True)", show=False),
        Binding("ctrl+shift+end", "document_end(True)", show=False),
        # F6/F7 are the app's copy keys: the editor must not claim them (TextArea: select line/all)
        Binding("f6", "app.copy_cell", show=False),
        Binding("f7", "app.copy_row", show=False),
        Binding("ctrl+w", "app.close_buffer", show=False),  # closes the editor tab (delete word: ctrl+backspace)
    ]

    def __init__(self, text: str = "", *, id: str | None = None) -> None:  # noqa: A002
        # Plain until mounted: TextArea compiles the SQL highlight query (~50 ms) for every document it
        # builds (twice in its __init__), so highlighting is switched on once, after the first frame.
        super().__init__(text, theme="monokai", soft_wrap=False, tab_behavior="focus", show_line_numbers=True, id=id)

    def on_mount(self) -> None:
        self.watch(self.app, "theme", self._follow_theme, init=True)
        self.call_after_refresh(self._enable_highlighting)

    def _enable_highlighting(self) -> None:
        """language = "sql" (one compile), keeping the cursor, selection and scroll position."""
        selection, (x, y) = self.selection, self.scroll_offset
        try:
            self.language = "sql"
        except Exception:  # noqa: BLE001 - tree-sitter grammar missing: plain editor still works
            self.set_reactive(SqlEditor.language, None)
            return
        self.selection = selection
        self.scroll_to(x, y, animate=False, immediate=True)

    def _follow_theme(self, _name: str) -> None:
        """monokai on dark app themes, github_light on light ones."""
        self.theme = "monokai" if self.app.current_theme.dark else "github_light"

    def action_document_start(self, select: bool = False) -> None:
        self.move_cursor((0, 0), select=select)

    def action_document_end(self, select: bool = False) -> None:
        self.move_cursor(self.document.end, select=select)

    def run_targets(self, *, whole: bool = True) -> list[RunTarget]:
        """Every statement of the selection, else (``whole``) of the editor, in order."""
        text = self.text
        sel = self.selection
        a, b = 0, len(text)
        if sel.start != sel.end:
            a, b = sorted((location_to_offset(text, sel.start), location_to_offset(text, sel.end)))
        elif not whole:
            return []
        return [RunTarget(Statement(p.text, a + p.start, a + p.end, a + p.span_start, a + p.span_end), text)
                for p in split_statements(text[a:b])]

    def run_target(self) -> RunTarget | None:
        """The selected text if any (its statement under the cursor), else the statement at the cursor."""
        text = self.text
        sel = self.selection
        if sel.start != sel.end:
            parts = self.run_targets(whole=False)
            return parts[0] if parts else None
        stmt = statement_at(text, location_to_offset(text, self.cursor_location))
        return RunTarget(stmt, text) if stmt is not None else None

    def show_error(self, target: RunTarget, line: int, column: int) -> tuple[int, int]:
        """Move the cursor to Trino's ``line``/``column`` inside ``target``; returns the location."""
        location = error_location(target.source, target.statement, line, column)
        self.move_cursor(location)
        self.focus()
        return location
