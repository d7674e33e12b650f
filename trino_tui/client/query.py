"""Public API: ``TrinoClient`` (connection + session) and ``Query`` (one running statement).

``TrinoClient.execute`` returns a ``Query`` at once, without network I/O: the POST runs on the
query's fetcher thread under the query's one CancelToken, so ``cancel()``/``stop()`` work in
every phase (while the POST is sent or retried, too). Submit failures (connection, auth, HTTP)
surface from ``wait_columns()``/``batches()`` as typed errors. ``Query.batches()`` yields
ordered ``Batch``es (every row exactly once) and raises a typed error at the failure point.
A TrinoClient runs one query at a time; Query methods other than batches()/rows() may be called
from any thread and never block on the network.
"""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING, Callable, Iterator

from .batch import Batch
from .config import ClientConfig
from .errors import QueryCancelled, TrinoTuiError
from .events import Listener
from .pipeline.pipeline import Pipeline, decoder_threads
from .pipeline.stats import PipelineStats
from .session import ClientSession
from .transport import Transport
from .types import Column, RowConverter, parse_columns

if TYPE_CHECKING:
    from .snapshots import PipelineSnapshot


class Query:
    """One running statement; a context manager (``close`` on exit). Satisfies QueryHandle."""

    def __init__(self, pipeline: Pipeline, stats: PipelineStats) -> None:
        self._pipeline = pipeline
        self._stats = stats
        self._server = pipeline.server
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
    def outcome(self) -> str | None:
        """"finished" | "failed" | "cancelled" | "stopped"; None while running."""
        return self._pipeline.outcome

    @property
    def error(self) -> TrinoTuiError | None:
        """The failure when ``outcome == "failed"``."""
        return self._pipeline.error

    # --- consuming ---------------------------------------------------------------------

    def wait_columns(self, timeout: float | None = None) -> list[Column]:
        """Columns once known ([] for statements without output); raises the query's failure."""
        if not self._server.columns_ready.wait(timeout):
            if self._pipeline.outcome in ("cancelled", "stopped"):
                raise QueryCancelled("Query was cancelled")
            raise TimeoutError("columns not known yet")
        if self._server.columns is None:
            error = self._server.error
            if error is not None:
                if isinstance(error, TrinoTuiError):
                    self._pipeline.cancel("failed", error)
                raise error
            if self._pipeline.outcome in ("cancelled", "stopped"):
                raise QueryCancelled("Query was cancelled")
            return []
        return self._server.columns

    def batches(self) -> Iterator[Batch]:
        """Ordered batches; ends after the last row or after ``stop()``."""
        if not self._iterating.acquire(blocking=False):
            raise RuntimeError("batches() is already being iterated")
        try:
            while True:
                batch = None  # drop the previous batch before producing the next (memory bound)
                try:
                    batch = self._pipeline.next_batch()
                except TrinoTuiError as exc:
                    if not isinstance(exc, QueryCancelled):
                        self._pipeline.cancel("failed", exc)
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
        """Cancel server-side and locally (any phase, non-blocking); batches() then raises QueryCancelled."""
        self._pipeline.cancel("cancelled")

    def stop(self) -> None:
        """Stop reading but keep the rows so far (non-blocking); batches() ends cleanly."""
        self._pipeline.cancel("stopped")

    def close(self, timeout: float = 2.0) -> None:
        """Cancel if still running, join all threads within ~*timeout*, ack unread segments."""
        self._pipeline.close(timeout)

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
        self.transport = transport or Transport(config, clock=clock)
        self._current: Query | None = None

    def execute(self, sql: str, *, listener: Listener | None = None) -> Query:
        """Start *sql* and return its Query at once (no network I/O on the caller's thread)."""
        if self._current is not None:
            self._current.close()
        stats = PipelineStats(
            self.clock, listener,
            {"downloaders": self.config.downloaders,
             "decoders": decoder_threads(self.config.decoders, self.config.decode_window)},
        )
        pipeline = Pipeline(self.transport, self.session, self.config, stats, parse_columns)
        self._current = Query(pipeline, stats)
        pipeline.start(sql, self.session.statement_headers())
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
