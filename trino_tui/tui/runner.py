"""QueryRunner: the TUI's run of one statement — core.StatementRun into a RowStore, with coalesced messages.

Owns one core ``StatementRun`` (its thread) and the run's ``CoalescingBridge``; ``close(timeout)``
joins both within the bound. On the run's thread:
  1. the previous runner is closed first (bounded): a TrinoClient runs one query at a time,
  2. the ``StoreSink`` creates the RowStore when the columns are known and posts ``ResultStarted``,
     then appends every ordered batch (segment bytes are kept, not decoded) and notifies the bridge
     (≤ 10 progress messages/s; the first rows are decoded on this thread and posted at once, so
     they paint without waiting for the bridge or the grid's loader),
  3. exactly one ``QueryDone`` carries the core outcome (Finished / Stopped / Cancelled / Failed).
The bridge runs from the start, so a statement waiting on its POST (or retrying it) still shows
its pipeline snapshot (e.g. "retrying in 2 s"). ``cancel()``/``stop()`` are thread-safe,
non-blocking and work in any phase, also before the query exists. Never touches widgets.
"""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING, Any, Callable, Sequence

from trino_tui.core.rowstore import RowStore
from trino_tui.core.run import Outcome, StatementRun
from trino_tui.tui.bridge import CoalescingBridge
from trino_tui.tui.messages import QueryDone, QueryProgress, ResultStarted

if TYPE_CHECKING:
    from trino_tui.client import Batch, Column, QueryHandle, TrinoClient


WARM_ROWS = 200
"""Rows decoded on the runner thread as soon as they arrive (the grid's first screen + width sample)."""


class StoreSink:
    """core Sink that fills a RowStore made by ``store_factory(columns)`` (runner thread only)."""

    def __init__(self, store_factory: Callable[[Sequence["Column"]], RowStore],
                 on_store: Callable[[RowStore], None], on_rows: Callable[[bool], None]) -> None:
        self._factory = store_factory
        self._on_store = on_store
        self._on_rows = on_rows
        self.store: RowStore | None = None
        self._first = True

    def begin(self, columns: "list[Column]") -> None:
        self.store = self._factory(columns)
        self._on_store(self.store)

    def write(self, batch: "Batch") -> None:
        assert self.store is not None
        self.store.append(batch)
        if batch.row_count:
            self._on_rows(self._first)
            self._first = False

    def end(self) -> None:
        pass


class QueryRunner:
    """One statement's run; see the module docstring for the thread contract."""

    def __init__(
        self,
        client: "TrinoClient",
        sql: str,
        *,
        generation: int,
        post: Callable[[Any], object],
        store_factory: Callable[[Sequence["Column"]], RowStore] = RowStore,
        previous: "QueryRunner | None" = None,
        server: str = "",
        min_interval: float = 0.1,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.sql = sql
        self.generation = generation
        self._post = post
        self._previous = previous
        self._clock = clock
        self._sink = StoreSink(store_factory, self._started, self._rows_arrived)
        self._run = StatementRun(client, sql, self._sink, server=server,
                                 listener=lambda _event: self._bridge.notify())
        self._bridge = CoalescingBridge(post, self._progress, min_interval=min_interval,
                                        name=f"tui-bridge-{generation}")
        self._thread = threading.Thread(target=self._main, name=f"tui-query-{generation}", daemon=True)

    # -- control (any thread) ---------------------------------------------------------------
    def start(self) -> "QueryRunner":
        self._bridge.start()
        self._thread.start()
        return self

    @property
    def running(self) -> bool:
        return self._run.running

    @property
    def done(self):  # threading.Event
        return self._run.done

    @property
    def outcome(self) -> Outcome | None:
        return self._run.outcome

    @property
    def query(self) -> "QueryHandle | None":
        """The query this run submitted (None before ``execute``); its stats/snapshot are cheap."""
        return self._run.query

    @property
    def store(self) -> RowStore | None:
        """The RowStore this run created (None before its columns are known)."""
        return self._sink.store

    @property
    def rows(self) -> int:
        store = self._sink.store
        return len(store) if store is not None else 0

    def cancel(self) -> None:
        """Cancel on the server; the run ends as "cancelled" (rows so far stay visible)."""
        self._run.cancel()

    def stop(self) -> None:
        """Stop and keep the rows so far; the run ends as "stopped"."""
        self._run.stop()

    def close(self, timeout: float = 2.0) -> bool:
        """Cancel if running and join this runner's threads within *timeout*; True when all ended."""
        deadline = self._clock() + timeout
        if self._run.running:
            self._run.cancel()
        thread = self._thread
        if thread.is_alive() and thread is not threading.current_thread():
            thread.join(max(0.0, deadline - self._clock()))
        self._bridge.close(final=False, timeout=max(0.0, deadline - self._clock()))
        return not thread.is_alive()

    # -- runner thread ---------------------------------------------------------------------------
    def _main(self) -> None:
        previous, self._previous = self._previous, None
        if previous is not None:
            previous.close()
        self._finish(self._run.run())

    def _started(self, store: RowStore) -> None:
        self._post(ResultStarted(self.generation, store))

    def _rows_arrived(self, first: bool) -> None:
        if first:
            store = self._sink.store
            if store is not None:
                # decode the first rows here (not on the UI thread): the grid's first frame and its
                # width sample then read them from the store's cache instead of asking its loader
                try:
                    store.rows(0, WARM_ROWS)
                except Exception:  # noqa: BLE001 - the grid reports unreadable rows itself
                    pass
            self._post(self._progress())  # first rows: paint now, not after the bridge's pause
        else:
            self._bridge.notify()

    def _progress(self) -> QueryProgress:
        query = self._run.query
        snap = query.snapshot() if query is not None else None
        return QueryProgress(self.generation, snap, self.rows)

    def _finish(self, outcome: Outcome) -> None:
        self._bridge.close(final=self._run.query is not None)
        query = self._run.query
        snap = None
        if query is not None:
            try:
                snap = query.snapshot()
            except Exception:  # noqa: BLE001 - the outcome matters more than the last snapshot
                snap = None
        self._post(QueryDone(self.generation, outcome, snap))
