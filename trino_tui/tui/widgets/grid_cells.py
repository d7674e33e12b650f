"""Cell text and column layout for the result grid (pure functions, no widget state).

Owns: the one-line display text of a wire value (Trino CLI text via ``export.format_cell_text``,
control characters made visible), fitting text into a column width (ellipsis, alignment), the
column layout (widths from header + a row sample, x offsets) and the full multi-line text the cell
viewer shows (nested values as JSON). Immutable results; safe from any thread.
"""

from __future__ import annotations

import bisect
import json
from dataclasses import dataclass
from typing import Any, Sequence

from rich.cells import cell_len, set_cell_size

from trino_tui.client import Column, TrinoType
from trino_tui.export import format_cell_text

NULL_TEXT = "NULL"
ELLIPSIS = "…"
CELL_PAD = 1                      # blank cells each side of a value
_CONTROL = {i: "\ufffd" for i in range(32)}
_CONTROL.update({9: "⇥", 10: "↵", 13: "↵", 127: "\ufffd"})


def _value_text(value: Any, t: TrinoType) -> str:
    """Trino CLI text of a value; a display never fails on an odd value (falls back to ``str``)."""
    try:
        return format_cell_text(value, t)
    except Exception:  # noqa: BLE001
        return str(value)


def cell_text(value: Any, t: TrinoType) -> str:
    """One-line display text of a wire value (``NULL`` for None; newlines/tabs made visible)."""
    if value is None:
        return NULL_TEXT
    text = _value_text(value, t)
    if not text.isprintable():
        text = text.translate(_CONTROL)
    return text


def text_width(text: str) -> int:
    return len(text) if text.isascii() else cell_len(text)


def fit(text: str, width: int, right: bool) -> str:
    """*text* truncated with an ellipsis / padded to exactly *width* cells, plus the cell padding."""
    w = text_width(text)
    if w > width:
        text = set_cell_size(text, max(0, width - 1)) + ELLIPSIS if width > 0 else ""
        w = width
    pad = " " * (width - w)
    body = pad + text if right else text + pad
    return " " * CELL_PAD + body + " " * CELL_PAD


@dataclass(frozen=True)
class GridLayout:
    """Column geometry: ``widths`` (content cells), ``xs`` (start x of each column incl. padding)."""

    widths: tuple[int, ...]
    xs: tuple[int, ...]
    numeric: tuple[bool, ...]
    total_width: int

    def column_at(self, x: int) -> int:
        """Index of the column under virtual x (clamped to the columns)."""
        if not self.xs:
            return 0
        return max(0, min(len(self.xs) - 1, bisect.bisect_right(self.xs, x) - 1))

    def span(self, col: int) -> tuple[int, int]:
        """[start, end) virtual x of a column including its padding."""
        return self.xs[col], self.xs[col] + self.widths[col] + 2 * CELL_PAD


RowTexts = tuple[tuple[str, bool], ...]


def _layout(widths: Sequence[int], numeric: tuple[bool, ...]) -> GridLayout:
    xs, x = [], 0
    for w in widths:
        xs.append(x)
        x += w + 2 * CELL_PAD
    return GridLayout(tuple(widths), tuple(xs), numeric, x)


def header_layout(columns: Sequence[Column]) -> GridLayout:
    """Widths that fit each column's name and type text."""
    widths = [max(text_width(c.name), text_width(c.type.text or c.type.raw), 1) for c in columns]
    numeric = tuple(bool(getattr(c.type, "is_numeric", False)) for c in columns)
    return _layout(widths, numeric)


def widen(layout: GridLayout, rows: Sequence[RowTexts], max_width: int) -> GridLayout:
    """*layout* with columns grown (never shrunk) to fit *rows*, each capped at *max_width*;
    the same object when nothing changes."""
    widths = list(layout.widths)
    changed = False
    for cells in rows:
        for j, (text, _) in enumerate(cells):
            if j < len(widths) and widths[j] < max_width:
                w = text_width(text)
                if w > widths[j]:
                    widths[j] = min(w, max_width)
                    changed = True
    return _layout(widths, layout.numeric) if changed else layout


def row_texts(values: Sequence[Any], columns: Sequence[Column]) -> RowTexts:
    """Display text and NULL flag of every cell of one row (unfitted; fitted at draw time)."""
    out = []
    for j, col in enumerate(columns):
        value = values[j] if j < len(values) else None
        out.append((cell_text(value, col.type), value is None))
    return tuple(out)


# ---------------------------------------------------------------------------------------------
# full value (cell viewer)


def _named(value: Any, t: TrinoType) -> Any:
    """Wire value with row fields named (row values arrive as JSON arrays)."""
    if value is None:
        return None
    if t.raw == "row" and isinstance(value, list):
        fields = t.fields
        out = {}
        for i, v in enumerate(value):
            name, ft = fields[i] if i < len(fields) else (None, None)
            out[name or f"field{i}"] = _named(v, ft) if ft is not None else v
        return out
    if t.raw == "array" and isinstance(value, list) and t.element is not None:
        return [_named(v, t.element) for v in value]
    if t.raw == "map" and isinstance(value, dict) and t.value is not None:
        return {k: _named(v, t.value) for k, v in value.items()}
    return value


def full_text(value: Any, t: TrinoType) -> str:
    """The complete value for the cell viewer: nested values and json as indented JSON."""
    if value is None:
        return NULL_TEXT
    if isinstance(value, (list, dict)):
        return json.dumps(_named(value, t), indent=2, ensure_ascii=False)
    if t.raw == "json" and isinstance(value, str):
        try:
            return json.dumps(json.loads(value), indent=2, ensure_ascii=False)
        except ValueError:
            return value
    if isinstance(value, str):
        return value
    return _value_text(value, t)
