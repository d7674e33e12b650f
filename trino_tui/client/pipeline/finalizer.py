"""Finalizer stage: restores stream order and hands ``Batch``es to the consumer.

Runs in the consumer's thread (inside ``Query.batches()``): pulls finished units, keeps at most
K out of order (bounded by the slots), checks that row ranges are contiguous (a gap or an
overlap is a ``RowRangeError`` naming the rows and the segment), releases the unit's slot on
delivery, advances the decode window and raises a unit's error exactly at its position in the
stream. It never decodes: a unit arrives decoded (eager) or checked (deferred), and the Batch
decodes on demand. Keeps no reference to a delivered batch. Not thread-safe (one consumer).
"""

from __future__ import annotations

from typing import Callable

from ..batch import Batch
from ..errors import RowRangeError
from ..events import SegmentState
from .channels import Channel, Slots, WindowedQueue
from .stats import PipelineStats
from .units import Unit


class Finalizer:
    """Reorders units by ``seq``; not thread-safe (one consumer thread)."""

    def __init__(
        self, inbox: Channel[Unit], slots: Slots, stats: PipelineStats, window: WindowedQueue[Unit], *,
        width: Callable[[], int | None], max_uncompressed: int,
    ) -> None:
        self.inbox = inbox
        self.slots = slots
        self.stats = stats
        self.window = window
        self.width = width
        self.max_uncompressed = max_uncompressed
        self._pending: dict[int, Unit] = {}
        self._next_seq = 0
        self._next_offset = 0
        self.done = False

    def next_batch(self) -> Batch | None:
        """The next ordered batch; None at the end; raises the failure at its position.
        Raises ``channels.Cancelled``/``Closed`` when the pipeline was torn down."""
        if self.done:
            return None
        while self._next_seq not in self._pending:
            unit = self.inbox.get()
            self._pending[unit.seq] = unit
            self.stats.stage("finalizer", state="reordering" if len(self._pending) > 1 else "running")
        unit = self._pending.pop(self._next_seq)
        self._next_seq += 1
        self.window.advance(self._next_seq)
        if unit.end:
            self.done = True
            self.stats.stage("finalizer", state="done")
            return None
        if unit.error is not None:
            self.done = True
            self.stats.stage("finalizer", state="failed", errors=1)
            raise unit.error
        self._check_range(unit)
        self._next_offset += unit.rows_count
        self.slots.release(unit.slot_bytes)
        seg = unit.segment
        if unit.segment_index is not None:
            self.stats.segment(unit.segment_index, SegmentState.DELIVERED, worker="finalizer")
        self.stats.delivered_rows(unit.rows_count)
        self.stats.stage("finalizer", processed=1)
        return Batch(
            row_offset=unit.row_offset, row_count=unit.rows_count, segment=unit.segment_index,
            payload=unit.payload if seg is not None else None, encoding=seg.encoding if seg is not None else None,
            uncompressed_size=seg.uncompressed_size if seg is not None else None,
            _rows=unit.rows, _width=self.width(), _max_uncompressed=self.max_uncompressed,
        )

    def _check_range(self, unit: Unit) -> None:
        if unit.row_offset == self._next_offset:
            return
        self.done = True
        where = f"segment {unit.segment_index}" if unit.segment_index is not None else "a result page"
        if unit.row_offset < self._next_offset:
            raise RowRangeError(
                f"{where} starts at rowOffset {unit.row_offset}, overlapping rows {unit.row_offset}.."
                f"{self._next_offset - 1} already delivered")
        raise RowRangeError(
            f"rows {self._next_offset}..{unit.row_offset - 1} are missing from the result "
            f"({where} starts at rowOffset {unit.row_offset})")
