"""Clipboard: copy text via pyperclip, falling back to OSC 52 through the terminal.

Owns: the ``Clipboard`` protocol (injectable for tests), the system implementation and the TSV
rendering of copied cells. ``copy`` returns a one-line description of what happened and raises
``ClipboardUnavailable`` (one-line message) when nothing works. Call from the UI thread.
"""

from __future__ import annotations

from typing import Any, Callable, Protocol, Sequence


class ClipboardUnavailable(Exception):
    """No way to reach a clipboard."""


class Clipboard(Protocol):
    def copy(self, text: str) -> str:
        """Put ``text`` on the clipboard; return a short description; raise ClipboardUnavailable."""


class SystemClipboard:
    """pyperclip first; when it has no clipboard, OSC 52 via ``osc52`` (App.copy_to_clipboard)."""

    def __init__(self, osc52: Callable[[str], None] | None = None) -> None:
        self._osc52 = osc52

    def copy(self, text: str) -> str:
        try:
            import pyperclip

            pyperclip.copy(text)
            return "copied to the clipboard"
        except Exception as exc:  # PyperclipException and friends: no clipboard mechanism
            reason = " ".join(str(exc).split())[:80] or type(exc).__name__
            if self._osc52 is None:
                raise ClipboardUnavailable(f"no clipboard available ({reason})") from None
            try:
                self._osc52(text)
            except Exception as osc_exc:  # noqa: BLE001
                raise ClipboardUnavailable(f"no clipboard available ({reason}; OSC 52: {osc_exc})") from None
            return "no system clipboard: sent via the terminal (OSC 52) — needs terminal support"


class MemoryClipboard:
    """Test double: remembers what was copied."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def copy(self, text: str) -> str:
        self.items.append(text)
        return "copied to the clipboard"


def _tsv_cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def to_tsv(
    columns: Sequence[Any],
    rows: Sequence[Sequence[Any]],
    fmt: Callable[[Any, Any], str],
    *,
    header: bool,
) -> str:
    """TSV text of ``rows`` (wire values) using ``fmt(value, type)``; NULL stays empty-free as "NULL"."""
    lines: list[str] = []
    if header:
        lines.append("\t".join(_tsv_cell(c.name) for c in columns))
    for row in rows:
        lines.append("\t".join(_tsv_cell(fmt(v, c.type)) for v, c in zip(row, columns)))
    return "\n".join(lines)


def cell_text(value: Any, trino_type: Any) -> str:
    """Trino CLI text of one wire value (what the grid shows and the headless formats write)."""
    from trino_tui.export import format_cell_text

    return format_cell_text(value, trino_type)


def copy_text(
    what: str,
    store: Any,
    cursor: tuple[int, int],
    selection: Callable[[], tuple[Sequence[Any], Sequence[Sequence[Any]]]],
) -> str | None:
    """Text to copy for "cell" | "row" | "selection" of ``store`` (None when there are no rows).

    ``selection()`` returns (columns, rows) of the grid's selected range; a range of more than one
    cell gets a header line.
    """
    if store is None or len(store) == 0 or not store.columns:
        return None
    columns = store.columns
    if what == "selection":
        cols, rows = selection()
        return to_tsv(cols, rows, cell_text, header=len(rows) > 1 or len(cols) > 1)
    row = max(0, min(cursor[0], len(store) - 1))
    col = max(0, min(cursor[1], len(columns) - 1))
    values = store.rows(row, row + 1)[0]
    if what == "cell":
        return cell_text(values[col], columns[col].type)
    return to_tsv(columns, [values], cell_text, header=False)
