"""Downloader stage: N threads fetching spooled segments over the shared storage client.

Each download sends exactly the segment headers (the transport adds nothing but
``Accept-Encoding: identity``), follows redirects, retries transient failures within the retry
budget and stops reading one byte past ``segmentSize`` (``SegmentTooLarge``). A short body is
downloaded once more, then ``SegmentCorrupt`` (the decoders give a corrupt payload the same one
re-download via ``redownload``). 403/404/410, or any 4xx once ``expiresAt`` has passed, mean
the segment expired or was removed (``SegmentExpired``). A failed unit goes straight to the
finalizer carrying its error. Thread body in ``run``; ``redownload`` may run on any thread.
"""

from __future__ import annotations

from ..errors import (
    HttpError, QueryCancelled, SegmentCorrupt, SegmentDownloadFailed, SegmentExpired, TrinoTuiError,
)
from ..events import RetryEvent, SegmentState
from ..protocol import expiry_passed
from ..transport import Transport
from .channels import CancelToken, Cancelled, Channel, Closed, WindowedQueue
from .stats import PipelineStats
from .units import Unit

DOWNLOAD_ATTEMPTS = 2  # a truncated body is fetched once more
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
                self._handle(self.inbox.get())  # no local keeps the unit (its payload) alive while we wait
        except (Closed, Cancelled):
            pass
        finally:
            self.decodes.producer_done()
            self.stats.worker_exit("downloaders")

    def _handle(self, unit: Unit) -> None:
        self.stats.stage("downloaders", busy=1, state="downloading")
        try:
            self._download(unit)
        finally:
            self.stats.stage("downloaders", busy=-1, processed=1, state="idle")
        if unit.error is not None:
            self.results.put(unit)
        else:
            self.decodes.put(unit, unit.seq, unit.slot_bytes)

    def _download(self, unit: Unit) -> None:
        index = unit.segment_index if unit.segment_index is not None else -1
        self.stats.segment(index, SegmentState.DOWNLOADING, worker=self.name)
        self.fetch(unit, attempts=DOWNLOAD_ATTEMPTS)

    def redownload(self, unit: Unit, reason: str) -> bool:
        """Fetch a (corrupt) payload once more; False (and ``unit.error``) if that failed."""
        index = unit.segment_index if unit.segment_index is not None else -1
        self.stats.segment(index, SegmentState.RETRIED, worker=self.name, detail=f"downloading again: {reason}")
        unit.payload = None
        return self.fetch(unit, attempts=1)

    def fetch(self, unit: Unit, attempts: int) -> bool:
        seg = unit.segment
        assert seg is not None and seg.uri is not None
        index = unit.segment_index if unit.segment_index is not None else -1

        def publish(event: RetryEvent | None) -> None:
            if event is not None:
                self.stats.segment(index, SegmentState.RETRIED, worker=self.name, detail=event.reason)
            self.stats.retry_pending(event)

        try:
            for attempt in range(attempts):
                payload = self.transport.download(
                    seg.uri, seg.headers, segment_size=seg.segment_size, token=self.cancel, publish=publish,
                    on_hop=lambda host: self.stats.hop(index, host), index=index,
                )
                if len(payload) == seg.segment_size:
                    break
                reason = f"got {len(payload)} bytes, segmentSize says {seg.segment_size}"
                if attempt + 1 == attempts or self.cancel.cancelled:
                    raise SegmentCorrupt(reason, index=index)
                self.stats.segment(index, SegmentState.RETRIED, worker=self.name, detail=f"downloading again: {reason}")
        except QueryCancelled:
            raise Cancelled() from None
        except SegmentCorrupt as exc:
            return self._fail(unit, exc)
        except HttpError as exc:
            if exc.status in EXPIRED_STATUS or (400 <= exc.status < 500 and expiry_passed(seg.expires_at, self.timezone)):
                err: TrinoTuiError = SegmentExpired(f"expired or removed ({exc})", index=index, expires_at=seg.expires_at)
            else:
                err = SegmentDownloadFailed(str(exc), index=index)
            return self._fail(unit, err)
        except TrinoTuiError as exc:
            return self._fail(unit, SegmentDownloadFailed(str(exc), index=index))
        unit.payload = payload
        self.stats.segment(index, SegmentState.DOWNLOADED, worker=self.name, nbytes=len(payload))
        return True

    def _fail(self, unit: Unit, exc: TrinoTuiError) -> bool:
        unit.error = exc
        self.stats.stage("downloaders", errors=1)
        self.stats.segment(unit.segment_index if unit.segment_index is not None else -1, SegmentState.FAILED,
                           worker=self.name, detail=str(exc))
        return False
