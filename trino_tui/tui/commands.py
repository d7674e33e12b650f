"""Command palette provider: every app action by name, plus one entry per theme and per connection profile.

Owns the list of palette entries (title, action, help). Actions run through ``App.run_action`` so the
palette and the key bindings share one implementation. UI thread only.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from textual.command import DiscoveryHit, Hit, Hits, Provider

COMMANDS: tuple[tuple[str, str, str], ...] = (
    ("Run statement", "run_query", "Run the statement under the cursor (or the selection)"),
    ("Cancel query", "cancel_query", "Cancel the running query on the server"),
    ("Stop query, keep rows", "stop_query", "Stop the running query and keep the rows so far"),
    ("Export result…", "export_result", "Write the current result to a file"),
    ("Export from query…", "export_query", "Stream the statement's full result straight to a file"),
    ("Toggle pipeline panel", "toggle_pipeline", "Show or hide the spooling pipeline view"),
    ("Copy cell", "copy_cell", "Copy the cell under the cursor"),
    ("Copy row", "copy_row", "Copy the cursor's row as TSV"),
    ("Copy selection", "copy_selection", "Copy the selected range as TSV (with header)"),
    ("New editor tab", "new_buffer", "Open an empty editor tab"),
    ("Close editor tab", "close_buffer", "Close the current editor tab (asks if its file is unsaved)"),
    ("Open .sql file…", "open_file", "Open a SQL file in an editor tab"),
    ("Save .sql file", "save_file", "Save the editor tab to its file"),
    ("Save .sql file as…", "save_file_as", "Save the editor tab to a new file"),
    ("Next result tab", "next_result(1)", "Show the next held result"),
    ("Close result tab", "close_result", "Close the shown result and free its rows"),
    ("Keys help", "help", "Show every key binding"),
    ("Focus editor", "focus_editor", "Move the focus to the SQL editor"),
    ("Focus results", "focus_grid", "Move the focus to the result grid"),
)


class TrinoCommands(Provider):
    """Palette entries for the trino-tui actions and the themes."""

    def _entries(self) -> list[tuple[str, Any, str]]:
        app = self.app
        entries: list[tuple[str, Any, str]] = [
            (title, partial(app.run_action, action), help_text) for title, action, help_text in COMMANDS
        ]
        for name in sorted(app.available_themes):
            entries.append((f"Theme: {name}", partial(setattr, app, "theme", name), f"Switch to the {name} theme"))
        for name in getattr(app, "profile_names", tuple)():
            entries.append((f"Profile: {name}", partial(app.switch_profile, name),
                            f"Connect with [profiles.{name}] from the next statement on"))
        return entries

    async def discover(self) -> Hits:
        for title, callback, help_text in self._entries():
            yield DiscoveryHit(title, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, callback, help_text in self._entries():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), callback, help=help_text)
