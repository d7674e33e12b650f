"""Coalescing bridge: worker-thread notifications → at most ``1 / min_interval`` UI messages a second.

Owns one thread (``start``/``close`` joins it within a bound). Producers call ``notify()`` (cheap,
non-blocking, thread-safe: sets an Event) as often as they like — from the runner thread and from
the client's event listener. The bridge thread wakes, builds one message with ``make_message()``
(cumulative state, e.g. a PipelineSnapshot) and hands it to ``post`` (``App.post_message``, which is
thread-safe and never blocks on the UI), then sleeps at least ``min_interval``. Without
notifications it still posts every ``idle_interval`` so elapsed times keep moving.
``close()`` joins the thread and posts one final message so the UI always sees the last state.
"""

from __future__ import annotations

import threading
from typing import Any, Callable


class CoalescingBridge:
    """Turns bursts of ``notify()`` into a bounded-rate stream of messages."""

    def __init__(
        self,
        post: Callable[[Any], object],
        make_message: Callable[[], Any],
        *,
        min_interval: float = 0.05,
        idle_interval: float = 0.5,
        name: str = "tui-bridge",
    ) -> None:
        self._post = post
        self._make = make_message
        self._min = min_interval
        self._idle = idle_interval
        self._dirty = threading.Event()
        self._closed = threading.Event()
        self._thread = threading.Thread(target=self._loop, name=name, daemon=True)
        self.posted = 0

    def start(self) -> "CoalescingBridge":
        self._thread.start()
        return self

    def notify(self) -> None:
        """Something changed; a message will follow within ``min_interval`` (thread-safe)."""
        self._dirty.set()

    def close(self, *, final: bool = True, timeout: float = 2.0) -> None:
        """Stop the thread, join it (within *timeout*) and (by default) post one last message.
        Idempotent; safe from any thread but the bridge's own."""
        self._closed.set()
        self._dirty.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout)
        if final:
            self._emit()

    def _emit(self) -> None:
        try:
            self._post(self._make())
            self.posted += 1
        except Exception:  # noqa: BLE001 - a failing snapshot must never kill the query
            pass

    def _loop(self) -> None:
        while not self._closed.is_set():
            self._dirty.wait(self._idle)
            if self._closed.is_set():
                return
            self._dirty.clear()
            self._emit()
            self._closed.wait(self._min)
