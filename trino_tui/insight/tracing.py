"""`--trace FILE` for the TUI and headless mode: a client wrapper that records every statement.

Owns the trace file (opened at start, closed with the wrapper), the ClientConfig carrying the
writer's ``http`` hook, and one TraceRecorder per statement (started by ``execute``, closed when
the next statement starts or the wrapper closes). ``TracedClient`` has the TrinoClient surface
the front ends use (execute/close/session/config, context manager). Thread-safety: as
TrinoClient (one query at a time); the recorder thread only samples snapshots.
"""

from __future__ import annotations

import dataclasses
import time
from typing import IO, Any

from trino_tui.client import ClientConfig, ConfigError, TrinoClient
from trino_tui.insight.recorder import TraceRecorder
from trino_tui.insight.trace import TraceWriter


class TraceFileError(ConfigError):
    """The trace file cannot be opened (one line; a bad --trace value, exit status 2)."""


def open_writer(path: str, server: str = "") -> tuple[TraceWriter, IO[str]]:
    from trino_tui import __version__

    try:
        out = open(path, "w", encoding="utf-8")  # noqa: SIM115 - closed by TracedClient.close
    except OSError as exc:
        raise TraceFileError(f"cannot write the trace file {path}: {exc.strerror or exc}") from None
    return TraceWriter(out, server=server, wall_start=time.time(), version=__version__), out


def traced_config(config: ClientConfig, writer: TraceWriter) -> ClientConfig:
    """*config* whose ``trace`` hook feeds *writer* (any hook already set still gets records)."""
    previous = config.trace

    def hook(record: dict) -> None:
        writer.http(record)
        if previous is not None:
            previous(record)

    return dataclasses.replace(config, trace=hook)


class TracedClient:
    """A TrinoClient whose statements are all recorded into one trace file."""

    def __init__(self, config: ClientConfig, path: str, **client_kwargs: Any) -> None:
        self.writer, self._out = open_writer(path, config.server)
        self.path = path
        self._client = TrinoClient(traced_config(config, self.writer), **client_kwargs)
        self._recorder: TraceRecorder | None = None
        self._query: Any = None

    @property
    def session(self) -> Any:
        return self._client.session

    @property
    def config(self) -> ClientConfig:
        return self._client.config

    def execute(self, sql: str, **kwargs: Any) -> Any:
        self._finish()
        self.writer.statement(sql)
        query = self._client.execute(sql, **kwargs)
        self._query = query
        self._recorder = TraceRecorder(self.writer, query.snapshot).start()
        return query

    def _finish(self) -> None:
        """Close the current statement's recorder with the query's outcome."""
        recorder, query = self._recorder, self._query
        self._recorder = self._query = None
        if recorder is None or query is None:
            return
        snap = query.snapshot()
        error = getattr(query, "error", None)
        recorder.close(getattr(query, "outcome", None), snap.rows_delivered,
                       str(error) if error is not None else None)

    def close(self) -> str | None:
        """Close the client and the trace file; returns a write error (one line), if any."""
        try:
            self._client.close()
        finally:
            self._finish()
            error = self.writer.close()
            self._out.close()
        return error

    def __enter__(self) -> "TracedClient":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
