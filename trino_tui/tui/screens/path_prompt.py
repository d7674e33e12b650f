"""PathPrompt: the one-line prompt (``TextPrompt``) asking for a file path, where Tab completes
folders and .sql names. Dismisses with the path (None on escape). Listing a directory for Tab reads
the local file system only. UI thread only.
"""

from __future__ import annotations

from textual.binding import Binding
from textual.widgets import Input, Label

from trino_tui.explore.sqlfiles import complete_path
from trino_tui.tui.screens.prompt import TextPrompt

SHOWN_CANDIDATES = 12
HINT = "tab: complete · enter: OK · esc: cancel"


class PathPrompt(TextPrompt):
    """Asks for a file path; Tab completes it (directories and .sql files), Enter answers it."""

    BINDINGS = [Binding("tab", "complete", "Complete", priority=True)]

    def __init__(self, title: str, value: str = "") -> None:
        super().__init__(title, value=value, placeholder="path/to/file.sql", help=HINT)

    def action_complete(self) -> None:
        field = self.query_one(Input)
        done = complete_path(field.value)
        field.value = done.text
        field.cursor_position = len(done.text)
        names = list(done.candidates[:SHOWN_CANDIDATES])
        more = len(done.candidates) - len(names)
        shown = "  ".join(names) + (f"  … {more} more" if more > 0 else "")
        self.query_one(".prompt-help", Label).update(shown if names else "no matching .sql file or folder")
