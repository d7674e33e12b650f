"""``ExploreConnection``: the exploration state of one connection (server + user) — a task pool,
the ``CatalogLoader`` and the ``FunctionCatalog`` (cached per server) — and a completion engine
over them. Owns its pool: ``close`` joins it within a bound.
"""

from __future__ import annotations

from typing import Callable

from .catalog import CatalogLoader
from .completion import CompletionEngine
from .functions import FunctionCatalog
from .history import safe_server
from .runner import SqlRunner
from .tasks import TaskPool

__all__ = ["ExploreConnection", "connection_key"]


def connection_key(server: str, user: str) -> str:
    return f"{user}@{safe_server(server)}"


class ExploreConnection:
    def __init__(self, runner: SqlRunner, *, key: str = "", workers: int = 4) -> None:
        self.key = key
        self._runner = runner
        self.pool = TaskPool(workers, name="explore")
        self.loader = CatalogLoader(runner, key=key, pool=self.pool)
        self.functions = FunctionCatalog(runner, self.pool, on_loaded=self._functions_loaded)
        self._on_functions: list[Callable[[], None]] = []

    def on_functions_loaded(self, fn: Callable[[], None]) -> None:
        self._on_functions.append(fn)

    def _functions_loaded(self) -> None:
        for fn in list(self._on_functions):
            try:
                fn()
            except Exception:  # noqa: BLE001
                pass

    def engine(self, defaults: Callable[[], tuple[str | None, str | None]]) -> CompletionEngine:
        return CompletionEngine(self.loader, self.functions, defaults=defaults)

    def close(self, timeout: float = 2.0) -> None:
        """Join the pool's threads (bounded), then close the runner's clients (if it has any)."""
        self.pool.close(timeout)
        close = getattr(self._runner, "close", None)
        if callable(close):
            close()
