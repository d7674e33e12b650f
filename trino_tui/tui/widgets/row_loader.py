"""RowLoader: decodes grid rows off the UI thread and hands them back (a worker, not a widget).

Owns one thread (``start``/``cancel``/``close(timeout)`` joins it within the bound). The grid
reads the row store with ``cached_rows`` (never decodes) and, on a miss, calls
``request(key, store, start, stop)``; the thread reads ``store.rows(start, stop)`` (decoding the
chunk and filling the store's LRU) and calls ``deliver(key, store, start, rows, error)``, which
posts a message to the grid (``post_message`` is thread-safe). Requests are coalesced per *key*
("view", "sample"): only the newest range of each is loaded, so fast scrolling never queues
stale decodes. Once ``close()`` has begun, no new range is loaded or delivered.
"""

from __future__ import annotations

import threading
from typing import Any, Callable

Deliver = Callable[[str, Any, int, "list[list] | None", "str | None"], None]


class RowLoader:
    """One worker thread serving the grid's row requests; see the module docstring."""

    def __init__(self, deliver: Deliver, *, name: str = "tui-row-loader") -> None:
        self._deliver = deliver
        self._cond = threading.Condition()
        self._pending: dict[str, tuple[Any, int, int]] = {}
        self._closed = False
        self._working = False
        self._thread = threading.Thread(target=self._main, name=name, daemon=True)
        self.loads = 0  # ranges decoded so far (tests, benchmarks)

    def start(self) -> "RowLoader":
        self._thread.start()
        return self

    def request(self, key: str, store: Any, start: int, stop: int) -> None:
        """Load rows [start, stop) of *store* (replaces a pending request with the same *key*)."""
        with self._cond:
            if self._closed:
                return
            self._pending[key] = (store, start, stop)
            self._cond.notify()

    def pending(self, key: str) -> tuple[Any, int, int] | None:
        with self._cond:
            return self._pending.get(key)

    @property
    def busy(self) -> bool:
        """True while a request is pending or being decoded."""
        with self._cond:
            return bool(self._pending) or self._working

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Block until nothing is pending or being decoded (tests, benchmarks); False on timeout."""
        with self._cond:
            return self._cond.wait_for(lambda: self._closed or not (self._pending or self._working), timeout)

    def cancel(self) -> None:
        """Drop every pending request (a new result replaced the old one)."""
        with self._cond:
            self._pending.clear()

    def close(self, timeout: float = 2.0) -> bool:
        """Stop the thread and join it within *timeout*; True when it ended."""
        with self._cond:
            self._closed = True
            self._pending.clear()
            self._cond.notify()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout)
        return not self._thread.is_alive()

    def _main(self) -> None:
        while True:
            with self._cond:
                self._cond.wait_for(lambda: self._closed or bool(self._pending))
                if self._closed:
                    return
                key = next(iter(self._pending))
                store, start, stop = self._pending.pop(key)
                self._working = True
            rows: list[list] | None = None
            error: str | None = None
            try:
                rows = store.rows(start, stop)
            except Exception as exc:  # noqa: BLE001 - shown as one line in the grid
                error = " ".join(str(exc).split()) or type(exc).__name__
            self.loads += 1
            with self._cond:
                closed = self._closed
            if not closed:
                self._deliver(key, store, start, rows, error)
            with self._cond:
                self._working = False
                self._cond.notify_all()
            if closed:
                return
