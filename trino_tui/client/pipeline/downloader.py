"""Downloader stage: N threads fetching spooled segments over the shared storage client.

Each download sends exactly the segment headers (the transport adds nothing but
``Accept-Encoding: identity``), follows redirects, retries transient failures within the retry
budget and validates ``segmentSize`` (a short/long body is retried a few times, then
``SegmentCorrupt``). 403/404/410, or any 4xx once ``expiresAt`` has passed, mean the segment
expired or was removed (``SegmentExpired``).
A failed unit goes straight to the finalizer carrying its error.
"""

from __future__ import annotations

from ..errors import HttpError, QueryCancelled, SegmentCorrupt, SegmentDownloadFailed, SegmentExpired, TrinoTuiError
from ..events import SegmentState
from ..protocol import expiry_passed
from ..transport import Transport
from .channels import CancelToken, Cancelled, Channel, Closed, WindowedQueue
from .stats import PipelineStats
from .units import Unit

SIZE_MISMATCH_ATTEMPTS = 5
EXPIRED_STATUS = (403, 404, 410)


class Downloader:
    """One download worker (thread body in ``run``)."""

    def __init__(
        self, name: str, transport: Transport, inbox: Channel[Unit], decodes: WindowedQueue[Unit],
        results: Channel[Unit], stats: PipelineStats, cancel: CancelToken, timezone: str = "UTC",
    ) -> None:
        self.name = name
        self.timezone = timezone
        self.transport = transport
        self.inbox = inbox
        self.decodes = decodes
        self.results = results
        self.stats = stats
        self.cancel = cancel

    def run(self) -> None:
        try:
            while True:
                unit = self.inbox.get()
                self.stats.stage("downloaders", busy=1, state="downloading")
                try:
                    self._download(unit)
                finally:
                    self.stats.stage("downloaders", busy=-1, processed=1, state="idle")
                if unit.error is not None:
                    self.results.put(unit)
                else:
                    self.decodes.put(unit, unit.seq)
        except (Closed, Cancelled):
            pass
        finally:
            self.decodes.producer_done()
            self.stats.worker_exit("downloaders")

    def _download(self, unit: Unit) -> None:
        seg = unit.segment
        assert seg is not None and seg.uri is not None
        index = unit.segment_index if unit.segment_index is not None else -1
        self.stats.segment(index, SegmentState.DOWNLOADING, worker=self.name)

        def on_retry(reason: str) -> None:
            self.stats.segment(index, SegmentState.RETRIED, worker=self.name, detail=reason)

        try:
            for attempt in range(SIZE_MISMATCH_ATTEMPTS):
                payload = self.transport.download(
                    seg.uri, seg.headers, cancel=self.cancel.event, on_retry=on_retry,
                    on_hop=lambda host: self.stats.hop(index, host),
                )
                if len(payload) == seg.segment_size:
                    break
                reason = f"got {len(payload)} bytes, segmentSize says {seg.segment_size}"
                if attempt + 1 == SIZE_MISMATCH_ATTEMPTS or self.cancel.cancelled:
                    raise SegmentCorrupt(reason, index=index)
                on_retry(reason)
        except QueryCancelled:
            raise Cancelled() from None
        except SegmentCorrupt as exc:
            self._fail(unit, exc)
            return
        except HttpError as exc:
            if exc.status in EXPIRED_STATUS or (400 <= exc.status < 500 and expiry_passed(seg.expires_at, self.timezone)):
                err: TrinoTuiError = SegmentExpired(f"expired or removed ({exc})", index=index, expires_at=seg.expires_at)
            else:
                err = SegmentDownloadFailed(str(exc), index=index)
            self._fail(unit, err)
            return
        except TrinoTuiError as exc:
            self._fail(unit, SegmentDownloadFailed(str(exc), index=index))
            return
        unit.payload = payload
        self.stats.segment(index, SegmentState.DOWNLOADED, worker=self.name, nbytes=len(payload))

    def _fail(self, unit: Unit, exc: TrinoTuiError) -> None:
        unit.error = exc
        self.stats.stage("downloaders", errors=1)
        self.stats.segment(unit.segment_index if unit.segment_index is not None else -1, SegmentState.FAILED, worker=self.name, detail=str(exc))
