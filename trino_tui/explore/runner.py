"""The seam between exploration and the server: ``SqlRunner`` runs one metadata statement.

Owns: the ``SqlRunner`` protocol (``runner(sql) -> list of wire rows``; raises on failure) and
``ClientRunner``, which runs each statement through the core's ``StatementRun`` on a fresh client
from a factory so that metadata
lookups never touch the editor's query (a TrinoClient runs one query at a time) and two slow
catalogs load in parallel. Thread-safe: every call builds and closes its own client.
"""

from __future__ import annotations

from typing import Any, Callable, Protocol

__all__ = ["ClientRunner", "MetadataError", "SqlRunner", "one_line"]


class SqlRunner(Protocol):
    """Runs ``sql`` to completion and returns its rows as wire values; raises on failure."""

    def __call__(self, sql: str) -> list[list]: ...


def one_line(exc: BaseException) -> str:
    """An exception as one short line for an error node or a notification."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 300 else text[:299] + "…"


class MetadataError(RuntimeError):
    """A metadata statement did not finish; ``str()`` is the one-line description."""


class _Collect:
    """A core ``Sink`` that keeps wire rows (bounded by ``max_rows``; ``run`` stops past it)."""

    def __init__(self, max_rows: int) -> None:
        self.rows: list[list] = []
        self.max_rows = max_rows
        self.run = None

    def begin(self, columns) -> None:
        pass

    def write(self, batch) -> None:
        self.rows.extend(batch.wire_rows())
        if len(self.rows) >= self.max_rows and self.run is not None:
            self.run.stop()

    def end(self) -> None:
        pass


class ClientRunner:
    """``SqlRunner`` over ``trino_tui.core.run.StatementRun``: ``factory()`` builds a client per call
    (closed afterwards); a failure raises ``MetadataError`` with the core's one-line description."""

    def __init__(self, factory: Callable[[], Any], *, server: str = "", max_rows: int = 200_000) -> None:
        self._factory = factory
        self._server = server
        self.max_rows = max_rows

    def __call__(self, sql: str) -> list[list]:
        from trino_tui.core.run import Failed, StatementRun

        client = self._factory()
        try:
            sink = _Collect(self.max_rows)
            run = sink.run = StatementRun(client, sql, sink, server=self._server)
            outcome = run.run()
        finally:
            try:
                client.close()
            except Exception:  # noqa: BLE001
                pass
        if isinstance(outcome, Failed):
            raise MetadataError(outcome.error.message)
        if outcome.status == "cancelled":
            raise MetadataError("cancelled")
        return sink.rows
