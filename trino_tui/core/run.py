"""StatementRun: the one run loop of every front end — submit → columns → ordered batches → sink → outcome.

The TUI runner, the TUI export job and headless mode all run a statement through it:

    run = StatementRun(client, sql, sink, server=config.server, listener=...)
    outcome = run.run()            # blocking, on the caller's thread (headless: the main thread)
    run.start(on_done)             # ... or on the run's own thread; on_done(outcome) is called there

``sink.begin(columns)`` is called once (``[]`` for statements without output), ``sink.write(batch)``
once per ordered batch, ``sink.end()`` only when the rows are complete (finished, or stopped with the
rows so far kept). The outcome is typed: ``Finished`` / ``Stopped`` / ``Cancelled`` / ``Failed(error)``,
each with the rows the sink received; a run that ended early never looks finished. (The last three
live in ``core.early_outcomes``, created on first use: a finished run never pays for them; the
first two in ``core.outcome``.)

Thread-safety: ``cancel()``/``stop()`` may be called from any thread, in any phase (before the
query exists, during the POST and its retries, while streaming) and never block (the client sends
the DELETE on its own thread). ``close(timeout)`` cancels a running run and joins its thread within
*timeout*. The query is always closed (bounded) before the outcome is returned. No Textual.
"""

from __future__ import annotations

import itertools
import threading
from typing import TYPE_CHECKING, Callable, Protocol

from trino_tui.client import QueryCancelled
from trino_tui.core.errors import describe
from trino_tui.core.outcome import Finished, Outcome

if TYPE_CHECKING:
    from trino_tui.client import Batch, Column, Event, QueryHandle, TrinoClient
    from trino_tui.core.early_outcomes import Cancelled, Failed, Stopped

__all__ = ["Sink", "Outcome", "Finished", "Stopped", "Cancelled", "Failed", "StatementRun", "NullSink"]


class Sink(Protocol):
    """Where a run's rows go (a RowStore, an export writer, stdout). Called on the run's thread."""

    def begin(self, columns: "list[Column]") -> None: ...

    def write(self, batch: "Batch") -> None: ...

    def end(self) -> None: ...


class NullSink:
    """Discards rows (metadata statements, tests)."""

    def begin(self, columns: "list[Column]") -> None:
        pass

    def write(self, batch: "Batch") -> None:
        pass

    def end(self) -> None:
        pass


_EARLY_OUTCOMES = ("Stopped", "Cancelled", "Failed")  # defined in core.early_outcomes, loaded on first use


