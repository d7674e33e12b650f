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

from trino_tui.tui.widgets.pipeline_facts import DONE, TERMINAL_STATES, display_state

if TYPE_CHECKING:  # pragma: no cover
    from trino_tui.client.events import PipelineSnapshot, SegmentSnapshot

Cell = tuple[str | None, str]
"""(kind or None when never seen, display state)."""


class SegmentLedger:
    """Cumulative per-segment state for one query; ``reset`` for the next query."""

    def __init__(self) -> None:
        self._latest: dict[int, "SegmentSnapshot"] = {}
        self._cells: dict[int, Cell] = {}
        self._active: set[int] = set()
        self._workers: dict[tuple[int, str], str] = {}
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

    def update(self, snap: "PipelineSnapshot") -> dict[int, Cell]:
        """Absorb *snap*; return the cells that changed (new indexes included), by index."""
        changed: dict[int, Cell] = {}
        present: set[int] = set()
        for seg in snap.segments:
            present.add(seg.index)
            if self._latest.get(seg.index) is seg:
                continue  # the client caches unchanged segment snapshots
            self._latest[seg.index] = seg
            if seg.worker:
                kind = "download" if seg.worker.startswith("download") else "decode"
                self._workers[(seg.index, kind)] = seg.worker
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
