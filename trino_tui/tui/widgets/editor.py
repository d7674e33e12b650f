"""SqlEditor: the query editor (TextArea with tree-sitter SQL highlighting and line numbers).

Owns: choosing what to run (the selection, else the statement under the cursor) and moving the
cursor to a Trino error location relative to where that statement sits in the editor. UI thread only.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.widgets import TextArea

from trino_tui.core.statements import (
    Statement,
    error_location,
    location_to_offset,
    split_statements,
    statement_at,
)


@dataclass(frozen=True)
class RunTarget:
    """What to send (``statement.text``) and where it sits in the editor text it came from."""

    statement: Statement
    source: str


class SqlEditor(TextArea):
    """SQL editor; ``run_target()`` picks the text to run, ``show_error()`` moves the cursor."""

    DEFAULT_CSS = """
    SqlEditor { height: 1fr; }
    """

    def __init__(self, text: str = "", *, id: str | None = None) -> None:  # noqa: A002
        try:
            super().__init__(
                text,
                language="sql",
                theme="monokai",
                soft_wrap=False,
                tab_behavior="indent",
                show_line_numbers=True,
                id=id,
            )
        except Exception:  # noqa: BLE001 - tree-sitter grammar missing: plain editor still works
            super().__init__(text, soft_wrap=False, tab_behavior="indent", show_line_numbers=True, id=id)

    def run_target(self) -> RunTarget | None:
        """The selected text if any (its statement under the cursor), else the statement at the cursor."""
        text = self.text
        sel = self.selection
        if sel.start != sel.end:
            a = location_to_offset(text, sel.start)
            b = location_to_offset(text, sel.end)
            a, b = min(a, b), max(a, b)
            parts = split_statements(text[a:b])
            if parts:
                first = parts[0]
                stmt = Statement(first.text, a + first.start, a + first.end, a + first.span_start, a + first.span_end)
                return RunTarget(stmt, text)
            return None
        stmt = statement_at(text, location_to_offset(text, self.cursor_location))
        return RunTarget(stmt, text) if stmt is not None else None

    def show_error(self, target: RunTarget, line: int, column: int) -> tuple[int, int]:
        """Move the cursor to Trino's ``line``/``column`` inside ``target``; returns the location."""
        location = error_location(target.source, target.statement, line, column)
        self.move_cursor(location)
        self.focus()
        return location
