"""``FunctionCatalog``: the server's function names for completion, from ``SHOW FUNCTIONS``.

Loaded once per server in the background on first use; until then (and when the server refuses
the statement) a built-in list of common Trino functions is offered. Thread-safe.
"""

from __future__ import annotations

import threading
from typing import Callable

from .keywords import FALLBACK_FUNCTIONS
from .runner import SqlRunner, one_line
from .tasks import TaskPool

__all__ = ["FunctionCatalog"]


class FunctionCatalog:
    """``names()`` -> ((name, return type), ...) without blocking; ``on_loaded`` fires on a pool thread."""

    def __init__(self, runner: SqlRunner, pool: TaskPool, on_loaded: Callable[[], None] | None = None) -> None:
        self._runner = runner
        self._pool = pool
        self._on_loaded = on_loaded
        self._lock = threading.Lock()
        self._names: tuple[tuple[str, str], ...] | None = None
        self._requested = False
        self.error: str | None = None

    @property
    def loaded(self) -> bool:
        return self._names is not None

    def names(self) -> tuple[tuple[str, str], ...]:
        with self._lock:
            names, requested = self._names, self._requested
            self._requested = True
        if names is not None:
            return names
        if not requested:
            self._pool.submit(self._load)
        return FALLBACK_FUNCTIONS

    def _load(self) -> None:
        try:
            rows = self._runner("SHOW FUNCTIONS")
            seen: dict[str, str] = {}
            for row in rows:
                if row and isinstance(row[0], str) and row[0] not in seen:
                    seen[row[0]] = str(row[1]) if len(row) > 1 and row[1] is not None else ""
            names = tuple(sorted(seen.items())) or FALLBACK_FUNCTIONS
        except Exception as exc:  # noqa: BLE001 - keep offering the built-in list
            self.error = one_line(exc)
            names = FALLBACK_FUNCTIONS
        with self._lock:
            self._names = names
        if self._on_loaded is not None:
            self._on_loaded()
