"""Signal handling for headless runs: Ctrl-C, SIGTERM and SIGHUP cancel the running query first.

Owns `InterruptGuard` (a context manager, main thread only). While active, SIGINT, SIGTERM and
SIGHUP each:
- with a query being watched: mark `interrupted` (remembering the signal) and run
  `query.cancel()` on a canceller thread owned by the guard (never inside the signal handler,
  which could run while the main thread holds a client lock). The consumer then sees
  QueryCancelled from `batches()`, the atomic output removes its temp file, and the process exits
  128 + the signal number (130, 143, 129).
- without a query, or on a second signal: raise KeyboardInterrupt in the main thread.
`close()` (on exit) joins the canceller so the DELETE has been sent before the process ends,
and restores the previous handlers. Thread-safety: `watch()` is called by the main thread only.
"""

from __future__ import annotations

import signal
import threading
from typing import Any, Protocol

__all__ = ["HANDLED_SIGNALS", "InterruptGuard"]

HANDLED_SIGNALS: tuple[signal.Signals, ...] = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)
)
_REASONS = {"SIGINT": "interrupted", "SIGTERM": "terminated", "SIGHUP": "hangup"}


class _Cancellable(Protocol):
    def cancel(self) -> None: ...


class InterruptGuard:
    def __init__(self, *, install: bool = True, cancel_join_timeout: float = 10.0) -> None:
        self._install = install and threading.current_thread() is threading.main_thread()
        self._previous: dict[int, Any] = {}
        self._query: _Cancellable | None = None
        self._canceller: threading.Thread | None = None
        self._join_timeout = cancel_join_timeout
        self.interrupted = False
        self.signum: int = signal.SIGINT

    @property
    def exit_code(self) -> int:
        """128 + the signal that interrupted the run (130 for Ctrl-C)."""
        return 128 + int(self.signum)

    @property
    def reason(self) -> str:
        """"interrupted" (SIGINT), "terminated" (SIGTERM) or "hangup" (SIGHUP)."""
        return _REASONS.get(signal.Signals(self.signum).name, "interrupted")

    def __enter__(self) -> "InterruptGuard":
        if self._install:
            for sig in HANDLED_SIGNALS:
                self._previous[sig] = signal.signal(sig, self._on_signal)
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def watch(self, query: _Cancellable | None) -> None:
        """The query a signal must cancel (None when between statements)."""
        self._query = query
        if query is not None and self.interrupted:
            self._start_cancel(query)

    def interrupt(self, signum: int = signal.SIGINT) -> None:
        """What a handled signal does (also callable directly, e.g. from tests)."""
        query = self._query
        if not self.interrupted:
            self.signum = signum
        if self.interrupted or query is None:
            self.interrupted = True
            raise KeyboardInterrupt
        self.interrupted = True
        self._start_cancel(query)

    def close(self) -> None:
        if self._canceller is not None:
            self._canceller.join(self._join_timeout)  # bounded: the DELETE itself has a deadline
            self._canceller = None
        if self._install:
            for sig, previous in self._previous.items():
                signal.signal(sig, previous)
            self._previous = {}

    def _start_cancel(self, query: _Cancellable) -> None:
        if self._canceller is not None:
            return
        self._canceller = threading.Thread(target=_cancel_quietly, args=(query,), name="headless-cancel")
        self._canceller.start()

    def _on_signal(self, signum: int, frame: object) -> None:
        self.interrupt(signum)


def _cancel_quietly(query: _Cancellable) -> None:
    try:
        query.cancel()
    except Exception:  # best effort: the exit status is 128 + signal either way
        pass
