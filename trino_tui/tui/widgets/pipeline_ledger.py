"""Segment ledger: the panel's memory of every segment across snapshots (pure, no Textual).

The client's snapshot lists active segments plus only the most recent finished ones, and the
panel may be opened mid-query, so the map cannot be drawn from one snapshot. The ledger keeps
the last SegmentSnapshot seen per index, the worker threads seen downloading/decoding it, and
the map cell (kind, display state) of every index below the total. An update costs
O(segments in the snapshot + active segments), not O(all segments), and returns only the cells
that changed. Indexes never seen, or active ones that vanished from the snapshot, are "done"
(the client lists every non-finished segment). UI-thread only (not locked).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from trino_tui.tui.widgets.pipeline_facts import (
    DONE,
    TERMINAL_STATES,
    display_state,
    final_host,
    retrieval_mode,
    segment_route,
    summarize_routes,
)

if TYPE_CHECKING:  # pragma: no cover
    from trino_tui.client import PipelineSnapshot, SegmentSnapshot

Cell = tuple[str | None, str]
"""(kind or None when never seen, display state)."""


class SegmentLedger:
    """Cumulative per-segment state for one query; ``reset`` for the next query."""

    def __init__(self) -> None:
        self._latest: dict[int, "SegmentSnapshot"] = {}
        self._cells: dict[int, Cell] = {}
        self._active: set[int] = set()
        self._workers: dict[tuple[int, str], str] = {}
        self._timed: dict[int, "SegmentSnapshot"] = {}  # segments with download/decode times
        self._routed: set[int] = set()  # spooled segments whose finished download was tallied
        self._route_hosts: dict[str, set[str]] = {}
        self.total = 0

    def reset(self) -> None:
        """Forget everything (a new query)."""
        self.__init__()

    def get(self, index: int) -> "SegmentSnapshot | None":
        """The last snapshot seen of segment *index*, or None if never seen."""
        return self._latest.get(index)

    def cell(self, index: int) -> Cell | None:
        """The map cell of *index* (None beyond the total)."""
        return self._cells.get(index)

    def worker_for(self, index: int, kind: str) -> str | None:
        """The thread seen doing *kind* ("download"/"decode") work on segment *index*."""
        return self._workers.get((index, kind))

    def retrieval_mode(self, snap: "PipelineSnapshot", coordinator_host: str | None = None) -> str:
        """Retrieval mode over every finished download seen (incremental), else from *snap*."""
        if snap.protocol == "direct" or not self._route_hosts:
            return retrieval_mode(snap, coordinator_host)
        return summarize_routes(self._route_hosts)

    def timed_segments(self, since: float) -> list["SegmentSnapshot"]:
        """Segments with download/decode work still running or ending at/after *since*."""
        def over(start: float | None, end: float | None) -> bool:
            return start is None or (end is not None and end < since)

        for index, seg in list(self._timed.items()):
            if over(seg.download_start, seg.download_end) and over(seg.decode_start, seg.decode_end):
                del self._timed[index]
        return list(self._timed.values())

    def update(self, snap: "PipelineSnapshot", coordinator_host: str | None = None) -> dict[int, Cell]:
        """Absorb *snap*; return the cells that changed (new indexes included), by index.

        *coordinator_host* classifies routes of finished downloads (see pipeline_facts)."""
        changed: dict[int, Cell] = {}
        present: set[int] = set()
        for seg in snap.segments:
            present.add(seg.index)
            if self._latest.get(seg.index) is seg:
                continue  # the client caches unchanged segment snapshots
            self._latest[seg.index] = seg
            for kind in ("download", "decode"):
                if seg.worker and seg.worker.startswith(kind):
                    self._workers[(seg.index, kind)] = seg.worker
            if seg.download_start is not None or seg.decode_start is not None:
                self._timed[seg.index] = seg
            if (seg.kind == "spooled" and seg.download_end is not None
                    and seg.index not in self._routed):
                self._routed.add(seg.index)
                route = segment_route(seg, coordinator_host)
                self._route_hosts.setdefault(route, set()).add(final_host(seg))
            self._set(seg.index, (seg.kind, display_state(seg)), changed)
        for index in list(self._active - present):
            kind = self._cells[index][0]
            self._set(index, (kind, DONE), changed)
        top = max(snap.segments_total, max(present) + 1 if present else 0)
        for index in range(self.total, top):
            if index not in self._cells:
                self._set(index, (None, DONE), changed)
        self.total = max(self.total, top)
        return changed

    def _set(self, index: int, cell: Cell, changed: dict[int, Cell]) -> None:
        if self._cells.get(index) == cell:
            return
        self._cells[index] = cell
        changed[index] = cell
        if cell[1] in TERMINAL_STATES:
            self._active.discard(index)
        else:
            self._active.add(index)
