"""ToolWorker: runs the grid tools' jobs (sort, filter, search, plan parsing) off the UI thread.

Owns one thread (``start``/``cancel``/``close(timeout)`` joins it within the bound). ``submit(key,
job)`` queues ``job(cancelled) -> result``; a newer job with the same *key* replaces a pending one
and tells a running one to stop (``cancelled()`` turns true), so typing fast never queues stale
work. The result (or the exception's one-line text) goes to ``deliver(key, token, result, error)``
on the worker thread — the app's callback only posts a message (``post_message`` is thread-safe);
a result whose job was replaced or cancelled is never delivered. Jobs must not touch widgets.
"""

from __future__ import annotations

import threading
from typing import Any, Callable

Job = Callable[[Callable[[], bool]], Any]
Deliver = Callable[[str, int, Any, "str | None"], None]


class ToolWorker:
    """One worker thread for grid-tool jobs; see the module docstring."""

    def __init__(self, deliver: Deliver, *, name: str = "tui-grid-tools") -> None:
        self._deliver = deliver
        self._cond = threading.Condition()
        self._pending: dict[str, tuple[int, Job]] = {}
        self._current: tuple[str, int] | None = None
        self._latest: dict[str, int] = {}
        self._tokens = 0
        self._closed = False
        self._started = False
        self._thread = threading.Thread(target=self._main, name=name, daemon=True)

    def start(self) -> "ToolWorker":
        with self._cond:
            if not self._started:
                self._started = True
                self._thread.start()
        return self

    def submit(self, key: str, job: Job) -> int:
        """Queue *job* under *key* (replacing/cancelling the previous one); returns its token."""
        with self._cond:
            self._tokens += 1
            token = self._tokens
            if self._closed:
                return token
            self._latest[key] = token
            self._pending[key] = (token, job)
            self._cond.notify_all()
        return token

    def cancel(self, key: str | None = None) -> None:
        """Forget pending and running jobs (of *key*, or all): nothing of theirs is delivered."""
        with self._cond:
            for k in list(self._pending if key is None else [key]):
                self._pending.pop(k, None)
            for k in list(self._latest if key is None else [key]):
                self._latest[k] = -1

    @property
    def busy(self) -> bool:
        with self._cond:
            return bool(self._pending) or self._current is not None

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Block until no job is pending or running (tests, benchmarks); False on timeout."""
        with self._cond:
            return self._cond.wait_for(lambda: self._closed or not (self._pending or self._current), timeout)

    def close(self, timeout: float = 2.0) -> bool:
        """Stop the thread (a running job is told to stop) and join it within *timeout*."""
        with self._cond:
            self._closed = True
            self._pending.clear()
            self._latest.clear()
            self._cond.notify_all()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout)
        return not self._thread.is_alive()

    def _live(self, key: str, token: int) -> bool:
        with self._cond:
            return not self._closed and self._latest.get(key) == token

    def _main(self) -> None:
        while True:
            with self._cond:
                self._cond.wait_for(lambda: self._closed or bool(self._pending))
                if self._closed:
                    return
                key = next(iter(self._pending))
                token, job = self._pending.pop(key)
                self._current = (key, token)
            result: Any = None
            error: str | None = None
            try:
                result = job(lambda: not self._live(key, token))
            except Exception as exc:  # noqa: BLE001 - one line for the user
                error = " ".join(str(exc).split()) or type(exc).__name__
            if self._live(key, token):
                self._deliver(key, token, result, error)
            with self._cond:
                self._current = None
                self._cond.notify_all()
