"""HelpScreen: the key bindings of the main screen (modal; escape/F1/q closes). UI thread only."""

from __future__ import annotations

from typing import Iterable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown

EXTRA_KEYS: tuple[tuple[str, str], ...] = (
    ("tab / shift+tab", "move between the editor, the grid and the pipeline panel"),
    ("arrows, PgUp/PgDn, home/end", "move the grid cursor (shift extends the selection)"),
    ("ctrl+home / ctrl+end", "first / last row of the result"),
    ("enter (grid)", "show the full value of the cell"),
    ("ctrl+a / ctrl+home / ctrl+end (editor)", "select all / go to the start / the end of the SQL"),
    ("tab / enter, esc, ctrl+space (editor)", "accept / dismiss the completion popup; open it where you are"),
    ("i p d s c r / (browser)", "insert name, preview, describe, show create, copy name, refresh, filter"),
    ("s / f / = / x (grid)", "sort by the column (↑, ↓, off) / filter on it / keep rows equal to the cell / "
     "clear: in place when complete and ≤ 200,000 rows, else offered as a re-run on Trino"),
    ("/ then n / N (grid)", "search the held rows; next / previous match"),
    ("# / z / < > (grid)", "row numbers / freeze the columns up to the cursor / narrower, wider column"),
    ("y (grid)", "copy the selection as CSV, TSV, Markdown, JSON or SQL INSERTs"),
    ("l / d / a (plan, ctrl+l)", "EXPLAIN / TYPE DISTRIBUTED / EXPLAIN ANALYZE (runs it); o / c (details): open / copy the web UI link"),
    ("click a tab", "switch editor tab / result tab (the strips show with two tabs or a file)"),
    ("ctrl+backspace (editor)", "delete the word left of the cursor (ctrl+w closes the editor tab)"),
    ("tab (path prompt)", "complete the folder or .sql file name"),
    ("ctrl+p", "command palette (every action, plus themes)"),
    ("ctrl+q", "quit"),
)


def help_markdown(bindings: Iterable[Binding]) -> str:
    """A Markdown table of the shown bindings plus the grid/editor keys."""
    lines = ["# trino-tui keys", "", "| key | action |", "|---|---|"]
    seen: set[str] = set()
    for b in bindings:
        if not b.description or b.action in seen:
            continue
        seen.add(b.action)
        keys = " / ".join(k for k in b.key.split(","))
        lines.append(f"| {keys} | {b.description} |")
    lines.extend(f"| {k} | {d} |" for k, d in EXTRA_KEYS)
    return "\n".join(lines)


class HelpScreen(ModalScreen[None]):
    """Shows ``help_markdown`` for the app's bindings."""

    BINDINGS = [Binding("escape,f1,q", "dismiss", "Close")]
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 90; max-height: 80%; height: auto; border: thick $primary; background: $surface;
        padding: 0 1;
    }
    """

    def __init__(self, bindings: Iterable[Binding]) -> None:
        super().__init__()
        self._text = help_markdown(bindings)

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Markdown(self._text)
