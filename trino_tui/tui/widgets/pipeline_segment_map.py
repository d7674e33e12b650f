"""Segment map: one cell per segment coloured by state, a legend, and a keyboard/mouse cursor.

Owns the grid layout (cells wrap to the widget width; two columns per cell while everything fits,
one column when dense), the window of rows shown when segments outnumber the space (with a
"+N more" summary line; without a cursor the window follows the first segment in flight), the
segment cursor and the ``Selected`` / ``Chosen`` (Enter) messages. Inline segments draw as
``◆``, spooled as ``■``. Rendering uses the Line API: only visible rows are built, and an update
refreshes only the rows whose cells changed. UI-thread only.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby
from typing import TYPE_CHECKING, ClassVar, Mapping, Sequence

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget

from trino_tui.core.formatting import human_count
from trino_tui.tui.widgets.pipeline_facts import (
    DONE,
    SEGMENT_STATES,
    TERMINAL_STATES,
    display_state,
)

if TYPE_CHECKING:  # pragma: no cover
    from trino_tui.client import SegmentSnapshot

GLYPHS = {"spooled": "■", "inline": "◆"}
"""Glyph per segment kind: inline vs spooled stay distinguishable without colour."""
UNSEEN_GLYPH = "▪"
"""A segment that finished before the panel saw it: its kind is unknown."""


def glyph_for(kind: str | None) -> str:
    """The map glyph of a segment kind (None = never seen; unknown kinds draw as spooled)."""
    if kind is None:
        return UNSEEN_GLYPH
    return GLYPHS.get(kind, GLYPHS["spooled"])


@dataclass(frozen=True)
class MapLayout:
    """Where cells go for a given size: legend lines, cell width, cells per row, rows shown."""

    legend_lines: int
    cell_width: int
    per_row: int
    grid_rows: int  # rows available for cells (excluding a summary line)
    total_rows: int
    summary: bool  # True when not every row fits: last line is a "+N more" summary


def compute_layout(count: int, width: int, height: int, legend_lines: int) -> MapLayout:
    """Pick cell width (2 when everything fits spaced out, else 1) and how many rows are shown."""
    width = max(1, width)
    space = max(0, height - legend_lines)
    for cell_width in (2, 1):
        per_row = max(1, width // cell_width)
        total_rows = -(-count // per_row) if count else 0
        if total_rows <= space or cell_width == 1:
            break
    summary = total_rows > space
    grid_rows = max(0, space - 1) if summary else space
    return MapLayout(legend_lines, cell_width, per_row, grid_rows, total_rows, summary)


class PipelineSegmentMap(Widget, can_focus=True):
    """Focusable map of every segment; arrows/PgUp/PgDn/Home/End move the cursor, click selects."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left", "move(-1)", "Previous segment", show=False),
        Binding("right", "move(1)", "Next segment", show=False),
        Binding("up", "move_rows(-1)", "Segment above", show=False),
        Binding("down", "move_rows(1)", "Segment below", show=False),
        Binding("pageup", "move_rows(-8)", "Page up", show=False),
        Binding("pagedown", "move_rows(8)", "Page down", show=False),
        Binding("home", "jump(0)", "First segment", show=False),
        Binding("end", "jump(-1)", "Last segment", show=False),
        Binding("enter", "choose", "Jump to its first row", show=False),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        *(f"segment-map--{state}" for state in SEGMENT_STATES),
        "segment-map--cursor", "segment-map--legend", "segment-map--summary",
    }

    DEFAULT_CSS = """
    PipelineSegmentMap { height: 1fr; min-height: 4; }
    PipelineSegmentMap > .segment-map--queued { color: $foreground-muted; }
    PipelineSegmentMap > .segment-map--downloading { color: $primary-lighten-2; text-style: bold; }
    PipelineSegmentMap > .segment-map--downloaded { color: $primary-muted; }
    PipelineSegmentMap > .segment-map--decoding { color: $accent; text-style: bold; }
    PipelineSegmentMap > .segment-map--decoded { color: $accent-muted; }
    PipelineSegmentMap > .segment-map--delivered { color: $success-muted; }
    PipelineSegmentMap > .segment-map--acked { color: $success; }
    PipelineSegmentMap > .segment-map--retried { color: $error-lighten-2; text-style: underline; }
    PipelineSegmentMap > .segment-map--failed { color: $error; text-style: bold; }
    PipelineSegmentMap > .segment-map--done { color: $success 60%; }
    PipelineSegmentMap > .segment-map--cursor { text-style: reverse bold; }
    PipelineSegmentMap > .segment-map--legend { color: $foreground; }
    PipelineSegmentMap > .segment-map--summary { color: $foreground-muted; text-style: italic; }
    PipelineSegmentMap:focus > .segment-map--cursor { text-style: reverse bold; }
    """

    class Selected(Message):
        """The segment cursor moved to (or a click selected) segment *index* (SegmentSnapshot.index)."""

        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    class Chosen(Message):
        """Enter on segment *index*: the user wants to see its rows."""

        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    def __init__(self, *, name: str | None = None, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._cells: list[tuple[str, str]] = []  # (glyph, state); position == segment index
        self._counts: dict[str, int] = {}
        self._cursor: int | None = None
        self._top_row = 0
        self._frontier_hint = 0
        self._legend: list[Text] = []
        self._legend_width = -1
        self._cell_styles: dict[tuple[str, bool], Style] = {}
        self._cell_styles_base: Style | None = None

    # -- data -------------------------------------------------------------------------------

    @property
    def cursor_index(self) -> int | None:
        """Segment index under the cursor, or None."""
        return self._cursor

    @property
    def cell_states(self) -> list[str]:
        """State name of every cell in index order (tests, accessibility)."""
        return [state for _glyph, state in self._cells]

    def update_segments(self, segments: Sequence["SegmentSnapshot"]) -> None:
        """Show exactly *segments* (by index; gaps are "done"). Convenience over update_cells."""
        total = max((s.index + 1 for s in segments), default=0)
        if total < len(self._cells):
            self.clear()
        wanted = {s.index: (s.kind, display_state(s)) for s in segments}
        changes = {i: wanted.get(i, (None, DONE)) for i in range(total)}
        self.update_cells(changes, total)

    def update_cells(self, changes: Mapping[int, tuple[str | None, str]], total: int) -> None:
        """Grow the map to *total* cells and apply *changes* (index → (kind, state)).

        Refreshes only the rows whose cells changed, or everything when the layout changed.
        """
        cells = self._cells
        old_layout = self._layout(len(cells))
        changed_positions: list[int] = []
        while len(cells) < total:
            cells.append((UNSEEN_GLYPH, DONE))
            self._counts[DONE] = self._counts.get(DONE, 0) + 1
            changed_positions.append(len(cells) - 1)
        for index, (kind, state) in changes.items():
            if not 0 <= index < len(cells):
                continue
            cell = (glyph_for(kind), state)
            if cells[index] != cell:
                self._counts[cells[index][1]] -= 1
                self._counts[state] = self._counts.get(state, 0) + 1
                cells[index] = cell
                changed_positions.append(index)
                if state not in TERMINAL_STATES:
                    self._frontier_hint = min(self._frontier_hint, index)
        if not changed_positions:
            return
        self._legend_width = -1  # counts in the legend changed
        new_layout = self._layout(len(cells))
        old_top = self._top_row
        self._ensure_cursor_visible(new_layout)
        if new_layout != old_layout or self._top_row != old_top:
            self.refresh()
            return
        self._refresh_rows({p // new_layout.per_row for p in changed_positions}, new_layout)

    def clear(self) -> None:
        """Remove every cell and the cursor (a new query starts)."""
        self._cells, self._counts = [], {}
        self._cursor, self._top_row, self._frontier_hint = None, 0, 0
        self._legend_width = -1
        self.refresh()

    def _refresh_rows(self, rows: set[int], layout: MapLayout) -> None:
        width = self.size.width
        self.refresh(Region(0, 0, width, layout.legend_lines))
        if layout.summary:
            self.refresh(Region(0, layout.legend_lines + layout.grid_rows, width, 1))
        for row in rows:
            if self._top_row <= row < self._top_row + layout.grid_rows:
                self.refresh(Region(0, layout.legend_lines + row - self._top_row, width, 1))

    # -- layout -----------------------------------------------------------------------------

    def _legend_lines(self) -> list[Text]:
        width = max(1, self.size.width)
        if self._legend_width == width:
            return self._legend
        counts = self._counts
        style = self._style("legend")
        items = [Text.assemble((f"{GLYPHS['spooled']} spooled", style)),
                 Text.assemble((f"{GLYPHS['inline']} inline", style))]
        for state in SEGMENT_STATES:
            if state == DONE and not counts.get(DONE):
                continue  # only explained when some segments finished unobserved
            item = Text("■ ", style=self._style(state))
            item.append(f"{state} {human_count(counts.get(state, 0))}", style=style)
            items.append(item)
        lines: list[Text] = [Text()]
        for item in items:
            if lines[-1].cell_len and lines[-1].cell_len + 2 + item.cell_len > width:
                lines.append(Text())
            if lines[-1].cell_len:
                lines[-1].append("  ")
            lines[-1].append_text(item)
        self._legend, self._legend_width = lines, width
        return lines

    def _layout(self, count: int) -> MapLayout:
        return compute_layout(count, self.size.width, self.size.height, len(self._legend_lines()))

    def _style(self, part: str) -> Style:
        return self.get_component_rich_style(f"segment-map--{part}", partial=True)

    def _frontier(self) -> int:
        """Position of the first segment still in flight (len when none): amortised O(1), as
        segments finish roughly in order and never become active again."""
        cells, i = self._cells, min(self._frontier_hint, len(self._cells))
        while i < len(cells) and cells[i][1] in TERMINAL_STATES:
            i += 1
        self._frontier_hint = i
        return i

    def _ensure_cursor_visible(self, layout: MapLayout) -> None:
        """Scroll so the cursor is visible; without a cursor, follow the in-flight frontier."""
        if layout.grid_rows <= 0 or not layout.summary:
            self._top_row = 0
            return
        if self._cursor is None:
            row = max(0, min(self._frontier(), len(self._cells) - 1) // layout.per_row - 1)
            self._top_row = min(row, layout.total_rows - layout.grid_rows)
            return
        row = self._cursor // layout.per_row
        if row < self._top_row:
            self._top_row = row
        elif row >= self._top_row + layout.grid_rows:
            self._top_row = row - layout.grid_rows + 1
        self._top_row = max(0, min(self._top_row, max(0, layout.total_rows - layout.grid_rows)))

    # -- rendering --------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = self.rich_style
        legend = self._legend_lines()
        if y < len(legend):
            return self._text_strip(legend[y], width, base)
        layout = self._layout(len(self._cells))
        self._ensure_cursor_visible(layout)
        grid_y = y - layout.legend_lines
        if grid_y < layout.grid_rows:
            return self._render_row(self._top_row + grid_y, layout, width, base)
        if layout.summary and grid_y == layout.grid_rows:
            return self._render_summary(layout, width, base)
        return Strip.blank(width, base)

    def _cell_style(self, state: str, base: Style, cursor: bool) -> Style:
        """Base + state (+ cursor) style, cached until the base style or the theme changes."""
        if self._cell_styles_base != base:
            self._cell_styles, self._cell_styles_base = {}, base
        key = (state, cursor)
        style = self._cell_styles.get(key)
        if style is None:
            style = base + self._style(state)
            if cursor:
                style += self._style("cursor")
            self._cell_styles[key] = style
        return style

    def _render_row(self, row: int, layout: MapLayout, width: int, base: Style) -> Strip:
        """One grid row; runs of equal cells become one segment."""
        lo = row * layout.per_row
        hi = min(len(self._cells), lo + layout.per_row)
        pad = " " * (layout.cell_width - 1)
        segments: list[Segment] = []
        position = lo
        for (glyph, state), run in groupby(self._cells[lo:hi]):
            count = len(list(run))
            cursor = self._cursor is not None and position <= self._cursor < position + count
            if cursor:  # split the run around the cursor cell
                before = self._cursor - position
                after = count - before - 1
                style = self._cell_style(state, base, False)
                if before:
                    segments.append(Segment((glyph + pad) * before, style))
                segments.append(Segment(glyph, self._cell_style(state, base, True)))
                if pad:
                    segments.append(Segment(pad, style))
                if after:
                    segments.append(Segment((glyph + pad) * after, style))
            else:
                segments.append(Segment((glyph + pad) * count, self._cell_style(state, base, False)))
            position += count
        return Strip(segments).crop_extend(0, width, base)

    def _render_summary(self, layout: MapLayout, width: int, base: Style) -> Strip:
        first = self._top_row * layout.per_row
        last = min(len(self._cells), (self._top_row + layout.grid_rows) * layout.per_row)
        hidden = len(self._cells) - (last - first)
        text = Text(f"segments {first + 1}–{last} of {len(self._cells)} (+{human_count(hidden)} more; "
                    f"↑↓ PgUp PgDn scroll)", style=self._style("summary"))
        return self._text_strip(text, width, base)

    def _text_strip(self, text: Text, width: int, base: Style) -> Strip:
        """A Text line over the widget's own background."""
        segments = Segment.apply_style(text.render(self.app.console), base)
        return Strip(segments).crop_extend(0, width, base)

    # -- interaction ------------------------------------------------------------------------

    def _set_cursor(self, position: int) -> None:
        if not self._cells:
            return
        position = max(0, min(len(self._cells) - 1, position))
        if position == self._cursor:
            return
        self._cursor = position
        self.refresh()
        self.post_message(self.Selected(position))

    def select_index(self, index: int) -> None:
        """Put the cursor on segment *index* (ignored when out of range)."""
        if 0 <= index < len(self._cells):
            self._set_cursor(index)

    def action_move(self, delta: int) -> None:
        self._set_cursor(0 if self._cursor is None else self._cursor + delta)

    def action_move_rows(self, rows: int) -> None:
        per_row = self._layout(len(self._cells)).per_row
        self._set_cursor(0 if self._cursor is None else self._cursor + rows * per_row)

    def action_choose(self) -> None:
        if self._cursor is not None:
            self.post_message(self.Chosen(self._cursor))

    def action_jump(self, position: int) -> None:
        self._set_cursor(position if position >= 0 else len(self._cells) - 1)

    def _position_at(self, event: events.MouseEvent) -> int | None:
        """The cell position under the mouse, or None."""
        offset = event.get_content_offset(self)
        if offset is None:
            return None
        layout = self._layout(len(self._cells))
        grid_y = offset.y - layout.legend_lines
        column = offset.x // layout.cell_width
        if not 0 <= grid_y < layout.grid_rows or column >= layout.per_row:
            return None
        position = (self._top_row + grid_y) * layout.per_row + column
        return position if position < len(self._cells) else None

    def on_click(self, event: events.Click) -> None:
        position = self._position_at(event)
        if position is not None:
            self.focus()
            self._set_cursor(position)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        position = self._position_at(event)
        if position is None:
            self.tooltip = None
            return
        glyph, state = self._cells[position]
        kind = next((k for k, g in GLYPHS.items() if g == glyph), "finished earlier")
        self.tooltip = f"segment {position} · {kind} · {state} (click for details)"

    def on_resize(self, _event: events.Resize) -> None:
        self._legend_width = -1

    def notify_style_update(self) -> None:
        """Theme/CSS changed: the cached legend carries old colours."""
        super().notify_style_update()
        self._legend_width = -1
        self._cell_styles_base = None
