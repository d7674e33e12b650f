"""RowLoader: decodes grid rows off the UI thread and hands them back (a worker, not a widget).

A thin adapter over the grid tools' ``ToolWorker`` (one keyed worker thread for the whole TUI's
off-UI-thread jobs; ``start``/``cancel``/``close(timeout)`` join it within the bound). The grid
reads the row store with ``cached_rows`` (never decodes) and, on a miss, calls
``request(key, store, start, stop)``; the thread reads ``store.rows(start, stop)`` (decoding the
chunk and filling the store's LRU) and calls ``deliver(key, store, start, rows, error)``, which
posts a message to the grid (``post_message`` is thread-safe). Requests are coalesced per *key*
("view", "sample"): only the newest range of each is loaded and delivered (a superseded range
still being decoded fills the cache but is not delivered), so fast scrolling never queues stale
decodes. Once ``close()`` has begun, no new range is loaded or delivered.
"""

from __future__ import annotations

from typing import Any, Callable

from trino_tui.tui.tool_worker import ToolWorker

Deliver = Callable[[str, Any, int, "list[list] | None", "str | None"], None]


def _load(store: Any, start: int, stop: int) -> tuple[Any, int, "list[list] | None", "str | None"]:
    try:
        return store, start, store.rows(start, stop), None
    except Exception as exc:  # noqa: BLE001 - shown as one line in the grid
        return store, start, None, " ".join(str(exc).split()) or type(exc).__name__


class RowLoader:
    """The grid's row requests on a ``ToolWorker``; see the module docstring."""

    def __init__(self, deliver: Deliver, *, name: str = "tui-row-loader") -> None:
        self._deliver = deliver
        self._worker = ToolWorker(self._done, name=name)

    def start(self) -> "RowLoader":
        self._worker.start()
        return self

    def request(self, key: str, store: Any, start: int, stop: int) -> None:
        """Load rows [start, stop) of *store* (replaces a pending request with the same *key*)."""
        self._worker.submit(key, lambda _cancelled: _load(store, start, stop))

    def _done(self, key: str, _token: int, result: Any, _error: str | None) -> None:
        store, start, rows, error = result  # _load never raises: its error belongs to its store
        self._deliver(key, store, start, rows, error)

    @property
    def busy(self) -> bool:
        """True while a request is pending or being decoded."""
        return self._worker.busy

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Block until nothing is pending or being decoded (tests, benchmarks); False on timeout."""
        return self._worker.wait_idle(timeout)

    def cancel(self) -> None:
        """Drop every pending request (a new result replaced the old one)."""
        self._worker.cancel()

    def close(self, timeout: float = 2.0) -> bool:
        """Stop the thread and join it within *timeout*; True when it ended."""
        return self._worker.close(timeout)
