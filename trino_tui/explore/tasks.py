"""``TaskPool``: a few daemon threads that run background lookups (metadata loads, searches).

Owns its threads: ``start`` spawns them, ``submit`` queues a callable, ``cancel`` drops queued work,
``close`` stops and joins them within a bound. A task's exception is passed to its ``on_error``
(never raised into the pool). Thread-safe.
"""

from __future__ import annotations

import queue
import threading
import time
from typing import Callable

__all__ = ["TaskPool"]

_STOP = object()


class TaskPool:
    """Runs submitted callables on ``workers`` threads (FIFO)."""

    def __init__(self, workers: int = 4, *, name: str = "explore") -> None:
        self._workers = max(1, workers)
        self._name = name
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()
        self._closed = False
        self._busy = 0
        self._idle = threading.Condition(self._lock)

    def start(self) -> "TaskPool":
        with self._lock:
            if self._threads or self._closed:
                return self
            for i in range(self._workers):
                t = threading.Thread(target=self._loop, name=f"{self._name}-{i + 1}", daemon=True)
                self._threads.append(t)
                t.start()
        return self

    def submit(self, fn: Callable[[], None], on_error: Callable[[BaseException], None] | None = None) -> bool:
        """Queue ``fn``; False when the pool is closed. Starts the threads on first use."""
        with self._lock:
            if self._closed:
                return False
            self._busy += 1
        self.start()
        self._queue.put((fn, on_error))
        return True

    def _loop(self) -> None:
        while True:
            item = self._queue.get()
            if item is _STOP:
                return
            fn, on_error = item
            try:
                if not self._closed:
                    fn()
            except BaseException as exc:  # noqa: BLE001 - reported to the task's owner
                if on_error is not None:
                    try:
                        on_error(exc)
                    except Exception:  # noqa: BLE001
                        pass
            finally:
                with self._lock:
                    self._busy -= 1
                    self._idle.notify_all()

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Block until no task is queued or running (tests, shutdown); False on timeout."""
        with self._lock:
            return self._idle.wait_for(lambda: self._busy == 0, timeout)

    def cancel(self) -> None:
        """Drop every queued task that has not started."""
        while True:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                return
            if item is _STOP:
                self._queue.put(item)
                return
            with self._lock:
                self._busy -= 1
                self._idle.notify_all()

    def close(self, timeout: float = 2.0) -> None:
        """Stop the threads (queued tasks are dropped) and join them within ``timeout`` overall."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            threads = list(self._threads)
        self.cancel()
        for _ in threads:
            self._queue.put(_STOP)
        deadline = time.monotonic() + timeout
        for t in threads:
            t.join(max(0.0, deadline - time.monotonic()))
