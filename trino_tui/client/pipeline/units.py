"""Work items flowing through the pipeline.

A ``Unit`` is one position of the ordered result stream: a segment (inline or spooled), a
direct-protocol page, a terminal failure, or the end marker. ``seq`` orders units; stages fill
``payload``/``rows`` as they go. A unit is owned by exactly one stage at a time (no locking).
"""

from __future__ import annotations


from trino_tui.records import record
from ..protocol import SegmentDescriptor


@record(frozen=False)
class Unit:
    seq: int
    row_offset: int
    rows_count: int
    segment_index: int | None = None
    segment: SegmentDescriptor | None = None
    payload: bytes | None = None
    rows: list | None = None
    json: bytes | None = None  # eager decoding: decompressed JSON waiting for its parse permit
    slot_bytes: int = 0  # bytes this unit holds of the in-flight window (Slots)
    redownloaded: bool = False  # a corrupt/truncated payload was fetched a second time
    error: BaseException | None = None
    end: bool = False

    @property
    def spooled(self) -> bool:
        return self.segment is not None and self.segment.kind == "spooled"

    @property
    def weight(self) -> int:
        """Descriptor-queue weight: direct pages carry rows, descriptors are tiny."""
        return 100 if self.rows is not None else 1
