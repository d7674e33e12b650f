"""Dispatcher stage: routes units under the slot throttle.

Every segment or direct page takes one slot (``Slots``, max_out_of_order; a segment also its
declared uncompressed bytes of max_in_flight_bytes) before it is routed, in stream order, so the oldest undelivered unit always holds a slot (no deadlock) and at most K
units are in flight. Inline segments go straight to the decoders, spooled ones to the
downloaders (``first_spooled()`` runs before the first one: the pipeline starts the downloader
threads then), direct pages and terminal units to the finalizer. Runs in one thread.
"""

from __future__ import annotations

from typing import Callable

from .channels import CancelToken, Cancelled, Channel, Closed, Slots, WindowedQueue
from .stats import PipelineStats
from .units import Unit


class Dispatcher:
    def __init__(
        self, inbox: Channel[Unit], downloads: Channel[Unit], decodes: WindowedQueue[Unit], results: Channel[Unit],
        slots: Slots, stats: PipelineStats, cancel: CancelToken, first_spooled: Callable[[], None] | None = None,
    ) -> None:
        self.inbox = inbox
        self.downloads = downloads
        self.decodes = decodes
        self.results = results
        self.slots = slots
        self.stats = stats
        self.cancel = cancel
        self._first_spooled = first_spooled  # called once, then dropped

    def run(self) -> None:
        self.stats.stage("dispatcher", state="running")
        try:
            while True:
                self._route(self.inbox.get())  # no local keeps a routed unit alive while we wait
        except (Closed, Cancelled):
            pass
        finally:
            self.stats.stage("dispatcher", state="done")
            for ch in (self.downloads, self.decodes, self.results):
                ch.producer_done()

    def _route(self, unit: Unit) -> None:
        if unit.end or unit.error is not None:
            self.results.put(unit)
            return
        self.stats.stage("dispatcher", state="waiting for slot")
        seg = unit.segment
        unit.slot_bytes = (seg.uncompressed_size or seg.segment_size or 0) if seg is not None else 0
        self.slots.acquire(unit.slot_bytes)
        self.stats.stage("dispatcher", state="running", processed=1)
        if seg is None:
            self.results.put(unit)
        elif seg.kind == "inline":
            unit.payload = seg.data
            self.decodes.put(unit, unit.seq, unit.slot_bytes)
        else:
            if self._first_spooled is not None:
                self._first_spooled()
                self._first_spooled = None
            self.downloads.put(unit)
