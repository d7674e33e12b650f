"""Throughput sparklines (rows per second and bytes per second) over a bounded history of snapshot rates.

Owns the history: at most ``history`` samples per series (a deque), one sample per distinct
snapshot clock value (re-posting the same snapshot adds nothing). Uses Textual's Sparkline, whose
colours come from the theme. UI-thread only.
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widget import Widget
from textual.widgets import Label, Sparkline

from trino_tui.core.formatting import human_count, human_rate

if TYPE_CHECKING:  # pragma: no cover
    from trino_tui.client import PipelineSnapshot

DEFAULT_HISTORY = 120
"""Samples kept per series: 6 s at the 20 Hz update rate."""


class PipelineThroughput(Widget):
    """Two labelled sparklines: rows/s delivered and bytes/s downloaded."""

    DEFAULT_CSS = """
    PipelineThroughput { height: 1fr; min-height: 2; layout: vertical; }
    PipelineThroughput Horizontal { height: 1fr; }
    PipelineThroughput .throughput-name { width: 8; color: $foreground-muted; }
    PipelineThroughput .throughput-value { width: 10; text-align: right; color: $foreground;
                                           text-style: bold; }
    PipelineThroughput Sparkline { width: 1fr; height: 1fr; }
    PipelineThroughput #bytes-spark > .sparkline--max-color { color: $accent; }
    PipelineThroughput #bytes-spark > .sparkline--min-color { color: $accent 30%; }
    """

    def __init__(self, *, history: int = DEFAULT_HISTORY, name: str | None = None,
                 id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.rows_history: deque[float] = deque(maxlen=history)
        self.bytes_history: deque[float] = deque(maxlen=history)
        self._last_now: float | None = None
        self._labels = ("", "")

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield Label("rows", classes="throughput-name")
            yield Sparkline([], id="rows-spark")
            yield Label("", id="rows-value", classes="throughput-value")
        with Horizontal():
            yield Label("bytes", classes="throughput-name")
            yield Sparkline([], id="bytes-spark")
            yield Label("", id="bytes-value", classes="throughput-value")

    def add_sample(self, snap: "PipelineSnapshot") -> None:
        """Append *snap*'s rates once per distinct ``snap.now``; update sparklines and labels."""
        if snap.now == self._last_now:
            return
        self._last_now = snap.now
        self.rows_history.append(max(0.0, snap.rows_per_s))
        self.bytes_history.append(max(0.0, snap.bytes_per_s))
        self._show(f"{human_count(snap.rows_per_s)}/s", human_rate(snap.bytes_per_s, "bytes"))

    def clear(self) -> None:
        """Forget the history (a new query starts)."""
        self.rows_history.clear()
        self.bytes_history.clear()
        self._last_now = None
        self._show("", "")

    def on_mount(self) -> None:
        self._show(*self._labels)

    def _show(self, rows_label: str, bytes_label: str) -> None:
        """Labels are the current rates with their unit ("18.2K/s", "3.40 MB/s")."""
        self._labels = (rows_label, bytes_label)
        if not self.is_mounted:
            return
        self.query_one("#rows-spark", Sparkline).data = list(self.rows_history)
        self.query_one("#bytes-spark", Sparkline).data = list(self.bytes_history)
        self.query_one("#rows-value", Label).update(rows_label)
        self.query_one("#bytes-value", Label).update(bytes_label)
