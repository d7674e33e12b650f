"""TraceRecorder: samples a running query's snapshots into a TraceWriter on its own thread.

Owns one daemon thread (start/close; close joins within a bound and writes the final snapshot
and the end record). The thread only calls ``snapshot()`` (cheap, thread-safe by contract) and
the writer; it never touches widgets. ``sample()`` is the one step, callable directly by tests.
"""

from __future__ import annotations

import threading
from typing import Any, Callable

from trino_tui.insight.trace import TraceWriter

DEFAULT_INTERVAL = 0.1
"""Seconds between sampled snapshots (10 Hz: smooth enough for replay, small files)."""


class TraceRecorder:
    """Samples ``snapshot()`` every *interval* seconds into *writer* until closed."""

    def __init__(self, writer: TraceWriter, snapshot: Callable[[], Any], *,
                 interval: float = DEFAULT_INTERVAL) -> None:
        self.writer = writer
        self._snapshot = snapshot
        self.interval = interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._last_now: float | None = None

    def sample(self) -> None:
        """Record the current snapshot unless its clock did not move."""
        snap = self._snapshot()
        if snap.now != self._last_now:
            self._last_now = snap.now
            self.writer.snapshot(snap)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()

    def start(self) -> "TraceRecorder":
        self._thread = threading.Thread(target=self._run, name="trace-recorder", daemon=True)
        self._thread.start()
        return self

    def cancel(self) -> None:
        self._stop.set()

    def close(self, outcome: str | None, rows: int, error: str | None = None, *,
              timeout: float = 2.0) -> str | None:
        """Stop sampling (bounded join), write the final snapshot and the end record; returns
        the writer's error, if any."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
        self.sample()
        self.writer.end(outcome, rows, error)
        return self.writer.close()
