"""ExportJob: writes a result to a file in one thread (no widgets touched).

Owns one thread (``start``/``cancel``/``close`` joins it). Two sources:
  * ``StoreSource`` — the grid's RowStore, read chunk by chunk with ``iter_chunks()``;
  * ``QuerySource`` — a statement run on its own TrinoClient and streamed straight to the writer,
    never held in memory or the grid.
The file is written through ``atomic_output``: it appears complete or not at all (a failed or
cancelled export leaves nothing behind). Progress is posted at most every ``interval`` seconds;
``ExportDone`` is posted exactly once.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any, Callable, Iterator, Sequence

from trino_tui.tui.messages import ExportDone, ExportProgress


class ExportCancelled(Exception):
    """The user cancelled the export."""


@dataclass
class StoreSource:
    """Rows already held in a RowStore (must stay open until the job is closed)."""

    store: Any

    def open(self) -> tuple[Sequence[Any], Iterator[list[list]]]:
        return self.store.columns, self.store.iter_chunks()

    def cancel(self) -> None:
        pass

    def close(self) -> None:
        pass


class QuerySource:
    """A statement run on a dedicated client (``client_factory()``), rows streamed batch by batch."""

    def __init__(self, client_factory: Callable[[], Any], sql: str) -> None:
        self._factory = client_factory
        self.sql = sql
        self._client: Any = None
        self._query: Any = None
        self._lock = threading.Lock()
        self._cancelled = False

    def open(self) -> tuple[Sequence[Any], Iterator[list[list]]]:
        client = self._factory()
        with self._lock:
            self._client = client
        query = client.execute(self.sql)
        with self._lock:
            self._query = query
            cancelled = self._cancelled
        if cancelled:
            query.cancel()
        columns = query.wait_columns()
        return columns, (b.wire_rows() for b in query.batches())

    def cancel(self) -> None:
        with self._lock:
            self._cancelled = True
            query = self._query
        if query is not None:
            query.cancel()

    def close(self) -> None:
        with self._lock:
            query, client = self._query, self._client
        for obj in (query, client):
            if obj is not None:
                try:
                    obj.close()
                except Exception:  # noqa: BLE001
                    pass


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
        self._cancel = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"tui-export-{self.job_id}", daemon=True)
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

    def close(self) -> None:
        """Cancel if running and join the thread."""
        if not self.done.is_set():
            self.cancel()
        if self._thread.is_alive():
            self._thread.join()

    def _run(self) -> None:
        from trino_tui.export import atomic_output, create_writer
        from trino_tui.tui.runner import one_line

        cancelled = False
        try:
            columns, chunks = self.source.open()
            last = self._clock()
            with atomic_output(self.path) as out:
                writer = create_writer(self.fmt, out, columns)
                for rows in chunks:
                    if self._cancel.is_set():
                        raise ExportCancelled()
                    writer.write_rows(rows)
                    self.rows += len(rows)
                    now = self._clock()
                    if now - last >= self._interval:
                        last = now
                        self._post(ExportProgress(self.job_id, self.rows))
                if self._cancel.is_set():
                    raise ExportCancelled()
                writer.close()
        except ExportCancelled:
            cancelled = True
        except Exception as exc:  # noqa: BLE001 - one line for the user, file removed by atomic_output
            if self._cancel.is_set():
                cancelled = True
            else:
                self.error = one_line(exc)
        finally:
            self.source.close()
        self.done.set()
        self._post(ExportDone(self.job_id, self.path, self.rows, self.error, cancelled))
