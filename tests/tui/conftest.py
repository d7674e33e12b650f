"""Fixtures for the TUI tests: an in-process sandbox (module scope), a scriptable fake client,
fake clipboard and a fixed clock.

The fake client lets tests hold a query at a chosen point (``FakeQuery.gate``) so intermediate
states are asserted by waiting on conditions, never by sleeping.
"""

from __future__ import annotations

import threading
from typing import Any, Callable, Iterator

import pytest

from trino_tui.client import Column, QueryCancelled, QueryFailed, parse_columns

from tests.core.fakes import FakeBatch  # noqa: F401 - the contract-shaped batch, shared with the core tests


def make_columns(*specs: tuple[str, str]) -> list[Column]:
    """Columns from (name, type) pairs, e.g. ("n", "bigint")."""
    return parse_columns([{"name": n, "type": t} for n, t in specs])


class FakeQuery:
    """A contract-shaped Query stand-in: yields ``batches``; ``gate`` (if set) is waited on before
    batch ``gate_at`` (``gate_at=-1``: before the columns, i.e. while the statement is submitted).
    cancel()/stop() release the gate, like the real query's single cancel token."""

    def __init__(self, columns, batches, *, error: Exception | None = None, gate_at: int | None = None,
                 snapshot: Any = None):
        self.query_id = "fake_query_1"
        self.info_uri = ""
        self.columns = columns
        self._batches = batches
        self._error = error
        self.gate = threading.Event()
        self.gate_at = gate_at
        self.reached_gate = threading.Event()
        self.cancelled = threading.Event()
        self.stop_requested = threading.Event()
        self.closed = False
        self.outcome: str | None = None
        self.update_type = None
        self.update_count = None
        self.warnings: list = []
        self.delivered = 0
        self._snapshot = snapshot

    def _hold(self) -> None:
        self.reached_gate.set()
        self.gate.wait(10)

    def wait_columns(self, timeout: float | None = None):
        if self.gate_at == -1:
            self._hold()
        if self.cancelled.is_set():
            self.outcome = "cancelled"
            raise QueryCancelled("Query was cancelled")
        if self._error is not None and not self._batches:
            self.outcome = "failed"
            raise self._error
        return self.columns

    def batches(self) -> Iterator[FakeBatch]:
        for i, batch in enumerate(self._batches):
            if self.gate_at is not None and i == self.gate_at:
                self._hold()
            if self.cancelled.is_set():
                self.outcome = "cancelled"
                raise QueryCancelled("Query was cancelled")
            if self.stop_requested.is_set():
                self.outcome = "stopped"
                return
            self.delivered += len(batch.rows)
            yield batch
        if self._error is not None:
            self.outcome = "failed"
            raise self._error
        self.outcome = "finished"

    def cancel(self) -> None:
        self.cancelled.set()
        self.gate.set()

    def stop(self) -> None:
        self.stop_requested.set()
        self.gate.set()

    def close(self, timeout: float = 2.0) -> None:
        self.closed = True

    def snapshot(self):
        return self._snapshot


class FakeClient:
    """Returns queries built by ``factory(sql)``; records the statements it was given."""

    def __init__(self, factory: Callable[[str], FakeQuery]):
        self.factory = factory
        self.executed: list[str] = []
        self.queries: list[FakeQuery] = []
        self._cond = threading.Condition()

    def execute(self, sql: str, *, listener=None) -> FakeQuery:
        q = self.factory(sql)
        with self._cond:
            self.executed.append(sql)
            self.queries.append(q)
            self._cond.notify_all()
        return q

    def wait_query(self, n: int = 1, timeout: float = 10.0) -> FakeQuery:
        """The ``n``-th query executed, waiting (on a condition) until it exists."""
        with self._cond:
            if not self._cond.wait_for(lambda: len(self.queries) >= n, timeout):
                raise AssertionError(f"query {n} never started")
            return self.queries[n - 1]

    def close(self) -> None:
        pass


def int_batches(total: int, per_batch: int) -> list[FakeBatch]:
    return [
        FakeBatch(start, [[i, f"row {i}"] for i in range(start, min(total, start + per_batch))])
        for start in range(0, total, per_batch)
    ]


def failed(message: str = "line 1:8: mismatched input", line: int = 1, column: int = 8) -> QueryFailed:
    return QueryFailed(
        error_name="SYNTAX_ERROR",
        error_type="USER_ERROR",
        error_code=1,
        message=message,
        line=line,
        column=column,
        query_id="q1",
    )


@pytest.fixture
def fake_columns():
    return make_columns(("n", "bigint"), ("label", "varchar"))


@pytest.fixture(scope="module")
def sandbox():
    """A sandbox on 127.0.0.1:0 shared by one test module (data: tpch tiny)."""
    sb_mod = pytest.importorskip("trino_tui.sandbox")
    sb = sb_mod.Sandbox(sb_mod.SandboxConfig(port=0)).start()
    try:
        yield sb
    finally:
        sb.stop()


def make_settings(server: str = "http://127.0.0.1:9", **values):
    """core Settings for a test app (no environment, no profile)."""
    from trino_tui.core.settings import resolve

    return resolve({}, env={}, overrides={"server": server, "user": "test", **values})


@pytest.fixture
def client_settings(sandbox):
    return make_settings(sandbox.url, catalog="tpch", schema="tiny")

