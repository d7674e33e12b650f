"""RunSlot: the one StatementRun a worker has in flight, cancellable from any thread.

Invariant: once ``cancel()`` was called, every run put into the slot is cancelled (a cancel that
lands before the run starts is latched, never lost). Thread-safe; nothing here blocks.
"""

from __future__ import annotations

import threading

from trino_tui.core.run import StatementRun


class RunSlot:
    """See the module docstring."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._run: StatementRun | None = None
        self._cancelled = False

    @property
    def cancelled(self) -> bool:
        with self._lock:
            return self._cancelled

    def enter(self, run: StatementRun) -> bool:
        """Hold ``run``; False (and the run cancelled) when the slot was cancelled already."""
        with self._lock:
            self._run = run
            cancelled = self._cancelled
        if cancelled:
            run.cancel()
        return not cancelled

    def leave(self) -> None:
        with self._lock:
            self._run = None

    def cancel(self) -> None:
        with self._lock:
            self._cancelled = True
            run = self._run
        if run is not None:
            run.cancel()
