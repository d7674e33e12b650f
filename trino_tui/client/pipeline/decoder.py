"""Decoder stage: M threads decompressing and parsing segments, then queueing the ack.

Decompression (zstd/lz4) releases the GIL; orjson parsing does not but runs ~2x faster with
the cyclic GC paused, so parsing happens inside ``gc_paused()`` (a process-wide, reference
counted pause that restores the previous GC state when the last decoder leaves). Row counts
are checked against ``rowsCount``; failures travel to the finalizer as the unit's error.
"""

from __future__ import annotations

import gc
import threading
from contextlib import contextmanager
from typing import Callable, Iterator

from ..codecs import get_codec, parse_rows
from ..errors import SegmentCorrupt, TrinoTuiError
from ..events import SegmentState
from .channels import CancelToken, Cancelled, Channel, Closed
from .stats import PipelineStats
from .units import Unit

_gc_lock = threading.Lock()
_gc_depth = 0
_gc_was_enabled = False


@contextmanager
def gc_paused() -> Iterator[None]:
    """Disable the cyclic GC while any thread is inside; restore it afterwards."""
    global _gc_depth, _gc_was_enabled
    with _gc_lock:
        if _gc_depth == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _gc_depth += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_depth -= 1
            if _gc_depth == 0 and _gc_was_enabled:
                gc.enable()


class Decoder:
    """One decode worker (thread body in ``run``)."""

    def __init__(
        self, name: str, inbox: Channel[Unit], results: Channel[Unit], stats: PipelineStats,
        cancel: CancelToken, ack: Callable[[Unit], None],
    ) -> None:
        self.name = name
        self.inbox = inbox
        self.results = results
        self.stats = stats
        self.cancel = cancel
        self.ack = ack

    def run(self) -> None:
        try:
            while True:
                unit = self.inbox.get()
                self.stats.stage("decoders", busy=1, state="decoding")
                try:
                    self._decode(unit)
                finally:
                    self.stats.stage("decoders", busy=-1, processed=1, state="running")
                self.results.put(unit)
        except (Closed, Cancelled):
            pass
        finally:
            self.results.producer_done()

    def _decode(self, unit: Unit) -> None:
        seg = unit.segment
        assert seg is not None and unit.payload is not None
        index = unit.segment_index if unit.segment_index is not None else -1
        self.stats.segment(index, SegmentState.DECODING, worker=self.name)
        try:
            codec = get_codec(seg.encoding)
            data = codec.decompress(unit.payload, seg.segment_size, seg.uncompressed_size)
            with gc_paused():
                unit.rows = parse_rows(data, seg.rows_count)
        except SegmentCorrupt as exc:
            unit.error = SegmentCorrupt(str(exc), index=index)
        except TrinoTuiError as exc:
            unit.error = exc
        if unit.error is not None:
            self.stats.stage("decoders", errors=1)
            self.stats.segment(index, SegmentState.FAILED, worker=self.name, detail=str(unit.error))
            return
        self.stats.segment(index, SegmentState.DECODED, worker=self.name, nbytes=len(data))
        if seg.kind == "spooled":
            self.ack(unit)
