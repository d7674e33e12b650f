"""Decoder stage: M threads decompressing and parsing segments, then queueing the ack.

Decoders take units from the ``WindowedQueue`` (only the next ``decode_window`` positions, so
decoded rows waiting for the consumer stay bounded). Decompression (zstd/lz4) releases the GIL;
orjson releases it while building its document tree (~3x the JSON size, transient), so at most
``parallel_parses`` parses run at once (the parse gate). Parsing runs with the cyclic GC
paused, and the freshly parsed rows are moved out of the collector's young generations
(``gc.freeze``) so that later collections do not traverse millions of short-lived row lists;
``gc_hold``/``gc_release`` bracket a pipeline's life and unfreeze when the last one ends.
Row counts are checked against ``rowsCount``; failures travel to the finalizer as the unit's
error. With ``parse=False`` (``ClientConfig.lazy_rows``) a segment is only decompressed and
size-checked; ``unit.rows`` stays None and the consumer parses the payload when it needs rows.
"""

from __future__ import annotations

import gc
import threading
from contextlib import contextmanager
from typing import Callable, Iterator

from ..codecs import get_codec, parse_rows
from ..errors import SegmentCorrupt, TrinoTuiError
from ..events import SegmentState
from .channels import CancelToken, Cancelled, Channel, Closed, WindowedQueue
from .stats import PipelineStats
from .units import Unit

_gc_lock = threading.Lock()
_gc_depth = 0  # threads currently parsing
_gc_was_enabled = False
_gc_pipelines = 0  # live pipelines (gc_hold/gc_release)
_gc_froze = False


@contextmanager
def gc_paused() -> Iterator[None]:
    """Disable the cyclic GC while any thread parses; freeze the new objects afterwards."""
    global _gc_depth, _gc_was_enabled, _gc_froze
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
            if _gc_depth == 0:
                if _gc_pipelines > 0:
                    gc.freeze()
                    _gc_froze = True
                if _gc_was_enabled:
                    gc.enable()


def gc_hold() -> None:
    """A pipeline starts: parsed rows may be frozen until ``gc_release``."""
    global _gc_pipelines
    with _gc_lock:
        _gc_pipelines += 1


def gc_release() -> None:
    """A pipeline ended; the last one unfreezes, so frozen objects become collectable again."""
    global _gc_pipelines, _gc_froze
    with _gc_lock:
        _gc_pipelines -= 1
        if _gc_pipelines == 0 and _gc_froze:
            gc.unfreeze()
            _gc_froze = False


class Decoder:
    """One decode worker (thread body in ``run``)."""

    def __init__(
        self, name: str, inbox: WindowedQueue[Unit], results: Channel[Unit], stats: PipelineStats,
        cancel: CancelToken, ack: Callable[[Unit], None], parse_gate: threading.BoundedSemaphore,
        parse: bool = True,
    ) -> None:
        self.name = name
        self.inbox = inbox
        self.results = results
        self.stats = stats
        self.cancel = cancel
        self.ack = ack
        self.parse_gate = parse_gate
        self.parse = parse

    def run(self) -> None:
        try:
            while True:
                unit = self.inbox.get()
                self.stats.stage("decoders", busy=1)
                ok = False
                try:
                    ok = decode_unit(unit, self.stats, self.name, self.parse_gate, self.parse)
                finally:
                    self.stats.stage("decoders", busy=-1, processed=1, errors=0 if ok else 1)
                if ok and unit.spooled:
                    self.ack(unit)
                self.results.put(unit)
        except (Closed, Cancelled):
            pass
        finally:
            self.results.producer_done()
            self.stats.worker_exit("decoders")


def decode_unit(
    unit: Unit, stats: PipelineStats, worker: str, parse_gate: threading.BoundedSemaphore, parse: bool = True,
) -> bool:
    """Decompress + parse ``unit.payload`` into ``unit.rows`` (or set ``unit.error``).

    With ``parse=False`` the payload is only decompressed and size-checked (``unit.verified``)."""
    seg = unit.segment
    assert seg is not None and unit.payload is not None
    index = unit.segment_index if unit.segment_index is not None else -1
    stats.segment(index, SegmentState.DECODING, worker=worker)
    data = b""
    try:
        data = get_codec(seg.encoding).decompress(unit.payload, seg.segment_size, seg.uncompressed_size)
        if parse:
            with parse_gate, gc_paused():
                unit.rows = parse_rows(data, seg.rows_count)
        else:
            unit.verified = True
    except SegmentCorrupt as exc:
        unit.error = SegmentCorrupt(str(exc), index=index)
    except TrinoTuiError as exc:
        unit.error = exc
    if unit.error is not None:
        stats.segment(index, SegmentState.FAILED, worker=worker, detail=str(unit.error))
        return False
    stats.segment(index, SegmentState.DECODED, worker=worker, nbytes=len(data))
    return True
