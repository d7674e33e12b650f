"""QueryRunner: runs one statement off the UI thread and fills a RowStore.

Owns one runner thread (plus a short-lived canceller thread, so a slow DELETE never blocks the UI)
and the run's CoalescingBridge; ``close()`` joins all of them. The thread:
  1. closes the previous runner (queries are serialized: TrinoClient runs one query at a time),
  2. ``client.execute(sql)``, ``wait_columns()``, creates the RowStore and posts ``ResultStarted``,
  3. appends every ordered Batch to the store, notifying the bridge (≤ 20 progress messages/s;
     the first rows are posted at once so they are painted without waiting for the bridge),
  4. posts exactly one ``QueryDone`` with the outcome (finished/stopped/cancelled/failed).
Every failure becomes a one-line message; a run that ends early never looks like a finished one.
``cancel()``/``stop()`` are thread-safe and may be called before the query exists.
"""

from __future__ import annotations

import threading
from typing import Any, Callable, Sequence

from trino_tui.client.errors import QueryCancelled, QueryFailed, TrinoTuiError
from trino_tui.tui.bridge import CoalescingBridge
from trino_tui.tui.messages import QueryDone, QueryOutcome, QueryProgress, ResultStarted


def one_line(exc: BaseException) -> str:
    """A single-line user message for any exception."""
    text = " ".join(str(exc).split())
    if isinstance(exc, TrinoTuiError):
        return text or type(exc).__name__
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


class QueryRunner:
    """One statement's run; see the module docstring for the thread contract."""

    def __init__(
        self,
        client: Any,
        sql: str,
        *,
        generation: int,
        post: Callable[[Any], object],
        store_factory: Callable[[Sequence[Any]], Any],
        previous: "QueryRunner | None" = None,
        min_interval: float = 0.05,
    ) -> None:
        self.sql = sql
        self.generation = generation
        self._client = client
        self._post = post
        self._store_factory = store_factory
        self._previous = previous
        self._lock = threading.Lock()
        self._query: Any = None
        self._store: Any = None
        self._action: str | None = None  # "cancel" | "stop" requested by the user
        self._cancellers: list[threading.Thread] = []
        self._thread = threading.Thread(target=self._run, name=f"tui-query-{generation}", daemon=True)
        self._bridge = CoalescingBridge(post, self._progress, min_interval=min_interval)
        self.outcome: QueryOutcome | None = None
        self.done = threading.Event()

    # -- control (any thread) ---------------------------------------------------------------
    def start(self) -> "QueryRunner":
        self._thread.start()
        return self

    @property
    def running(self) -> bool:
        return not self.done.is_set()

    @property
    def store(self) -> Any:
        """The RowStore this run created (None before its columns are known)."""
        return self._store

    @property
    def rows(self) -> int:
        store = self._store
        return len(store) if store is not None else 0

    def cancel(self) -> None:
        """Cancel on the server; the run ends as "cancelled" (rows so far stay visible)."""
        self._request("cancel")

    def stop(self) -> None:
        """Stop and keep the rows so far; the run ends as "stopped"."""
        self._request("stop")

    def close(self) -> None:
        """Cancel if still running and join every thread this runner started."""
        if self.running:
            self.cancel()
        if self._thread.is_alive() and threading.current_thread() is not self._thread:
            self._thread.join()
        with self._lock:
            cancellers = list(self._cancellers)
        for t in cancellers:
            t.join()

    def _request(self, action: str) -> None:
        with self._lock:
            if self._action is not None or self.done.is_set():
                return
            self._action = action
            query = self._query
        if query is not None:
            self._apply(query, action)

    def _apply(self, query: Any, action: str) -> None:
        """Call query.cancel()/stop() on a helper thread: a DELETE must not block the UI."""
        t = threading.Thread(target=self._safe_call, args=(getattr(query, action),), name="tui-cancel")
        with self._lock:
            self._cancellers.append(t)
        t.start()

    @staticmethod
    def _safe_call(fn: Callable[[], object]) -> None:
        try:
            fn()
        except Exception:  # noqa: BLE001 - best effort; the run's outcome reports the state
            pass

    # -- runner thread ---------------------------------------------------------------------------
    def _progress(self) -> QueryProgress:
        query = self._query
        snap = query.snapshot() if query is not None else None
        return QueryProgress(self.generation, snap, self.rows)

    def _run(self) -> None:
        outcome: QueryOutcome
        try:
            outcome = self._execute()
        except QueryCancelled:
            outcome = QueryOutcome("cancelled", self.rows)
        except QueryFailed as exc:
            outcome = QueryOutcome(
                "failed",
                self.rows,
                message=one_line(exc),
                error_line=getattr(exc, "line", None),
                error_column=getattr(exc, "column", None),
            )
        except Exception as exc:  # noqa: BLE001 - every failure reaches the user as one line
            outcome = QueryOutcome("failed", self.rows, message=one_line(exc))
        self._bridge.close(final=self._query is not None)
        query = self._query
        snap = None
        if query is not None:
            try:
                query.close()
            except Exception:  # noqa: BLE001
                pass
            try:
                snap = query.snapshot()
            except Exception:  # noqa: BLE001
                snap = None
        self.outcome = outcome
        self.done.set()
        self._post(QueryDone(self.generation, outcome, snap))

    def _execute(self) -> QueryOutcome:
        if self._previous is not None:
            self._previous.close()
            self._previous = None
        if self._action == "cancel":
            raise QueryCancelled("cancelled before it started")
        query = self._client.execute(self.sql, listener=lambda _event: self._bridge.notify())
        with self._lock:
            self._query = query
            action = self._action
        self._bridge.start()
        if action is not None:
            self._apply(query, action)
        columns = query.wait_columns()
        store = self._store_factory(columns)
        self._store = store
        self._post(ResultStarted(self.generation, store))
        first = True
        for batch in query.batches():
            store.append(batch)
            if first and batch.rows:
                first = False
                self._post(self._progress())  # first rows: paint now, not after the bridge's pause
            else:
                self._bridge.notify()
        if self._action == "cancel" and not getattr(query, "finished", False):
            raise QueryCancelled("cancelled")
        status = "stopped" if getattr(query, "stopped", False) else "finished"
        return QueryOutcome(
            status,
            len(store),
            update_type=getattr(query, "update_type", None),
            update_count=getattr(query, "update_count", None),
        )
