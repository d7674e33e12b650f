"""The live spooling pipeline panel: header facts, stage boxes, segment map + detail, throughput, timeline.

Owns the composition of the pipeline_* widgets and the fan-out of each PipelineSnapshot to them,
the selected segment, the live bottleneck verdict (trino_tui.insight.verdict over recent
snapshots), and the ``SegmentSelected`` message. ``update_snapshot`` is cheap at 20 Hz
with thousands of segments: every child compares what it shows and refreshes only on change (the
segment map only the rows that changed). A new query (a different ``started_at``) resets the
segment ledger, the throughput history and the selection. UI-thread only: pipeline threads never call this; the
app's bridge posts snapshots as messages. The snapshot lists only active and recently finished
segments; the panel's SegmentLedger remembers the rest.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widget import Widget

from trino_tui.insight.provenance import Provenance, RowOrigin
from trino_tui.insight.verdict import BALANCED, VerdictHistory
from trino_tui.tui.widgets.pipeline_facts import pool_sizes, query_outcome, settled_stages
from trino_tui.tui.widgets.pipeline_header import PipelineHeader
from trino_tui.tui.widgets.pipeline_ledger import SegmentLedger
from trino_tui.tui.widgets.pipeline_segment_detail import PipelineSegmentDetail
from trino_tui.tui.widgets.pipeline_segment_map import PipelineSegmentMap
from trino_tui.tui.widgets.pipeline_stages import PipelineStages
from trino_tui.tui.widgets.pipeline_throughput import DEFAULT_HISTORY, PipelineThroughput
from trino_tui.tui.widgets.pipeline_timeline import DEFAULT_WINDOW, PipelineTimeline

if TYPE_CHECKING:  # pragma: no cover
    from trino_tui.client import PipelineSnapshot


class PipelinePanel(Widget):
    """Everything about the running query's pipeline, fed by ``update_snapshot``."""

    DEFAULT_CSS = """
    PipelinePanel { layout: vertical; height: 1fr; overflow-y: auto; }
    PipelinePanel #pipeline-middle { height: 1fr; min-height: 8; }
    PipelinePanel #pipeline-bottom { height: 1fr; min-height: 6; max-height: 13; }
    PipelinePanel .pipeline-box {
        border: round $foreground-muted; border-title-color: $foreground;
        padding: 0 1;
    }
    PipelinePanel .pipeline-box:focus-within { border: round $accent; }
    PipelinePanel PipelineSegmentMap { width: 1fr; }
    PipelinePanel #pipeline-detail-box { width: 48; }
    PipelinePanel #pipeline-throughput-box { width: 40; height: 1fr; }
    PipelinePanel #pipeline-timeline-box { width: 1fr; }
    PipelinePanel.-narrow #pipeline-middle, PipelinePanel.-narrow #pipeline-bottom {
        layout: vertical; height: auto; max-height: initial;
    }
    PipelinePanel.-narrow PipelineSegmentMap { width: 1fr; height: 14; }
    PipelinePanel.-narrow #pipeline-detail-box { width: 1fr; height: 18; }
    PipelinePanel.-narrow #pipeline-throughput-box { width: 1fr; height: 8; }
    PipelinePanel.-narrow #pipeline-timeline-box { width: 1fr; height: 13; }
    """

    NARROW_WIDTH = 100
    """Below this width the boxes stack vertically and the panel scrolls."""

    class SegmentSelected(Message):
        """The user selected segment *index* (SegmentSnapshot.index) in the segment map."""

        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    class JumpToRow(Message):
        """Enter on segment *segment* in the map: show result row *row* (its first row)."""

        def __init__(self, row: int, segment: int) -> None:
            super().__init__()
            self.row = row
            self.segment = segment

    def __init__(self, *, coordinator_host: str | None = None, history: int = DEFAULT_HISTORY,
                 timeline_window: float = DEFAULT_WINDOW, name: str | None = None,
                 id: str | None = None, classes: str | None = None) -> None:
        """*coordinator_host* ("host:port" of the server) lets the panel tell coordinator proxy
        from direct storage; without it redirects are still recognised from the hops."""
        super().__init__(name=name, id=id, classes=classes)
        self.coordinator_host = coordinator_host
        self._history = history
        self._window = timeline_window
        self._snapshot: "PipelineSnapshot | None" = None
        self._query_key: tuple | None = None
        self._selected: int | None = None
        self._outcome: str | None = None
        self._told_outcome: str | None = None  # the caller's outcome, kept for this query
        self._verdicts = VerdictHistory()
        self.provenance = Provenance()
        """Row ⇄ segment provenance of the current query: fed from the snapshots' delivered
        segments; a consumer may also feed delivered batches (``add_batch``, any thread)."""
        self._verdict_text: str | None = None
        self.ledger = SegmentLedger()
        """Every segment seen during the current query (the snapshot lists only recent ones)."""

    @property
    def snapshot(self) -> "PipelineSnapshot | None":
        """The snapshot last given to update_snapshot."""
        return self._snapshot

    @property
    def selected_index(self) -> int | None:
        """Index of the selected segment, or None."""
        return self._selected

    def compose(self) -> ComposeResult:
        yield PipelineHeader(id="pipeline-header")
        yield PipelineStages(id="pipeline-stages")
        with Horizontal(id="pipeline-middle"):
            segment_map = PipelineSegmentMap(id="pipeline-map", classes="pipeline-box")
            segment_map.border_title = "segments"
            yield segment_map
            with Vertical(id="pipeline-detail-box", classes="pipeline-box") as detail_box:
                detail_box.border_title = "segment detail"
                yield PipelineSegmentDetail(id="pipeline-detail")
        with Horizontal(id="pipeline-bottom"):
            with Vertical(id="pipeline-throughput-box", classes="pipeline-box") as box:
                box.border_title = "throughput"
                yield PipelineThroughput(history=self._history, id="pipeline-throughput")
            with Vertical(id="pipeline-timeline-box", classes="pipeline-box") as box:
                box.border_title = f"workers · last {self._window:g}s"
                yield PipelineTimeline(window=self._window, id="pipeline-timeline")

    def on_mount(self) -> None:
        ledger = self.ledger
        cells = {i: ledger.cell(i) for i in range(ledger.total)}
        self.query_one(PipelineSegmentMap).update_cells(cells, ledger.total)
        if self._snapshot is not None:
            self._apply(self._snapshot)

    def on_resize(self, event: events.Resize) -> None:
        self.set_class(event.size.width < self.NARROW_WIDTH, "-narrow")

    @property
    def outcome(self) -> str | None:
        """How the shown query ended (finished/failed/cancelled/stopped), None while running."""
        return self._outcome

    def update_snapshot(self, snap: "PipelineSnapshot | None", *, outcome: str | None = None) -> None:
        """Show *snap* (None clears the panel). Cheap; call at up to 20 Hz.

        *outcome* is how the query ended when the caller knows it ("stopped" vs "cancelled"
        cannot be read from a snapshot alone); see pipeline_facts.query_outcome."""
        key = None if snap is None else (snap.started_at,)  # the id arrives after the first snapshot
        new_query = key != self._query_key
        if new_query:
            self._query_key = key
            self._selected = None
            self._told_outcome = None
            self.ledger.reset()
            self.provenance.reset()
        changes = self.ledger.update(snap, self.coordinator_host) if snap is not None else {}
        if snap is not None:
            self.provenance.update_segments(snap.segments, delivered_ranges=True)
        self._snapshot = snap
        self._told_outcome = outcome or self._told_outcome
        self._outcome = query_outcome(snap, self._told_outcome)
        found = self._verdicts.add(snap) if snap is not None and self._outcome is None else None
        self._verdict_text = found.text if found is not None and found.kind != BALANCED else None
        if self.is_mounted:
            if new_query:
                self.query_one(PipelineThroughput).clear()
                self.query_one(PipelineSegmentMap).clear()
                self.query_one(PipelineTimeline).clear()
            self.query_one(PipelineSegmentMap).update_cells(changes, self.ledger.total)
            self._apply(snap)

    @property
    def verdict(self) -> str | None:
        """The live bottleneck verdict shown (trino_tui.insight.verdict), or None."""
        return self._verdict_text

    def _provenance_text(self, snap: "PipelineSnapshot | None") -> str | None:
        """"rows 0–N from segments 0–k; M never fetched" once a spooled query stopped early."""
        if snap is None or snap.protocol != "spooled" or self._outcome in (None, "finished"):
            return None
        return self.provenance.summary(snap.segments_total)

    def row_origin(self, row: int) -> RowOrigin | None:
        """Which segment (or direct page) delivered result row *row*."""
        return self.provenance.lookup(row)

    def show_row(self, row: int) -> RowOrigin | None:
        """Select the segment that delivered *row* in the map (its detail shows); returns it."""
        origin = self.provenance.lookup(row)
        if origin is not None and origin.segment is not None and self.is_mounted:
            self.select_segment(origin.segment)
        return origin

    def first_row_of(self, index: int) -> int | None:
        """The first result row of segment *index*, when known."""
        return self.provenance.first_row(index)

    def on_pipeline_segment_map_chosen(self, message: PipelineSegmentMap.Chosen) -> None:
        message.stop()
        row = self.first_row_of(message.index)
        if row is not None:
            self.post_message(self.JumpToRow(row, message.index))

    def set_outcome(self, outcome: str) -> None:
        """Tell the panel how the current query ended ("stopped", "cancelled", ...)."""
        self.update_snapshot(self._snapshot, outcome=outcome)

    def _apply(self, snap: "PipelineSnapshot | None") -> None:
        retrieval = self.ledger.retrieval_mode(snap, self.coordinator_host) if snap else None
        self.query_one(PipelineHeader).update_snapshot(snap, self.coordinator_host,
                                                       retrieval=retrieval, outcome=self._outcome,
                                                       verdict=self._verdict_text,
                                                       provenance=self._provenance_text(snap))
        self.query_one(PipelineStages).update_stages(
            settled_stages(snap.stages, self._outcome) if snap is not None else ())
        segment_map = self.query_one(PipelineSegmentMap)
        segment_map.border_subtitle = (
            f"{snap.segments_acked}/{snap.segments_total} acked" if snap is not None else "")
        segment_map.border_title = ("segments · none: direct protocol"
                                    if snap is not None and snap.protocol == "direct" else "segments")
        if snap is not None:
            self.query_one(PipelineThroughput).add_sample(snap)
        timeline = self.query_one(PipelineTimeline)
        now = snap.now if snap is not None else 0.0
        timeline.update_segments(self.ledger.timed_segments(now - timeline.window), now,
                                 self.ledger.worker_for,
                                 pool_sizes(snap.stages) if snap is not None else None)
        self._show_detail()

    def _show_detail(self) -> None:
        snap = self._snapshot
        index = self._selected if snap is not None else None
        segment = self.ledger.get(index) if index is not None else None
        self.query_one(PipelineSegmentDetail).show(
            segment, snap.now if snap is not None else 0.0, self.coordinator_host, index=index)

    def select_segment(self, index: int) -> None:
        """Select segment *index* programmatically (moves the map cursor, shows the detail)."""
        self.query_one(PipelineSegmentMap).select_index(index)

    def on_pipeline_segment_map_selected(self, message: PipelineSegmentMap.Selected) -> None:
        message.stop()
        self._selected = message.index
        self._show_detail()
        self.post_message(self.SegmentSelected(message.index))
