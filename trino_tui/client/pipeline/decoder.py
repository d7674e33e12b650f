"""Decoder stage: M threads decompressing and parsing segments, then queueing the ack.

Decompression (zstd/lz4) releases the GIL; orjson releases it only while building its
document tree, and runs ~2x faster with the cyclic GC paused, so parsing happens inside
``gc_paused()`` and the window's parse gate (a process-wide, reference
counted pause that restores the previous GC state when the last decoder leaves). Row counts
are checked against ``rowsCount``; failures travel to the finalizer as the unit's error.
Only units inside the decode ``Window`` are decoded here (memory bound); the others pass
through still encoded and the finalizer decodes them with ``decode_unit`` when they come up.
"""

from __future__ import annotations

import gc
import threading
from contextlib import contextmanager
from typing import Callable, Iterator

from ..codecs import get_codec, parse_rows
from ..errors import SegmentCorrupt, TrinoTuiError
from ..events import SegmentState
from .channels import CancelToken, Cancelled, Channel, Closed, Window
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
        cancel: CancelToken, ack: Callable[[Unit], None], window: Window,
    ) -> None:
        self.name = name
        self.inbox = inbox
        self.results = results
        self.stats = stats
        self.cancel = cancel
        self.ack = ack
        self.window = window

    def run(self) -> None:
        try:
            while True:
                unit = self.inbox.get()
                if self.window.within(unit.seq):
                    self.stats.stage("decoders", busy=1, state="decoding")
                    try:
                        ok = decode_unit(unit, self.stats, self.name, self.window)
                    finally:
                        self.stats.stage("decoders", busy=-1, processed=1, errors=0 if ok else 1, state="idle")
                    if ok and unit.spooled:
                        self.ack(unit)
                self.results.put(unit)
        except (Closed, Cancelled):
            pass
        finally:
            self.results.producer_done()
            self.stats.worker_exit("decoders")


def decode_unit(unit: Unit, stats: PipelineStats, worker: str, window: Window) -> bool:
    """Decompress + parse ``unit.payload`` into ``unit.rows`` (or set ``unit.error``)."""
    seg = unit.segment
    assert seg is not None and unit.payload is not None
    index = unit.segment_index if unit.segment_index is not None else -1
    stats.segment(index, SegmentState.DECODING, worker=worker)
    data = b""
    try:
        data = get_codec(seg.encoding).decompress(unit.payload, seg.segment_size, seg.uncompressed_size)
        with window.parsing(), gc_paused():
            unit.rows = parse_rows(data, seg.rows_count)
    except SegmentCorrupt as exc:
        unit.error = SegmentCorrupt(str(exc), index=index)
    except TrinoTuiError as exc:
        unit.error = exc
    if unit.error is not None:
        stats.segment(index, SegmentState.FAILED, worker=worker, detail=str(unit.error))
        return False
    stats.segment(index, SegmentState.DECODED, worker=worker, nbytes=len(data))
    return True
