"""PlanJob: fetches one query plan (EXPLAIN text, then its JSON form) off the UI thread.

Owns one thread and, while it runs, one ``core.run.StatementRun`` on its own client (the app's
client may be busy with a query). ``start()``; ``cancel()`` (any thread, non-blocking: cancels the
statement on the server); ``close(timeout)`` cancels and joins within the bound. The result goes
to ``deliver(PlanResult)`` on the job's thread (the caller posts a message). EXPLAIN ANALYZE runs
the statement, so it is run once, as text only.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any, Callable

from trino_tui.core.run import Failed, StatementRun
from trino_tui.core.run_slot import RunSlot
from trino_tui.explore.plan import explain_sql


@dataclass(frozen=True)
class PlanResult:
    kind: str
    sql: str
    text: str | None          # the text plan (first column of the answer, rows joined)
    json_text: str | None     # the JSON plan, when the server gave one
    error: str | None         # one line


class _Collect:
    """A Sink keeping the first column of every row (EXPLAIN answers one row)."""

    def __init__(self) -> None:
        self.parts: list[str] = []

    def begin(self, columns: Any) -> None:
        pass

    def write(self, batch: Any) -> None:
        self.parts.extend(str(row[0]) for row in batch.wire_rows() if row)

    def end(self) -> None:
        pass


class PlanJob:
    """See the module docstring."""

    def __init__(self, client_factory: Callable[[], Any], statement: str, kind: str,
                 deliver: Callable[[PlanResult], None], *, server: str = "") -> None:
        self._factory = client_factory
        self.statement, self.kind = statement, kind
        self._deliver = deliver
        self._server = server
        self._slot = RunSlot()
        self._thread = threading.Thread(target=self._main, name=f"tui-plan-{kind}", daemon=True)

    def start(self) -> "PlanJob":
        self._thread.start()
        return self

    def cancel(self) -> None:
        self._slot.cancel()

    def close(self, timeout: float = 2.0) -> bool:
        self.cancel()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout)
        return not self._thread.is_alive()

    def _one(self, client: Any, sql: str) -> tuple[str | None, str | None]:
        sink = _Collect()
        run = StatementRun(client, sql, sink, server=self._server)
        if not self._slot.enter(run):
            return None, "cancelled"
        try:
            outcome = run.run()
        finally:
            self._slot.leave()
        if isinstance(outcome, Failed):
            return None, outcome.error.message
        if outcome.status != "finished":
            return None, outcome.status
        return "\n".join(sink.parts), None

    def _main(self) -> None:
        text_sql = explain_sql(self.statement, self.kind, json_format=False)
        text = json_text = error = None
        client = None
        try:
            client = self._factory()
            text, error = self._one(client, text_sql)
            if error is None and self.kind != "analyze":
                json_text, _ = self._one(client, explain_sql(self.statement, self.kind, json_format=True))
        except Exception as exc:  # noqa: BLE001 - one line for the user
            error = " ".join(str(exc).split()) or type(exc).__name__
        finally:
            if client is not None:
                try:
                    client.close()
                except Exception:  # noqa: BLE001
                    pass
        if not self._slot.cancelled:
            self._deliver(PlanResult(self.kind, text_sql, text, json_text, error))
