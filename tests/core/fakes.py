"""A contract-shaped fake TrinoClient/Query (CONTRACT.md): execute() returns at once, the fake's
``script`` drives what wait_columns()/batches() do, cancel()/stop() are recorded and honoured.
Deterministic: a test releases the fake's phases with events, never with sleeps."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any, Iterator

from trino_tui.client import Column, QueryCancelled, TrinoType


def columns(*names: str) -> list[Column]:
    return [Column(n, TrinoType("bigint", (), "bigint")) for n in names]


@dataclass
class FakeBatch:
    row_offset: int
    rows: list[list]
    segment: int | None = None
    payload: bytes | None = None
    encoding: str | None = None
    uncompressed_size: int | None = None

    @property
    def row_count(self) -> int:
        return len(self.rows)

    def wire_rows(self) -> list[list]:
        return self.rows

    def row_runs(self):
        """The rows in runs, as Batch.row_runs gives them (here: one run)."""
        yield self.rows


@dataclass
class Script:
    """What the fake query does: ``columns`` (or ``error`` raised by wait_columns), then
    ``batches``; ``fail_after`` raises ``error`` after that many batches. ``gate_columns``/
    ``gate_batch`` block those phases until set (or until cancel/stop)."""

    columns: list[Column] = field(default_factory=lambda: columns("a"))
    batches: list[list[list]] = field(default_factory=list)
    error: BaseException | None = None
    fail_after: int | None = None
    gate_columns: threading.Event | None = None
    gate_batch: threading.Event | None = None
    update_type: str | None = None
    update_count: int | None = None
    warnings: list[dict] = field(default_factory=list)


class FakeQuery:
    def __init__(self, script: Script) -> None:
        self.script = script
        self.query_id = "q1"
        self.info_uri = ""
        self.columns: list[Column] | None = None
        self.state = "RUNNING"
        self.stats: dict = {}
        self.update_type = script.update_type
        self.update_count = script.update_count
        self.warnings = script.warnings
        self.encoding = None
        self.outcome: str | None = None
        self.error = None
        self.calls: list[str] = []
        self.closed_with: float | None = None
        self._woken = threading.Event()

    def _wait(self, gate: threading.Event | None) -> None:
        if gate is None:
            return
        while not gate.is_set() and not self._woken.is_set():
            self._woken.wait(0.01)

    def _check(self) -> bool:
        if self.outcome == "cancelled":
            raise QueryCancelled("Query was cancelled")
        return self.outcome == "stopped"

    def wait_columns(self, timeout: float | None = None) -> list[Column]:
        self._wait(self.script.gate_columns)
        self._check()
        if self.script.error is not None and self.script.fail_after is None:
            self.outcome = "failed"
            raise self.script.error
        self.columns = self.script.columns
        return self.columns

    def batches(self) -> Iterator[FakeBatch]:
        offset = 0
        for i, rows in enumerate(self.script.batches):
            if self.script.fail_after is not None and i == self.script.fail_after:
                self.outcome = "failed"
                raise self.script.error  # type: ignore[misc]
            if i > 0:
                self._wait(self.script.gate_batch)
            if self._check():
                return
            yield FakeBatch(offset, rows)
            offset += len(rows)
        if self._check():
            return
        self.outcome = "finished"

    def cancel(self) -> None:
        self.calls.append("cancel")
        if self.outcome is None:
            self.outcome = "cancelled"
        self._woken.set()

    def stop(self) -> None:
        self.calls.append("stop")
        if self.outcome is None:
            self.outcome = "stopped"
        self._woken.set()

    def close(self, timeout: float = 2.0) -> None:
        self.calls.append("close")
        self.closed_with = timeout

    def snapshot(self) -> Any:
        return None


class FakeClient:
    def __init__(self, script: Script | None = None, *, execute_error: BaseException | None = None) -> None:
        self.script = script or Script()
        self.execute_error = execute_error
        self.queries: list[FakeQuery] = []
        self.executed: list[str] = []

    def execute(self, sql: str, *, listener: Any = None) -> FakeQuery:
        self.executed.append(sql)
        if self.execute_error is not None:
            raise self.execute_error
        q = FakeQuery(self.script)
        self.queries.append(q)
        return q

    def close(self) -> None:
        pass


class ListSink:
    def __init__(self, fail_on_write: BaseException | None = None) -> None:
        self.columns: list[Column] | None = None
        self.rows: list[list] = []
        self.ended = False
        self.fail_on_write = fail_on_write

    def begin(self, cols: list[Column]) -> None:
        self.columns = cols

    def write(self, batch: Any) -> None:
        if self.fail_on_write is not None:
            raise self.fail_on_write
        self.rows.extend(batch.wire_rows())

    def end(self) -> None:
        self.ended = True
