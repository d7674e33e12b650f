"""Per-worker timeline: one row per downloader/decoder thread, bars over the last N seconds.

Owns the time axis (window ending at the snapshot's ``now``, so rendering is deterministic under an
injected clock) and the mapping of work intervals to columns. Work still running extends to
``now`` and draws with a lighter glyph. UI-thread only; re-renders only when the intervals or the
clock changed.
"""

from __future__ import annotations

import math
from itertools import groupby
from typing import TYPE_CHECKING, ClassVar, Iterable, Mapping, Sequence

from rich.style import Style
from rich.text import Text
from textual.widget import Widget

from trino_tui.tui.widgets.pipeline_facts import (
    Attribution,
    Interval,
    place_on_threads,
    segment_intervals,
    worker_sort_key,
)

if TYPE_CHECKING:  # pragma: no cover
    from trino_tui.client import SegmentSnapshot

LABEL_WIDTH = 14
DEFAULT_WINDOW = 10.0
DONE_GLYPH = "█"
RUNNING_GLYPH = "▒"
EMPTY_GLYPH = "·"


def bar_columns(start: float, end: float, t0: float, seconds_per_col: float,
                columns: int) -> range:
    """Columns covered by ``[start, end]`` on an axis starting at *t0*; at least one column."""
    first = max(0, int((start - t0) / seconds_per_col))
    last = min(columns, max(first + 1, math.ceil((end - t0) / seconds_per_col)))
    return range(first, last)


def timeline_rows(intervals: Sequence[Interval], now: float, window: float, columns: int,
                  workers: Iterable[str] = ()) -> dict[str, list[tuple[str, str | None]]]:
    """Worker name → per-column (glyph, kind) cells; kind None = idle. *workers* get a row even
    when idle. Pure, for tests."""
    t0 = now - window
    seconds_per_col = window / max(1, columns)
    rows: dict[str, list[tuple[str, str | None]]] = {
        name: [(EMPTY_GLYPH, None)] * columns for name in workers}
    for interval in intervals:
        cells = rows.setdefault(interval.worker, [(EMPTY_GLYPH, None)] * columns)
        end = interval.end if interval.end is not None else now
        if end < t0:
            continue
        glyph = DONE_GLYPH if interval.end is not None else RUNNING_GLYPH
        for col in bar_columns(max(interval.start, t0), end, t0, seconds_per_col, columns):
            cells[col] = (glyph, interval.kind)
    return dict(sorted(rows.items(), key=lambda item: worker_sort_key(item[0])))


class PipelineTimeline(Widget):
    """Timeline rows per worker thread plus an axis line ("-10s … now")."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "timeline--label", "timeline--download", "timeline--decode", "timeline--idle",
        "timeline--axis",
    }

    DEFAULT_CSS = """
    PipelineTimeline { height: 1fr; }
    PipelineTimeline > .timeline--label { color: $foreground-muted; }
    PipelineTimeline > .timeline--download { color: $primary-lighten-2; }
    PipelineTimeline > .timeline--decode { color: $accent; }
    PipelineTimeline > .timeline--idle { color: $foreground-muted; }
    PipelineTimeline > .timeline--axis { color: $foreground-muted; }
    """

    def __init__(self, *, window: float = DEFAULT_WINDOW, name: str | None = None,
                 id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.window = window
        self._intervals: list[Interval] = []
        self._known: set[str] = set()  # every worker seen this query: rows stay put when idle
        self._by_segment: dict[int, tuple["SegmentSnapshot", list[Interval]]] = {}
        self._now = 0.0

    @property
    def worker_names(self) -> list[str]:
        """Worker rows currently shown, in display order."""
        return list(timeline_rows(self._intervals, self._now, self.window, 1, self._known))

    def update_segments(self, segments: Sequence["SegmentSnapshot"], now: float,
                        attribution: Attribution | None = None,
                        pools: Mapping[str, int] | None = None) -> None:
        """Recompute intervals from *segments* as of *now*; refresh only on change.

        *attribution(index, kind)* names the thread seen earlier doing that work (see
        pipeline_facts.segment_intervals); work by a thread never seen is placed on an idle
        thread of its pool (*pools*: kind → thread count, see pipeline_facts.place_on_threads).
        Intervals are cached per segment snapshot object."""
        since = now - self.window
        cache, fresh = self._by_segment, {}
        intervals: list[Interval] = []
        for seg in segments:  # segment snapshots are immutable: reuse intervals of the same object
            cached = cache.get(seg.index)
            entry = cached if cached is not None and cached[0] is seg else (
                seg, segment_intervals(seg, attribution))
            fresh[seg.index] = entry
            intervals.extend(i for i in entry[1] if i.end is None or i.end >= since)
        self._by_segment = fresh
        intervals = place_on_threads(intervals, pools or {}, now, self._known)
        if intervals == self._intervals and now == self._now:
            return
        self._intervals, self._now = intervals, now
        self._known.update(i.worker for i in intervals)
        self.refresh()

    def clear(self) -> None:
        """Forget intervals and the worker rows seen (a new query starts)."""
        self._intervals, self._known, self._by_segment = [], set(), {}
        self.refresh()

    def _style(self, part: str) -> Style:
        return self.get_component_rich_style(f"timeline--{part}", partial=True)

    def render(self) -> Text:
        columns = max(1, self.size.width - LABEL_WIDTH - 1)
        rows = timeline_rows(self._intervals, self._now, self.window, columns, self._known)
        if not rows:
            return Text(f"no segment downloads or decodes in the last {self.window:g}s",
                        style=self._style("idle"))
        styles = {None: self._style("idle"), "download": self._style("download"),
                  "decode": self._style("decode")}
        room = max(1, self.size.height - 1)
        names = list(rows)
        shown = names if len(names) <= room else names[: room - 1]
        lines: list[Text] = []
        for name in shown:
            line = Text(f"{name[:LABEL_WIDTH]:<{LABEL_WIDTH}} ", style=self._style("label"))
            for (glyph, kind), run in groupby(rows[name]):
                line.append(glyph * len(list(run)), style=styles[kind])
            lines.append(line)
        if len(shown) < len(names):
            lines.append(Text(f"+{len(names) - len(shown)} more workers", style=self._style("label")))
        axis = Text.assemble((DONE_GLYPH, styles["download"]), (" dl ", self._style("axis")),
                             (DONE_GLYPH, styles["decode"]), (" dec  ", self._style("axis")))
        axis.append(f"-{self.window:g}s".ljust(columns - 3)[: max(0, columns - 3)] + "now",
                    style=self._style("axis"))
        lines.append(axis)
        return Text("\n").join(lines)
