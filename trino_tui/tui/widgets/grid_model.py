"""Pure cursor/selection/title logic of the result grid (no widget state, no Textual).

Owns: the wording of the grid's border title and subtitle and of its empty states, the scroll offsets that bring the cursor
cell into view, and bounding a selection's row span. Pure functions; safe from any thread.
"""

from __future__ import annotations

from trino_tui.tui.widgets.grid_cells import GridLayout

Cell = tuple[int, int]
HEADER_LINES = 2  # the grid's fixed header: column names, then types

STATUSES = ("idle", "streaming", "finished", "stopped", "cancelled", "failed")
"""The one vocabulary of a query's UI status (grid title, status bar, app): idle and streaming,
then core's outcome statuses."""


def _rows(n: int) -> str:
    return f"{n:,} row" if n == 1 else f"{n:,} rows"


def title_for(status: str, n: int, has_store: bool) -> str:
    """The border title: an honest statement of how complete the result is."""
    if not has_store:   # no columns yet (running) or nothing to show
        return {"streaming": "running…", "stopped": "stopped", "cancelled": "cancelled",
                "failed": "failed"}.get(status, "Result")
    if status == "streaming":
        return f"{_rows(n)} so far…"
    if status in ("stopped", "cancelled", "failed"):
        return f"{status} after {_rows(n)}"
    return _rows(n)


EMPTY_TEXT = "No result yet. Run a query to see its rows here."
WAITING_TEXT = "Running… waiting for the first rows."


def empty_state(has_store: bool, has_columns: bool, status: str, message: str | None,
                error: str | None) -> tuple[str, str]:
    """(text, kind) of a grid without columns to draw: kind "error" or "empty" (its style)."""
    if not has_store:
        text = message or (WAITING_TEXT if status == "streaming" else EMPTY_TEXT)
    else:
        text = error or message or ("" if has_columns else "The statement returned no columns.")
    return text, "error" if error or (message and status == "failed") else "empty"


def no_rows_text(status: str, message: str | None, error: str | None) -> str:
    """The first body line of a result with columns but no rows (yet)."""
    if error:
        return error
    if message and status == "failed":
        return message
    return "waiting for rows…" if status in ("idle", "streaming") else "(no rows)"


def selection_box(cursor: Cell, anchor: Cell | None) -> tuple[int, int, int, int]:
    """(row0, col0, row1, col1) inclusive spanned by the anchor and the cursor (or the cursor)."""
    r, c = cursor
    ar, ac = anchor if anchor is not None else cursor
    return min(r, ar), min(c, ac), max(r, ar), max(c, ac)


def subtitle_for(cursor: Cell, anchor: Cell | None, nrows: int, ncols: int) -> str:
    """"row 3/50 · col 2/5", prefixed by "3×2 selected · " while a selection exists."""
    if not nrows or not ncols:
        return ""
    r, c = cursor
    sub = f"row {r + 1:,}/{nrows:,} · col {c + 1}/{ncols}"
    if anchor is not None:
        r0, c0, r1, c1 = selection_box(cursor, anchor)
        sub = f"{r1 - r0 + 1:,}×{c1 - c0 + 1} selected · " + sub
    return sub


def scroll_target(cursor: Cell, scroll: tuple[int, int], view: tuple[int, int],
                  layout: GridLayout | None) -> tuple[int, int]:
    """Smallest change of (scroll_x, scroll_y) that shows the cursor cell in a body of
    ``view`` = (width, height) cells; a column wider than the view is shown from its start."""
    row, col = cursor
    sx, sy = scroll
    width, height = view
    if row < sy:
        sy = row
    elif row >= sy + height:
        sy = row - height + 1
    if layout is not None and col < len(layout.xs):
        x0, x1 = layout.span(col)
        if x0 < sx or x1 - x0 > width:
            sx = x0
        elif x1 > sx + width:
            sx = x1 - width
    return sx, sy


def bound_extension(row: int, anchor_row: int, max_rows: int) -> tuple[int, bool]:
    """*row* limited so the selection spans at most *max_rows* rows; (row, was_limited)."""
    limit = max(0, max_rows - 1)
    if abs(row - anchor_row) <= limit:
        return row, False
    return anchor_row + (limit if row > anchor_row else -limit), True
