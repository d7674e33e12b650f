"""The seam between exploration and the server: ``SqlRunner`` runs one metadata statement.

Owns: the ``SqlRunner`` protocol (``runner(sql) -> list of wire rows``; raises on failure) and
``ClientRunner``, which runs each statement through the core's ``StatementRun`` on a fresh client
from a factory so that metadata
lookups never touch the editor's query (a TrinoClient runs one query at a time) and two slow
catalogs load in parallel. Thread-safe: every call builds and closes its own client.
"""

from __future__ import annotations

import threading
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
    """``SqlRunner`` over ``trino_tui.core.run.StatementRun`` with one client per calling thread
    (built by ``factory()`` on first use and reused: one connection/login per loader thread, and a
    client still runs one query at a time). A failure raises ``MetadataError`` with the core's
    one-line description. ``close`` closes every client it built."""

    def __init__(self, factory: Callable[[], Any], *, server: str = "", max_rows: int = 200_000) -> None:
        self._factory = factory
        self._server = server
        self.max_rows = max_rows
        self._local = threading.local()
        self._lock = threading.Lock()
        self._clients: list[Any] = []
        self._closed = False

    def _client(self) -> Any:
        client = getattr(self._local, "client", None)
        if client is None:
            client = self._factory()
            with self._lock:
                if self._closed:
                    _close_quietly(client)
                    raise MetadataError("closed")
                self._clients.append(client)
            self._local.client = client
        return client

    def __call__(self, sql: str) -> list[list]:
        from trino_tui.core.run import Failed, StatementRun

        sink = _Collect(self.max_rows)
        run = sink.run = StatementRun(self._client(), sql, sink, server=self._server)
        outcome = run.run()
        if isinstance(outcome, Failed):
            raise MetadataError(outcome.error.message)
        if outcome.status == "cancelled":
            raise MetadataError("cancelled")
        return sink.rows

    def close(self) -> None:
        with self._lock:
            self._closed = True
            clients, self._clients = self._clients, []
        for client in clients:
            _close_quietly(client)


def _close_quietly(client: Any) -> None:
    try:
        client.close()
    except Exception:  # noqa: BLE001 - closing on shutdown
        pass
