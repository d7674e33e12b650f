"""In-memory stand-ins for TrinoClient/Query (CONTRACT.md shape) used by the headless runner tests.

`execute()` returns at once and never raises: a `FakeClient` item that is an exception becomes a
query whose `wait_columns()` raises it (as connection errors surface in the real client).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from tests.core.fakes import FakeBatch
from trino_tui.client import QueryCancelled


@dataclass
class FakeQuery:
    sql: str
    columns: list = field(default_factory=list)
    pages: list[list[list]] = field(default_factory=list)
    fail_at: int | None = None                 # raise `error` before this page (-1: from wait_columns)
    error: BaseException | None = None
    on_page: Callable[[int], None] | None = None  # called before each page (e.g. to interrupt)
    update_type: str | None = None
    update_count: int | None = None
    warnings: list = field(default_factory=list)
    query_id: str = "20261121_000000_00001_fake0"
    retry: Any = None                          # what snapshot().retry reports
    cancelled: bool = False
    closed: bool = False
    outcome: str | None = None

    def __post_init__(self) -> None:
        self.total_rows = sum(len(p) for p in self.pages)

    def wait_columns(self, timeout: float | None = None) -> list:
        if self.cancelled:
            raise QueryCancelled("Query was cancelled")
        if self.fail_at == -1 and self.error is not None:
            self.outcome = "failed"
            raise self.error
        return self.columns

    def batches(self) -> Iterator[FakeBatch]:
        offset = 0
        for i, rows in enumerate(self.pages):
            if self.on_page is not None:
                self.on_page(i)
            if self.cancelled:
                raise QueryCancelled("Query was cancelled")
            if self.fail_at == i and self.error is not None:
                self.outcome = "failed"
                raise self.error
            yield FakeBatch(offset, rows)
            offset += len(rows)
        self.outcome = self.outcome or "finished"

    def cancel(self) -> None:
        self.cancelled = True
        self.outcome = self.outcome or "cancelled"

    def stop(self) -> None:
        self.outcome = self.outcome or "stopped"

    def close(self, timeout: float = 2.0) -> None:
        self.closed = True

    def snapshot(self) -> Any:
        return SimpleNamespace(
            query_id=self.query_id, server_state="FINISHED", server_stats={}, encoding=None, protocol="direct",
            elapsed=1.0, now=1.0, rows_delivered=self.total_rows, bytes_downloaded=0, segments_total=0,
            segments_inline=0, segments_spooled=0, segments_acked=0, pages_fetched=len(self.pages), retries=0,
            segments=(), rows_per_s=0.0, bytes_per_s=0.0, retry=self.retry,
        )


class FakeClient:
    """Returns prepared FakeQuery objects in order; records the SQL it was given."""

    def __init__(self, *queries: FakeQuery | BaseException) -> None:
        self.queue = list(queries)
        self.executed: list[str] = []

    def execute(self, sql: str, **_: Any) -> FakeQuery:
        self.executed.append(sql)
        item = self.queue.pop(0)
        if isinstance(item, BaseException):
            item = FakeQuery(sql, fail_at=-1, error=item, query_id="")
        item.sql = sql
        return item


class LineWriter:
    """A RowWriter that writes `repr(row)` lines; `close()` writes a trailer."""

    def __init__(self, fmt: str, out: Any, columns: list) -> None:
        self.out, self.fmt = out, fmt
        out.write(f"# {fmt} {','.join(map(str, columns))}\n".encode())

    def write_rows(self, rows: list[list]) -> None:
        for row in rows:
            self.out.write((repr(row) + "\n").encode())

    def close(self) -> None:
        self.out.write(b"# end\n")
