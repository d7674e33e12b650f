"""The seam between exploration and the server: ``SqlRunner`` runs one metadata statement.

Owns: the ``SqlRunner`` protocol (``runner(sql) -> list of wire rows``; raises on failure) and
``ClientRunner``, which runs each statement on a fresh client from a factory so that metadata
lookups never touch the editor's query (a TrinoClient runs one query at a time) and two slow
catalogs load in parallel. Thread-safe: every call builds and closes its own client.
"""

from __future__ import annotations

from typing import Any, Callable, Protocol

__all__ = ["ClientRunner", "SqlRunner", "one_line"]


class SqlRunner(Protocol):
    """Runs ``sql`` to completion and returns its rows as wire values; raises on failure."""

    def __call__(self, sql: str) -> list[list]: ...


def one_line(exc: BaseException) -> str:
    """An exception as one short line for an error node or a notification."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 300 else text[:299] + "…"


class ClientRunner:
    """``SqlRunner`` over the client API: ``factory()`` -> an object with ``execute(sql)``
    returning a query with ``wait_columns``, ``batches`` (each ``wire_rows()``) and ``close``."""

    def __init__(self, factory: Callable[[], Any], *, max_rows: int = 200_000) -> None:
        self._factory = factory
        self.max_rows = max_rows

    def __call__(self, sql: str) -> list[list]:
        client = self._factory()
        try:
            query = client.execute(sql)
            try:
                query.wait_columns()
                rows: list[list] = []
                for batch in query.batches():
                    rows.extend(batch.wire_rows())
                    if len(rows) >= self.max_rows:
                        query.stop()
                        break
                return rows
            finally:
                query.close()
        finally:
            client.close()
