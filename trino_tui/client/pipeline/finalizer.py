"""Finalizer stage: restores stream order and hands ``Batch``es to the consumer.

Runs in the consumer's thread (inside ``Query.batches()``): pulls finished units, keeps at most
K out of order (bounded by the slots), checks row offsets are contiguous, releases the unit's
slot on delivery, advances the decode window and raises a unit's error exactly at its
position in the stream.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Callable

from ..codecs import decode_segment
from ..errors import ProtocolError
from ..events import SegmentState
from .channels import Channel, Slots, WindowedQueue
from .decoder import decode_unit
from .stats import PipelineStats
from .units import Unit


@dataclass
class Batch:
    """An ordered run of rows (wire values) as delivered to the consumer."""

    row_offset: int
    rows: list[list] | None  # None only with ClientConfig.lazy_rows (parse ``payload`` when needed)
    segment: int | None
    payload: bytes | None
    encoding: str | None
    uncompressed_size: int | None
    row_count: int = 0

    def wire_rows(self) -> list[list]:
        """The rows; a lazily delivered batch (``rows is None``) is parsed from its payload first."""
        if self.rows is None:
            assert self.payload is not None and self.encoding is not None
            self.rows = decode_segment(self.payload, self.encoding, self.uncompressed_size, self.row_count)
        return self.rows


class Finalizer:
    """Reorders units by ``seq``; not thread-safe (one consumer thread)."""

    def __init__(
        self, inbox: Channel[Unit], slots: Slots, stats: PipelineStats, window: WindowedQueue[Unit],
        parse_gate: threading.BoundedSemaphore, ack: Callable[[Unit], None], parse: bool = True,
    ) -> None:
        self.inbox = inbox
        self.slots = slots
        self.stats = stats
        self.window = window
        self.parse_gate = parse_gate
        self.ack = ack
        self.parse = parse
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
        if unit.segment is not None and unit.rows is None and not unit.verified and unit.error is None:
            if decode_unit(unit, self.stats, "finalizer", self.parse_gate, self.parse) and unit.spooled:  # safety net
                self.ack(unit)
        if unit.end:
            self.done = True
            self.stats.stage("finalizer", state="done")
            return None
        if unit.error is not None:
            self.done = True
            self.stats.stage("finalizer", state="failed", errors=1)
            raise unit.error
        if unit.row_offset != self._next_offset:
            self.done = True
            raise ProtocolError(
                f"rows {self._next_offset}..{unit.row_offset - 1} are missing from the result "
                f"(next segment starts at rowOffset {unit.row_offset})"
            )
        if unit.verified:  # lazy_rows: the consumer parses the payload when it needs rows
            rows, count = None, unit.rows_count
        else:
            rows = unit.rows or []
            count = len(rows)
        self._next_offset += count
        self.slots.release()
        seg = unit.segment
        if unit.segment_index is not None:
            self.stats.segment(unit.segment_index, SegmentState.DELIVERED, worker="finalizer")
        self.stats.delivered_rows(count)
        self.stats.stage("finalizer", processed=1)
        return Batch(
            row_offset=unit.row_offset, rows=rows, row_count=count, segment=unit.segment_index,
            payload=unit.payload if seg is not None else None, encoding=seg.encoding if seg is not None else None,
            uncompressed_size=seg.uncompressed_size if seg is not None else None,
        )
