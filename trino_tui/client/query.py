"""Public API: ``TrinoClient`` (connection + session) and ``Query`` (one running statement).

``TrinoClient.execute`` POSTs the statement synchronously (so connection/auth errors raise
there), then starts a ``Pipeline`` and returns a ``Query`` at once. ``Query.batches()`` yields
ordered ``Batch``es (every row exactly once) and raises a typed error at the failure point.
A TrinoClient runs one query at a time; Query methods other than batches()/rows() may be
called from any thread.
"""

from __future__ import annotations

import threading
import time
from typing import Callable, Iterator

from .config import ClientConfig
from .errors import QueryCancelled, TrinoTuiError
from .events import Listener, PipelineSnapshot
from .pipeline.finalizer import Batch
from .pipeline.pipeline import Pipeline, decoder_threads
from .pipeline.stats import PipelineStats
from .session import ClientSession
from .transport import Transport
from .types import Column, RowConverter, parse_columns


class Query:
    """One running statement; a context manager (``close`` on exit)."""

    def __init__(self, pipeline: Pipeline, stats: PipelineStats) -> None:
        self._pipeline = pipeline
        self._stats = stats
        self._server = pipeline.server
        self.stopped = False
        self._iterating = threading.Lock()

    # --- server facts ------------------------------------------------------------------

    @property
    def query_id(self) -> str:
        return self._server.query_id or ""

    @property
    def info_uri(self) -> str:
        return self._server.info_uri

    @property
    def columns(self) -> list[Column] | None:
        return self._server.columns

    @property
    def state(self) -> str:
        return self._server.state

    @property
    def stats(self) -> dict:
        return self._server.stats

    @property
    def update_type(self) -> str | None:
        return self._server.update_type

    @property
    def update_count(self) -> int | None:
        return self._server.update_count

    @property
    def warnings(self) -> list[dict]:
        return self._server.warnings

    @property
    def encoding(self) -> str | None:
        return self._server.encoding

    @property
    def finished(self) -> bool:
        return self._pipeline.outcome == "finished"

    # --- consuming ---------------------------------------------------------------------

    def wait_columns(self, timeout: float | None = None) -> list[Column]:
        """Columns once known ([] for statements without output); raises the query's failure."""
        if not self._server.columns_ready.wait(timeout):
            raise TimeoutError("columns not known yet")
        if self._server.columns is None:
            if self._server.error is not None:
                raise self._server.error
            if self._pipeline.outcome in ("cancelled", "stopped"):
                raise QueryCancelled("Query was cancelled")
            return []
        return self._server.columns

    def batches(self) -> Iterator[Batch]:
        """Ordered batches of wire rows; ends after the last row or after ``stop()``."""
        if not self._iterating.acquire(blocking=False):
            raise RuntimeError("batches() is already being iterated")
        try:
            while True:
                batch = None  # drop the previous batch before producing the next (memory bound)
                try:
                    batch = self._pipeline.next_batch()
                except TrinoTuiError as exc:
                    if not isinstance(exc, QueryCancelled):
                        self._pipeline.cancel("failed", detail=str(exc))
                    self._pipeline.close()
                    raise
                if batch is None:
                    self._pipeline.close()
                    return
                yield batch
        finally:
            self._iterating.release()

    def rows(self) -> Iterator[tuple]:
        """Converted rows (Python values per the official client's mapping)."""
        columns = self.wait_columns()
        convert = RowConverter(columns).convert
        for batch in self.batches():
            for row in batch.wire_rows():
                yield convert(row)

    # --- control -----------------------------------------------------------------------

    def cancel(self) -> None:
        """Cancel server-side and locally; batches() then raises QueryCancelled."""
        self._pipeline.cancel("cancelled")

    def stop(self) -> None:
        """Stop reading but keep the rows so far; batches() ends cleanly."""
        self.stopped = self._pipeline.outcome in (None, "stopped")
        self._pipeline.cancel("stopped")

    def close(self) -> None:
        """Cancel if still running, join all threads, ack unread segments."""
        self._pipeline.close()

    def snapshot(self) -> PipelineSnapshot:
        return self._stats.snapshot()

    def __enter__(self) -> "Query":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class TrinoClient:
    """Connection to one Trino server; runs one query at a time. Context manager."""

    def __init__(
        self, config: ClientConfig, *, clock: Callable[[], float] = time.monotonic,
        transport: Transport | None = None,
    ) -> None:
        self.config = config
        self.clock = clock
        self.session = ClientSession.from_config(config)
        self.transport = transport or Transport(config)
        self._current: Query | None = None

    def execute(self, sql: str, *, listener: Listener | None = None) -> Query:
        """Submit *sql* and return the running Query (raises on connection/auth errors)."""
        if self._current is not None:
            self._current.close()
        stats = PipelineStats(
            self.clock, listener,
            {"downloaders": self.config.downloaders, "decoders": decoder_threads(self.config.decoders)},
        )
        first, headers = self.transport.post_statement(sql, self.session.statement_headers())
        pipeline = Pipeline(self.transport, self.session, self.config, stats, parse_columns)
        stats.query_id = first.id
        stats.query_event("started")
        pipeline.start(first, headers)
        self._current = Query(pipeline, stats)
        return self._current

    def close(self) -> None:
        if self._current is not None:
            self._current.close()
            self._current = None
        self.transport.close()

    def __enter__(self) -> "TrinoClient":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
