"""SIGINT handling for headless runs: Ctrl-C cancels the running query on the server first.

Owns `InterruptGuard` (a context manager, main thread only). While active, SIGINT:
- with a query being watched: marks `interrupted` and runs `query.cancel()` on a canceller thread
  owned by the guard (never inside the signal handler, which could run while the main thread holds
  a client lock). The consumer then sees QueryCancelled from `batches()` and exits 130.
- without a query, or on a second Ctrl-C: raises KeyboardInterrupt in the main thread.
`close()` (on exit) joins the canceller so the DELETE has been sent before the process ends,
and restores the previous handler. Thread-safety: `watch()` is called by the main thread only.
"""

from __future__ import annotations

import signal
import threading
from typing import Any, Protocol

__all__ = ["InterruptGuard"]


class _Cancellable(Protocol):
    def cancel(self) -> None: ...


class InterruptGuard:
    def __init__(self, *, install: bool = True) -> None:
        self._install = install and threading.current_thread() is threading.main_thread()
        self._previous: Any = None
        self._query: _Cancellable | None = None
        self._canceller: threading.Thread | None = None
        self.interrupted = False

    def __enter__(self) -> "InterruptGuard":
        if self._install:
            self._previous = signal.signal(signal.SIGINT, self._on_sigint)
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def watch(self, query: _Cancellable | None) -> None:
        """The query a Ctrl-C must cancel (None when between statements)."""
        self._query = query
        if query is not None and self.interrupted:
            self._start_cancel(query)

    def interrupt(self) -> None:
        """What SIGINT does (also callable directly, e.g. from tests)."""
        query = self._query
        if self.interrupted or query is None:
            self.interrupted = True
            raise KeyboardInterrupt
        self.interrupted = True
        self._start_cancel(query)

    def close(self) -> None:
        if self._canceller is not None:
            self._canceller.join()
            self._canceller = None
        if self._install and self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)
            self._previous = None

    def _start_cancel(self, query: _Cancellable) -> None:
        if self._canceller is not None:
            return
        self._canceller = threading.Thread(target=_cancel_quietly, args=(query,), name="headless-cancel")
        self._canceller.start()

    def _on_sigint(self, signum: int, frame: object) -> None:
        self.interrupt()


def _cancel_quietly(query: _Cancellable) -> None:
    try:
        query.cancel()
    except Exception:  # best effort: the exit status is 130 either way
        pass
