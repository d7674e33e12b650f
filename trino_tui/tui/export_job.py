"""ExportJob: writes a result to a file on one thread (no widgets touched).

Owns one thread (``start``/``cancel``/``close(timeout)`` joins it within the bound). Two sources:
  * ``StoreSource`` — the grid's RowStore, read chunk by chunk with ``iter_chunks()``;
  * ``QuerySource`` — a statement run through core's ``StatementRun`` on its own TrinoClient and
    streamed straight to the writer, never held in memory or the grid.
Both feed one ``WriterSink``. The file is written through ``atomic_output``: it appears complete
or not at all (a failed or cancelled export leaves nothing behind). Progress is posted at most
every ``interval`` seconds; ``ExportDone`` is posted exactly once, its error worded by
``core.errors.describe``.
"""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING, Any, BinaryIO, Callable

from trino_tui.core.errors import describe
from trino_tui.core.run import Cancelled, Failed, Outcome, StatementRun
from trino_tui.core.run_slot import RunSlot
from trino_tui.tui.messages import ExportDone, ExportProgress

if TYPE_CHECKING:
    from trino_tui.client import Batch, Column, TrinoClient
    from trino_tui.core.rowstore import RowStore


class ExportCancelled(Exception):
    """The user cancelled the export."""


class WriterSink:
    """core Sink onto an export writer; counts rows and reports progress (export thread only)."""

    def __init__(self, fmt: str, out: BinaryIO, cancelled: threading.Event,
                 progress: Callable[[int], None]) -> None:
        self._fmt = fmt
        self._out = out
        self._cancelled = cancelled
        self._progress = progress
        self._writer: Any = None
        self.rows = 0

    def begin(self, columns: "list[Column]") -> None:
        from trino_tui.export import create_writer

        self._writer = create_writer(self._fmt, self._out, columns)

    def write(self, batch: "Batch") -> None:
        self.write_rows(batch.wire_rows())

    def write_rows(self, rows: list[list]) -> None:
        if self._cancelled.is_set():
            raise ExportCancelled()
        self._writer.write_rows(rows)
        self.rows += len(rows)
        self._progress(self.rows)

    def end(self) -> None:
        if self._cancelled.is_set():
            raise ExportCancelled()
        self._writer.close()


class StoreSource:
    """Rows already held in a RowStore (must stay open until the job is closed)."""

    def __init__(self, store: "RowStore") -> None:
        self.store = store

    def run(self, sink: WriterSink) -> Outcome:
        sink.begin(list(self.store.columns))
        for rows in self.store.iter_chunks():
            sink.write_rows(rows)
        sink.end()
        return Outcome(sink.rows)

    def cancel(self) -> None:
        pass

    def close(self, timeout: float = 2.0) -> None:
        pass


class QuerySource:
    """A statement run on a dedicated client (``client_factory()``), rows streamed batch by batch."""

    def __init__(self, client_factory: Callable[[], "TrinoClient"], sql: str, *, server: str = "") -> None:
        self._factory = client_factory
        self.sql = sql
        self._server = server
        self._lock = threading.Lock()
        self._slot = RunSlot()
        self._client: Any = None

    def run(self, sink: WriterSink) -> Outcome:
        client = self._factory()
        run = StatementRun(client, self.sql, sink, server=self._server)
        with self._lock:
            self._client = client
        self._slot.enter(run)
        try:
            return run.run()
        finally:
            self._slot.leave()

    def cancel(self) -> None:
        self._slot.cancel()

    def close(self, timeout: float = 2.0) -> None:
        with self._lock:
            client = self._client
        if client is not None:
            try:
                client.close()
            except Exception:  # noqa: BLE001 - closing is best effort
                pass


class _Discard(Exception):
    """Abort the atomic output (its temp file is removed)."""


class ExportJob:
    """Write ``source`` to ``path`` in format ``fmt`` on a worker thread."""

    _ids = iter(range(1, 1 << 62))

    def __init__(
        self,
        source: StoreSource | QuerySource,
        path: str,
        fmt: str,
        post: Callable[[Any], object],
        *,
        interval: float = 0.1,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.job_id = next(self._ids)
        self.source = source
        self.path = path
        self.fmt = fmt
        self._post = post
        self._interval = interval
        self._clock = clock
        self._last = float("-inf")
        self._cancel = threading.Event()
        self._thread = threading.Thread(target=self._main, name=f"tui-export-{self.job_id}", daemon=True)
        self.rows = 0
        self.error: str | None = None
        self.done = threading.Event()

    def start(self) -> "ExportJob":
        self._thread.start()
        return self

    def cancel(self) -> None:
        """Abandon the export (the target file is left untouched)."""
        self._cancel.set()
        self.source.cancel()

    def close(self, timeout: float = 2.0) -> bool:
        """Cancel if running and join the thread within *timeout*; True when it ended."""
        if not self.done.is_set():
            self.cancel()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout)
        return not self._thread.is_alive()

    def _progress(self, rows: int) -> None:
        self.rows = rows
        now = self._clock()
        if now - self._last >= self._interval:
            self._last = now
            self._post(ExportProgress(self.job_id, rows))

    def _main(self) -> None:
        from trino_tui.export import atomic_output

        outcome: Outcome | None = None
        try:
            with atomic_output(self.path) as out:
                sink = WriterSink(self.fmt, out, self._cancel, self._progress)
                self._last = self._clock()
                outcome = self.source.run(sink)
                self.rows = sink.rows
                if isinstance(outcome, (Failed, Cancelled)) or self._cancel.is_set():
                    raise _Discard()
        except (_Discard, ExportCancelled):
            pass
        except Exception as exc:  # noqa: BLE001 - one line for the user, file removed by atomic_output
            if not self._cancel.is_set():
                self.error = describe(exc, sql=getattr(self.source, "sql", "")).message
        finally:
            self.source.close()
        if isinstance(outcome, Failed) and not self._cancel.is_set():
            self.error = outcome.error.message
        cancelled = self.error is None and (self._cancel.is_set() or isinstance(outcome, Cancelled)
                                            or outcome is None)
        self.done.set()
        self._post(ExportDone(self.job_id, self.path, self.rows, self.error, cancelled))
