"""In-memory stand-ins for TrinoClient/Query used by the headless runner tests (no server)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from trino_tui.client.errors import QueryCancelled


@dataclass
class FakeQuery:
    sql: str
    columns: list = field(default_factory=list)
    pages: list[list[list]] = field(default_factory=list)
    fail_at: int | None = None                 # raise `error` before this page
    error: BaseException | None = None
    on_page: Callable[[int], None] | None = None  # called before each page (e.g. to interrupt)
    update_type: str | None = None
    update_count: int | None = None
    warnings: list = field(default_factory=list)
    query_id: str = "20261121_000000_00001_fake0"
    cancelled: bool = False
    closed: bool = False

    def __post_init__(self) -> None:
        self.total_rows = sum(len(p) for p in self.pages)

    def __enter__(self) -> "FakeQuery":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def wait_columns(self, timeout: float | None = None) -> list:
        if self.fail_at == -1 and self.error is not None:
            raise self.error
        return self.columns

    def batches(self) -> Iterator[SimpleNamespace]:
        for i, rows in enumerate(self.pages):
            if self.on_page is not None:
                self.on_page(i)
            if self.cancelled:
                raise QueryCancelled("Query was cancelled")
            if self.fail_at == i and self.error is not None:
                raise self.error
            yield SimpleNamespace(row_offset=0, rows=rows)

    def cancel(self) -> None:
        self.cancelled = True

    def close(self) -> None:
        self.closed = True

    def snapshot(self) -> Any:
        return SimpleNamespace(
            query_id=self.query_id, server_state="FINISHED", server_stats={}, encoding=None, protocol="direct",
            elapsed=1.0, rows_delivered=self.total_rows, bytes_downloaded=0, segments_total=0,
            segments_inline=0, segments_spooled=0, segments_acked=0, pages_fetched=len(self.pages), retries=0,
            segments=(), rows_per_s=0.0, bytes_per_s=0.0,
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
            raise item
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
