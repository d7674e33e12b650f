"""Decoder stage: M threads turning segment payloads into rows, then queueing the ack.

Decoders take units from the ``WindowedQueue`` (only the next ``decode_window`` positions, so
decoded rows waiting for the consumer stay bounded). ``decode="eager"``: decompress + parse
(``codecs.decompress`` then ``parse_rows``, the two halves of ``decode_payload``: one decompression; orjson parses under the parse gate, at most
``parallel_parses`` at once, GC paused -- see gcpolicy). ``decode="deferred"``: only the cheap
``check_declared`` checks run here (no decompression); the consumer's ``Batch.wire_rows()``
decodes. A corrupt spooled segment is downloaded once more (``redownload``) before it fails.
Failures travel to the finalizer as the unit's error. Thread body in ``run``.
"""

from __future__ import annotations

import threading
from typing import Callable

from ..codecs import check_declared, decompress, parse_rows
from ..errors import SegmentCorrupt, SegmentTooLarge, TrinoTuiError
from ..events import SegmentState
from .channels import CancelToken, Cancelled, Channel, Closed, WindowedQueue
from .stats import PipelineStats
from .units import Unit

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

    def run(self) -> None:
        try:
            while True:
                unit = self.inbox.get()
                self.stats.stage("decoders", busy=1)
                ok = False
                try:
                    ok = self.decode(unit)
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

    def decode(self, unit: Unit) -> bool:
        """Check (and in eager mode decode) ``unit.payload``; on failure set ``unit.error``."""
        index = unit.segment_index if unit.segment_index is not None else -1
        self.stats.segment(index, SegmentState.DECODING, worker=self.name)
        try:
            self._decode_once(unit, index)
        except SegmentCorrupt as exc:
            if isinstance(exc, SegmentTooLarge) or not unit.spooled or unit.redownloaded:
                return self._failed(unit, index, exc)
            unit.redownloaded = True
            if not self.redownload(unit, str(exc)):
                return self._failed(unit, index, unit.error or exc)
            try:
                self._decode_once(unit, index)
            except TrinoTuiError as again:
                return self._failed(unit, index, again)
        except TrinoTuiError as exc:
            return self._failed(unit, index, exc)
        nbytes = unit.segment.uncompressed_size or len(unit.payload or b"") if unit.segment else 0
        self.stats.segment(index, SegmentState.DECODED, worker=self.name, nbytes=nbytes if self.eager else 0)
        return True

    def _decode_once(self, unit: Unit, index: int) -> None:
        seg = unit.segment
        assert seg is not None and unit.payload is not None
        check_declared(unit.payload, seg.encoding, seg.segment_size, seg.uncompressed_size, self.max_uncompressed,
                       index)
        if not self.eager:
            return
        data = decompress(unit.payload, seg.encoding, seg.uncompressed_size, self.max_uncompressed, index)
        with self.parse_gate:  # decompression above runs in parallel (it releases the GIL)
            unit.rows = parse_rows(data, seg.rows_count, self.width(), seg.row_offset, index)

    def _failed(self, unit: Unit, index: int, exc: BaseException) -> bool:
        unit.error = exc
        self.stats.segment(index, SegmentState.FAILED, worker=self.name, detail=str(exc))
        return False
