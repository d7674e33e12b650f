"""Segment detail: metadata, route, redacted headers, timings, retries and errors of one segment.

Owns the rendering of a single SegmentSnapshot chosen in the segment map. Header *values* are
never shown (every value renders as ``***`` whatever the snapshot holds). Re-renders only when the
segment or, for a segment still in flight, the clock changed. UI-thread only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual.widget import Widget

from trino_tui.core.formatting import UNKNOWN, human_bytes, human_ms, human_ratio
from trino_tui.tui.widgets.pipeline_facts import (
    distinct_hops,
    host_of,
    redacted_headers,
    rows_text,
    scrub_urls,
    segment_route,
    segment_timings,
    state_name,
)

if TYPE_CHECKING:  # pragma: no cover
    from trino_tui.client import SegmentSnapshot

_SETTLED = {"acked", "failed"}


class PipelineSegmentDetail(Widget):
    """Key/value view of the selected segment (placeholder text when none is selected)."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "segment-detail--title", "segment-detail--key", "segment-detail--value",
        "segment-detail--muted", "segment-detail--error",
    }

    DEFAULT_CSS = """
    PipelineSegmentDetail { height: 1fr; }
    PipelineSegmentDetail > .segment-detail--title { color: $accent; text-style: bold; }
    PipelineSegmentDetail > .segment-detail--key { color: $foreground-muted; }
    PipelineSegmentDetail > .segment-detail--value { color: $foreground; }
    PipelineSegmentDetail > .segment-detail--muted { color: $foreground-muted; }
    PipelineSegmentDetail > .segment-detail--error { color: $error; text-style: bold; }
    """

    def __init__(self, *, name: str | None = None, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._segment: "SegmentSnapshot | None" = None
        self._now = 0.0
        self._coordinator_host: str | None = None
        self._index: int | None = None

    @property
    def segment(self) -> "SegmentSnapshot | None":
        """The segment shown, or None."""
        return self._segment

    def show(self, segment: "SegmentSnapshot | None", now: float,
             coordinator_host: str | None = None, *, index: int | None = None) -> None:
        """Show *segment* as of clock *now*; skips the refresh when nothing visible changed.

        *index* without a segment: that segment was selected but its details were never seen
        (it finished before the panel was watching)."""
        moving = segment is not None and state_name(segment.state) not in _SETTLED
        if (segment == self._segment and coordinator_host == self._coordinator_host
                and index == self._index and (not moving or now == self._now)):
            return
        self._segment, self._now, self._coordinator_host = segment, now, coordinator_host
        self._index = index
        self.refresh()

    def _style(self, part: str) -> Style:
        return self.get_component_rich_style(f"segment-detail--{part}", partial=True)

    def render(self) -> Table | Text:
        seg = self._segment
        if seg is None and self._index is not None:
            return Text(f"segment {self._index} finished before the panel was watching; "
                        "its details were not kept.", style=self._style("muted"))
        if seg is None:
            return Text("Select a segment in the map (arrows or click) to see its details.",
                        style=self._style("muted"))
        key, value, error = self._style("key"), self._style("value"), self._style("error")
        table = Table.grid(padding=(0, 1))
        table.add_column(style=key, no_wrap=True)
        table.add_column(style=value, overflow="fold")
        retry = f" · retry {seg.retries}" if seg.retries else ""
        table.title = f"segment {seg.index} · {seg.kind} · {state_name(seg.state)}{retry}"
        table.title_style = self._style("title")
        table.title_justify = "left"
        table.add_row("rows", f"{rows_text(seg.rows)} from row {seg.row_offset:,}")
        compressed = seg.uncompressed_size is not None
        size = human_bytes(seg.segment_size)
        if compressed:
            size += (f" → {human_bytes(seg.uncompressed_size)} "
                     f"({human_ratio(seg.uncompressed_size, seg.segment_size)})")
        table.add_row("size", size)
        if seg.kind == "spooled":
            table.add_row("expires", seg.expires_at or UNKNOWN)
            table.add_row("host", host_of(seg.url_host) if seg.url_host else UNKNOWN)
            route = segment_route(seg, self._coordinator_host)
            in_flight = seg.download_end is None and state_name(seg.state) != "failed"
            table.add_row("route", f"{route} (so far)" if in_flight and seg.hops else route)
            hops = distinct_hops(seg.hops)
            table.add_row("hops", " → ".join(hops) if hops else UNKNOWN)
            headers = redacted_headers(seg.headers)
            table.add_row("headers", "\n".join(f"{k}: {v}" for k, v in headers) if headers else "none")
        timings = segment_timings(seg, self._now)
        table.add_row("timings", " → ".join(
            f"{t.label} {human_ms(t.seconds)}" for t in timings if t.seconds is not None) or UNKNOWN)
        table.add_row("worker", seg.worker or UNKNOWN)
        table.add_row("retries", str(seg.retries), style=error if seg.retries else None)
        if seg.error:
            table.add_row("error", Text(scrub_urls(seg.error), style=error))
        if seg.ack_error:
            table.add_row("ack", Text(scrub_urls(seg.ack_error), style=error))
        return table
