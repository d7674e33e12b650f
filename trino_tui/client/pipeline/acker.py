"""Ack worker: acknowledges spooled segments (GET ackUri with the segment headers).

Segments are acked after decoding (``submit``) and, on cancel/close, every spooled segment
that was never decoded is acked without being downloaded (``submit_unread``). Each segment is
acked at most once. Failures are recorded in the stats (ack_failures, ack_error) and events,
never swallowed silently. One thread with its own channel, started by the first ``submit`` (a
result with no spooled segment never starts it), so it keeps working after the pipeline's cancel
token fired; ``close`` drains the queue (bounded wait) and joins; nothing starts after ``close``.
"""

from __future__ import annotations

import threading
import time

from ..errors import TrinoTuiError
from ..protocol import SegmentDescriptor
from ..transport import Transport
from ..cancel import CancelToken
from .channels import Cancelled, Channel, Closed
from .stats import PipelineStats


class Acker:
    def __init__(self, transport: Transport, stats: PipelineStats) -> None:
        self.transport = transport
        self.stats = stats
        self._cancel = CancelToken()
        self._queue: Channel[tuple[int, SegmentDescriptor, bool]] = Channel("acks", self._cancel)
        self._seen: set[int] = set()
        self._lock = threading.Lock()
        self.thread = threading.Thread(target=self._run, name="trino-ack", daemon=True)
        self._idle = threading.Condition(self._lock)
        self._outstanding = 0
        self._started = self._closed = False

    def submit(self, index: int, seg: SegmentDescriptor, downloaded: bool = True) -> None:
        with self._lock:
            if index in self._seen or self._closed:
                return
            self._seen.add(index)
            self._outstanding += 1
            if not self._started:  # under the lock: close() sees it started, or stops it starting
                self._started = True
                self.thread.start()
        try:
            self._queue.put((index, seg, downloaded))
        except Cancelled:
            with self._lock:
                self._outstanding -= 1

    def submit_unread(self, segments: dict[int, SegmentDescriptor]) -> None:
        """Ack every known spooled segment not acked yet, without downloading it."""
        for index, seg in sorted(segments.items()):
            self.submit(index, seg, downloaded=False)

    def _run(self) -> None:
        try:
            while True:
                index, seg, downloaded = self._queue.get()
                error = None
                try:
                    self.transport.ack(seg.ack_uri or "", seg.headers, self._cancel)
                except TrinoTuiError as exc:
                    error = str(exc)
                except Exception as exc:  # noqa: BLE001 - report, never kill the ack worker
                    error = f"{type(exc).__name__}: {exc}"
                self.stats.acked(index, error, downloaded)
                with self._lock:
                    self._outstanding -= 1
                    self._idle.notify_all()
        except (Closed, Cancelled):
            pass

    def wait_idle(self, timeout: float) -> bool:
        """Wait until every submitted ack completed."""
        with self._lock:
            return self._idle.wait_for(lambda: self._outstanding <= 0, timeout)

    def close(self, timeout: float = 5.0) -> None:
        """Finish queued acks (up to *timeout*), then abort what is left and join the thread."""
        deadline = time.monotonic() + timeout
        with self._lock:
            self._closed = True
        if self.thread.is_alive():
            self.wait_idle(timeout)
        self._queue.producer_done()
        self._cancel.cancel()
        if self.thread.is_alive():
            self.thread.join(max(0.05, deadline - time.monotonic()))
