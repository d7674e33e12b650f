"""``HistoryRecorder``: turns one finished statement into a ``HistoryEntry`` and appends it.

Front ends call ``record`` after each statement (any outcome). The session (catalog, schema) is read
from the live client session when given, so the entry says where the statement ran. A write error
never escapes: it is returned as one line for the caller to show once. Thread-safe (the store is).
"""

from __future__ import annotations

import time
from typing import Any, Callable

from .history import HistoryEntry, HistoryStore

__all__ = ["HistoryRecorder"]


class HistoryRecorder:
    def __init__(self, store: HistoryStore, *, wall_clock: Callable[[], float] = time.time) -> None:
        self.store = store
        self.wall_clock = wall_clock
        self.last_error: str | None = None

    def record(self, sql: str, *, config: Any, session: Any | None = None, started: float,
               duration: float, outcome: Any) -> str | None:
        """Append the statement; ``outcome`` is a core Outcome (status, rows, query_id, error?).
        Returns None, or a one-line error the first time writing fails."""
        src = session if session is not None else config
        error = getattr(outcome, "error", None)
        entry = HistoryEntry(
            sql=sql,
            server=str(getattr(config, "server", "") or ""),
            user=str(getattr(config, "user", "") or ""),
            catalog=getattr(src, "catalog", None),
            schema=getattr(src, "schema", None),
            started=round(started, 3),
            duration=round(max(0.0, duration), 3),
            rows=int(getattr(outcome, "rows", 0) or 0),
            state=str(getattr(outcome, "status", "") or ""),
            query_id=str(getattr(outcome, "query_id", "") or ""),
            error=getattr(error, "message", None) if error is not None else None,
        )
        try:
            self.store.append(entry)
        except OSError as exc:
            from .runner import one_line  # here: the runner module is not needed to append a line

            first = self.last_error is None
            self.last_error = f"History not saved: {one_line(exc)}"
            return self.last_error if first else None
        return None
