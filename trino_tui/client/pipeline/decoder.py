"""Decoder stage: M threads turning segment payloads into rows, then queueing the ack.

Decoders take units from the ``WindowedQueue``: only the next ``decode_window`` positions.
``decode="eager"``: decompress (``codecs.decompress_reusing``, into this thread's reused buffer; releases
the GIL, so decoders decompress in parallel), then parse (``parse_rows``; the two halves of ``decode_payload``: one decompression)
once the unit has its parse permit -- the next unit always, others only within the queue's
decoded-ahead byte budget; without one the decompressed unit is queued back as ready. orjson
parses under the parse gate, at most ``parallel_parses`` at once, GC paused (see gcpolicy).
``decode="deferred"``: only the cheap ``check_declared`` checks run here (no decompression); the
consumer's ``Batch.wire_rows()`` decodes. A corrupt spooled segment is downloaded once more
(``redownload``) before it fails. Failures travel to the finalizer as the unit's error. Thread
body in ``run``; a unit is referenced only inside ``_handle``, so a decoder waiting for work keeps
no decoded rows alive."""

from __future__ import annotations

import threading
from typing import Callable

from ..codecs import check_declared, decompress_reusing, parse_rows
from ..errors import SegmentCorrupt, SegmentTooLarge, TrinoTuiError
from ..events import SegmentState
from .channels import CancelToken, Cancelled, Channel, Closed, WindowedQueue
from .stats import PipelineStats
from .units import Unit

DONE, FAILED, REQUEUED = "done", "failed", "requeued"
Redownload = Callable[[Unit, str], bool]  # fetch the unit's payload again; False if that failed


class Decoder:
    """One decode worker (thread body in ``run``)."""

    def __init__(
        self, name: str, inbox: WindowedQueue[Unit], results: Channel[Unit], stats: PipelineStats,
        cancel: CancelToken, ack: Callable[[Unit], None], parse_gate: threading.BoundedSemaphore, *,
        eager: bool, max_uncompressed: int, width: Callable[[], int | None], redownload: Redownload,
    ) -> None:
        self.name = name
        self.inbox = inbox
        self.results = results
        self.stats = stats
        self.cancel = cancel
        self.ack = ack
        self.parse_gate = parse_gate
        self.eager = eager
        self.max_uncompressed = max_uncompressed
        self.width = width
        self.redownload = redownload
        self._spare: bytearray | None = None  # this thread's reusable decompression buffer

    def run(self) -> None:
        try:
            while True:
                self._handle(self.inbox.get())  # no local keeps the unit (its rows) alive while we wait
        except (Closed, Cancelled):
            pass
        finally:
            self.results.producer_done()
            self.stats.worker_exit("decoders")

    def _handle(self, unit: Unit) -> None:
        self.stats.stage("decoders", busy=1)
        outcome = FAILED
        try:
            outcome = self.decode(unit)
        finally:
            self.stats.stage("decoders", busy=-1, processed=0 if outcome == REQUEUED else 1,
                             errors=1 if outcome == FAILED else 0)
        if outcome == REQUEUED:
            return
        if outcome == DONE and unit.spooled:
            self.ack(unit)
        self.results.put(unit)

    def decode(self, unit: Unit) -> str:
        """Check (and in eager mode decompress, then parse) ``unit.payload``: DONE, FAILED (with
        ``unit.error``) or REQUEUED (decompressed; queued back until it gets its parse permit)."""
        index = unit.segment_index if unit.segment_index is not None else -1
        if unit.json is None:
            self.stats.segment(index, SegmentState.DECODING, worker=self.name)
        while True:
            try:
                if unit.json is None:
                    self._prepare(unit, index)
                    if not self.eager:
                        break
                    if not self.inbox.may_parse(unit.seq, unit.slot_bytes):
                        self.inbox.put(unit, unit.seq, unit.slot_bytes, ready=True)
                        return REQUEUED
                self._parse(unit, index)
                break
            except SegmentCorrupt as exc:
                unit.json = None
                if isinstance(exc, SegmentTooLarge) or not unit.spooled or unit.redownloaded:
                    return self._failed(unit, index, exc)
                unit.redownloaded = True
                if not self.redownload(unit, str(exc)):
                    return self._failed(unit, index, unit.error or exc)
            except TrinoTuiError as exc:
                unit.json = None
                return self._failed(unit, index, exc)
        nbytes = unit.segment.uncompressed_size or len(unit.payload or b"") if unit.segment else 0
        self.stats.segment(index, SegmentState.DECODED, worker=self.name, nbytes=nbytes if self.eager else 0)
        return DONE

    def _prepare(self, unit: Unit, index: int) -> None:
        """The cheap checks; eager: decompress into ``unit.json`` (releases the GIL, runs in parallel)."""
        seg = unit.segment
        assert seg is not None and unit.payload is not None
        check_declared(unit.payload, seg.encoding, seg.segment_size, seg.uncompressed_size, self.max_uncompressed,
                       index)
        if self.eager:
            spare, self._spare = self._spare, None  # the unit owns the buffer until it is parsed
            unit.json = decompress_reusing(unit.payload, seg.encoding, seg.uncompressed_size, spare or bytearray(),
                                           self.max_uncompressed, index)

    def _parse(self, unit: Unit, index: int) -> None:
        seg = unit.segment
        assert seg is not None and unit.json is not None
        with self.parse_gate:  # one orjson parse at a time (it holds the GIL)
            unit.rows = parse_rows(unit.json, seg.rows_count, self.width(), seg.row_offset, index)
        if isinstance(unit.json, bytearray):
            self._spare = unit.json  # reused by this thread's next decompression (rows do not refer to it)
        unit.json = None

    def _failed(self, unit: Unit, index: int, exc: BaseException) -> str:
        unit.error = exc
        self.stats.segment(index, SegmentState.FAILED, worker=self.name, detail=str(exc))
        return FAILED