def __getattr__(name: str) -> object:
    """``Stopped``/``Cancelled``/``Failed`` from core.early_outcomes (PEP 562): a run that finishes
    never creates those classes (start-up)."""
    if name in _EARLY_OUTCOMES:
        from trino_tui.core import early_outcomes

        value = getattr(early_outcomes, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _warning_text(warning: object) -> str:
    message = warning.get("message") if isinstance(warning, dict) else warning
    return " ".join(str(message).split())


class StatementRun:
    """One statement on one client; see the module docstring."""

    _ids = itertools.count(1)

    def __init__(
        self,
        client: "TrinoClient",
        sql: str,
        sink: Sink,
        *,
        server: str = "",
        listener: "Callable[[Event], None] | None" = None,
        on_query: "Callable[[QueryHandle], None] | None" = None,
        close_timeout: float = 2.0,
    ) -> None:
        self.sql = sql
        self._client = client
        self._sink = sink
        self._server = server
        self._listener = listener
        self._on_query = on_query
        self._close_timeout = close_timeout
        self._lock = threading.Lock()
        self._query: "QueryHandle | None" = None
        self._action: str | None = None  # "cancel" | "stop", the first request wins
        self._thread: threading.Thread | None = None
        self.rows = 0
        self._begun = False
        self.outcome: Outcome | None = None
        self.done = threading.Event()

    # -- control (any thread) ------------------------------------------------------------------
    @property
    def query(self) -> "QueryHandle | None":
        """The client's query (None before ``client.execute`` returned)."""
        return self._query

    @property
    def running(self) -> bool:
        return not self.done.is_set()

    def cancel(self) -> None:
        """Cancel on the server; the outcome is ``Cancelled`` unless the query already finished."""
        self._request("cancel")

    def stop(self) -> None:
        """Stop and keep the rows so far; the outcome is ``Stopped``."""
        self._request("stop")

    def _request(self, action: str) -> None:
        with self._lock:
            if self._action is not None or self.done.is_set():
                return
            self._action = action
            query = self._query
        if query is not None:
            self._apply(query, action)

    @staticmethod
    def _apply(query: "QueryHandle", action: str) -> None:
        try:
            query.cancel() if action == "cancel" else query.stop()
        except Exception:  # noqa: BLE001 - best effort; the run's outcome reports what happened
            pass

    def start(self, on_done: Callable[[Outcome], None] | None = None) -> "StatementRun":
        """Run on a thread of this object; ``on_done(outcome)`` is called on it at the end."""

        def target() -> None:
            outcome = self.run()
            if on_done is not None:
                on_done(outcome)

        self._thread = threading.Thread(target=target, name=f"core-run-{next(self._ids)}", daemon=True)
        self._thread.start()
        return self

    def close(self, timeout: float = 2.0) -> bool:
        """Cancel if running and join the run's thread within *timeout*; True when it ended."""
        if self.running:
            self.cancel()
        thread = self._thread
        if thread is not None and thread.is_alive() and thread is not threading.current_thread():
            thread.join(timeout)
            return not thread.is_alive()
        return True

    # -- the loop (one thread) -----------------------------------------------------------------
    def run(self) -> Outcome:
        """Run to the end and return the outcome (also kept in ``self.outcome``). Never raises,
        except ``KeyboardInterrupt`` (after cancelling and closing the query)."""
        try:
            outcome = self._execute()
        except QueryCancelled:
            outcome = self._ended_early()
        except KeyboardInterrupt:
            self._apply_to_query("cancel")
            self._close_query()
            self.done.set()
            raise
        except BaseException as exc:  # noqa: BLE001 - every failure is described, never a traceback
            self._apply_to_query("cancel")
            from trino_tui.core.early_outcomes import Failed

            outcome = Failed(self.rows, self._query_id(), error=describe(
                exc, sql=self.sql, server=self._server, query_id=self._query_id() or None))
        self._close_query()
        self.outcome = outcome
        self.done.set()
        return outcome

    def _execute(self) -> Outcome:
        with self._lock:
            action = self._action
        if action == "cancel":
            from trino_tui.core.early_outcomes import Cancelled

            return Cancelled()
        query = self._client.execute(self.sql, listener=self._listener)
        with self._lock:
            self._query = query
            action = self._action
        if self._on_query is not None:
            self._on_query(query)
        if action is not None:
            self._apply(query, action)
        columns = query.wait_columns()
        self._sink.begin(list(columns))
        self._begun = True
        for batch in query.batches():
            self._sink.write(batch)
            self.rows += batch.row_count
        if query.outcome in ("cancelled", "stopped") or (query.outcome != "finished" and self._action is not None):
            return self._ended_early()
        self._sink.end()
        return Finished(
            self.rows, query.query_id, update_type=query.update_type, update_count=query.update_count,
            warnings=tuple(_warning_text(w) for w in (query.warnings or ())),
        )

    def _ended_early(self) -> Outcome:
        from trino_tui.core.early_outcomes import Cancelled, Failed, Stopped

        query = self._query
        stopped = self._action == "stop" or (query is not None and query.outcome == "stopped")
        if stopped:
            try:
                if self._begun:
                    self._sink.end()
            except Exception as exc:  # noqa: BLE001
                return Failed(self.rows, self._query_id(), error=describe(exc, server=self._server))
            return Stopped(self.rows, self._query_id())
        return Cancelled(self.rows, self._query_id())

    def _query_id(self) -> str:
        query = self._query
        return (query.query_id or "") if query is not None else ""

    def _apply_to_query(self, action: str) -> None:
        query = self._query
        if query is not None:
            self._apply(query, action)

    def _close_query(self) -> None:
        query = self._query
        if query is not None:
            try:
                query.close(timeout=self._close_timeout)
            except Exception:  # noqa: BLE001 - closing is best effort; the outcome stands
                pass
