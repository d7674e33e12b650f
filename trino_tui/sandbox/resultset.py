"""Statement results of the sandbox engine and their chunked Trino-JSON row streams.

Owns: `ResultColumn`, `StatementResult` and its row sources: `ListSource` (rows encoded in
Python, for SHOW/DESCRIBE/DDL) and `DuckSource` (a DuckDB cursor streaming one JSON text per
row, fetched in bounded batches, so memory stays bounded whatever the result size). A result is consumed by one thread at a time; `close` may be
called from another thread and makes a running `iter_chunks` stop at its next batch.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, Protocol

import orjson

from .trino_types import TrinoType


@dataclass(frozen=True)
class ResultColumn:
    name: str
    type: str              # Trino "type" string, e.g. "decimal(12, 2)"
    type_signature: dict   # Trino typeSignature JSON (§9.3)

    @staticmethod
    def of(name: str, t: TrinoType) -> "ResultColumn":
        text = t.text.upper() if t.raw.startswith("interval ") else t.text  # Trino's protocol writes
        return ResultColumn(name, text, t.signature())                      # INTERVAL DAY TO SECOND


class RowSource(Protocol):
    def fetch(self, n: int) -> list[str]:
        """Up to n more JSON row texts; [] at the end."""
        ...

    def close(self) -> None: ...


class ListSource:
    """Rows already known in Python (small results); each row is a list of JSON-able values."""

    def __init__(self, rows: list[list[Any]]) -> None:
        self._texts = [orjson.dumps(r).decode() for r in rows]
        self._pos = 0

    def fetch(self, n: int) -> list[str]:
        out = self._texts[self._pos:self._pos + n]
        self._pos += len(out)
        return out

    def close(self) -> None:
        self._texts = []


class DuckSource:
    """Streams JSON row texts from a DuckDB cursor whose pending (streaming) result has one
    VARCHAR column. Owns the cursor.
    `first` is a batch fetched eagerly (so early execution errors surface in Engine.execute).
    `assemble` turns a fetched row tuple into its JSON text (default: the tuple's one text column);
    `failed`: a runtime error met while starting, raised by the first fetch (the columns are known)."""

    def __init__(self, cursor: Any, first: list[tuple], translate: Callable[[BaseException], Exception],
                 assemble: Callable[[tuple], str] | None = None, failed: BaseException | None = None) -> None:
        self._assemble = assemble or _first_column
        self._failed = failed  # raised (translated) by the first fetch
        self._cursor = cursor
        self._first: list[tuple] | None = first
        self._translate = translate
        self._closed = threading.Event()
        self._lock = threading.Lock()

    def fetch(self, n: int) -> list[str]:
        if self._failed is not None:
            failed, self._failed = self._failed, None
            raise self._translate(failed) from None
        if self._first:
            first, self._first = self._first, None
            return [self._assemble(r) for r in first]
        with self._lock:
            if self._closed.is_set():
                return []
            try:
                batch = self._cursor.fetchmany(max(1, n))
            except Exception as exc:  # DuckDB runtime error mid-stream
                if self._closed.is_set():
                    return []
                raise self._translate(exc) from None
        return [self._assemble(r) for r in batch]

    def close(self) -> None:
        self._closed.set()
        try:
            self._cursor.interrupt()
        except Exception:
            pass
        with self._lock:
            try:
                self._cursor.close()
            except Exception:
                pass


@dataclass(frozen=True)
class SessionChanges:
    """Client-session changes a statement asks for (they become X-Trino-* response headers)."""

    added_prepare: dict[str, str] = field(default_factory=dict)      # X-Trino-Added-Prepare
    deallocated_prepare: tuple[str, ...] = ()                        # X-Trino-Deallocated-Prepare
    started_transaction_id: str | None = None                        # X-Trino-Started-Transaction-Id
    clear_transaction_id: bool = False                               # X-Trino-Clear-Transaction-Id
    set_role: dict[str, str] = field(default_factory=dict)           # X-Trino-Set-Role (catalog -> role)
    set_authorization_user: str | None = None                        # X-Trino-Set-Authorization-User
    reset_authorization_user: bool = False                           # X-Trino-Reset-Authorization-User


def _first_column(row: tuple) -> str:
    return row[0]


@dataclass
class StatementResult:
    """Outcome of one statement. `iter_chunks` yields (row_count, rows_json) with rows encoded as
    Trino's JSON encoder would, comma-joined without outer brackets: b'[1,"a"],[2,"b"]'."""

    columns: list[ResultColumn]
    is_query: bool
    source: RowSource | None = None
    update_type: str | None = None
    update_count: int | None = None
    set_catalog: str | None = None
    set_schema: str | None = None
    set_session: dict[str, str] = field(default_factory=dict)
    clear_session: list[str] = field(default_factory=list)
    total_rows: int | None = None
    changes: SessionChanges = field(default_factory=SessionChanges)
    scans: bool = True   # the statement reads a table (False: constants/VALUES only)

    def iter_chunks(self, target_bytes: int = 256 * 1024) -> Iterator[tuple[int, bytes]]:
        """Chunks of ~target_bytes (a single row larger than that is its own chunk). The batch
        size adapts to the observed row width, so most batches become one chunk unchanged."""
        if self.source is None:
            return
        target = max(1, target_bytes)
        want = 256
        pending: list[bytes] = []
        pending_rows = pending_size = 0
        while True:
            batch = self.source.fetch(want)
            if not batch:
                break
            data = ",".join(batch).encode()
            avg = max(1.0, len(data) / len(batch))
            if len(data) > 2 * target and len(batch) > 1:
                if pending:
                    yield pending_rows, b",".join(pending)
                    pending, pending_rows, pending_size = [], 0, 0
                yield from _split(batch, target)
            else:
                pending.append(data)
                pending_rows += len(batch)
                pending_size += len(data) + 1
                if pending_size >= target:
                    yield pending_rows, b",".join(pending)
                    pending, pending_rows, pending_size = [], 0, 0
            want = max(1, int((target - pending_size) / avg))
        if pending_rows:
            yield pending_rows, b",".join(pending)

    def close(self) -> None:
        if self.source is not None:
            self.source.close()


def _split(batch: list[str], target: int) -> Iterator[tuple[int, bytes]]:
    """Cut an oversized batch into chunks of about `target` bytes."""
    rows: list[str] = []
    size = 0
    for text in batch:
        rows.append(text)
        size += len(text) + 1
        if size >= target:
            yield len(rows), ",".join(rows).encode()
            rows, size = [], 0
    if rows:
        yield len(rows), ",".join(rows).encode()
