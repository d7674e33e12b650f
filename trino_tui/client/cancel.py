"""CancelToken: the one cancellation flag of a query, created before its first request.

``cancel()`` sets the flag, wakes every registered ``threading.Condition`` (blocked channel
waits) and calls every registered callback (e.g. aborting an in-flight HTTP request), so a
query can be cancelled in any phase. Thread-safe; callbacks must be quick and non-blocking.
"""

from __future__ import annotations

import threading
from typing import Callable


class CancelToken:
    """One shared cancellation flag; registered waiters and callbacks are woken on cancel."""

    def __init__(self) -> None:
        self.event = threading.Event()
        self._lock = threading.Lock()
        self._waiters: list[threading.Condition] = []
        self._callbacks: dict[int, Callable[[], None]] = {}
        self._next_id = 0

    @property
    def cancelled(self) -> bool:
        return self.event.is_set()

    def register(self, cond: threading.Condition) -> None:
        with self._lock:
            self._waiters.append(cond)

    def add_callback(self, fn: Callable[[], None]) -> int:
        """Call *fn* on cancel (at once if already cancelled); returns an id for remove_callback."""
        with self._lock:
            if not self.event.is_set():
                self._next_id += 1
                self._callbacks[self._next_id] = fn
                return self._next_id
        fn()
        return 0

    def remove_callback(self, cb_id: int) -> None:
        with self._lock:
            self._callbacks.pop(cb_id, None)

    def cancel(self) -> None:
        with self._lock:
            self.event.set()
            waiters = list(self._waiters)
            callbacks = list(self._callbacks.values())
            self._callbacks.clear()
        for fn in callbacks:
            try:
                fn()
            except Exception:  # noqa: BLE001 - one failing callback must not block the others
                pass
        for cond in waiters:
            with cond:
                cond.notify_all()

    def wait(self, timeout: float) -> bool:
        """Sleep up to *timeout*; True if cancelled."""
        return self.event.wait(timeout)
