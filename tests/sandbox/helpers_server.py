"""Test helpers for the sandbox server: a tiny fake engine and sandbox context managers.

The fake engine lets server tests run without DuckDB: it knows a few synthetic tables
(`numbers_<N>`: bigint n, varchar s) and statements, and follows the real engine's interface
(execute -> result with columns / is_query / iter_chunks; errors carry Trino error fields).
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, field
from typing import Any, Iterator

import orjson

from trino_tui.sandbox import Sandbox, SandboxConfig

BIGINT_SIG = {"rawType": "bigint", "arguments": []}
VARCHAR_SIG = {"rawType": "varchar", "arguments": [{"kind": "LONG", "value": 2147483647}]}


@dataclass
class FakeColumn:
    name: str
    type: str
    type_signature: dict


class FakeTrinoError(Exception):
    def __init__(self, message: str, error_name: str = "SYNTAX_ERROR", error_code: int = 1,
                 error_type: str = "USER_ERROR", line: int | None = None, column: int | None = None):
        super().__init__(message)
        self.message, self.error_name, self.error_code = message, error_name, error_code
        self.error_type, self.line, self.column = error_type, line, column
        self.failure_type = "io.trino.sql.parser.ParsingException"


@dataclass
class FakeResult:
    columns: list[FakeColumn]
    rows: list[list] = field(default_factory=list)
    is_query: bool = True
    update_type: str | None = None
    update_count: int | None = None
    set_catalog: str | None = None
    set_schema: str | None = None
    set_session: dict = field(default_factory=dict)
    clear_session: list = field(default_factory=list)
    fail_after_rows: int | None = None

    def iter_chunks(self, target_bytes: int) -> Iterator[tuple[int, bytes]]:
        buf: list[bytes] = []
        size = 0
        for i, row in enumerate(self.rows):
            if self.fail_after_rows is not None and i >= self.fail_after_rows:
                raise FakeTrinoError("Division by zero", "DIVISION_BY_ZERO", 8)
            b = orjson.dumps(row)
            buf.append(b)
            size += len(b) + 1
            if size >= target_bytes:
                yield len(buf), b",".join(buf)
                buf, size = [], 0
        if buf:
            yield len(buf), b",".join(buf)


def number_rows(n: int) -> list[list]:
    return [[i, f"row-{i:08d}-" + "x" * 40] for i in range(n)]


class FakeEngine:
    """Understands: SELECT * FROM numbers_<N>; SELECT * FROM failing_<N>; SET SESSION a = 'b';
    USE cat.schema; anything containing 'syntax error' fails with SYNTAX_ERROR at line 1 col 8."""

    def __init__(self) -> None:
        self.executed: list[tuple[str, Any]] = []

    def execute(self, sql: str, ctx: Any) -> FakeResult:
        self.executed.append((sql, ctx))
        cols = [FakeColumn("n", "bigint", BIGINT_SIG), FakeColumn("s", "varchar", VARCHAR_SIG)]
        if "syntax error" in sql:
            raise FakeTrinoError("line 1:8: mismatched input 'error'", line=1, column=8)
        m = re.fullmatch(r"SELECT \* FROM (numbers|failing)_(\d+)", sql.strip())
        if m:
            fail = int(m.group(2)) // 2 if m.group(1) == "failing" else None
            return FakeResult(cols, number_rows(int(m.group(2))), fail_after_rows=fail)
        m = re.fullmatch(r"SET SESSION (\w+) = '(.*)'", sql.strip())
        if m:
            return FakeResult([], [], is_query=False, update_type="SET SESSION", set_session={m.group(1): m.group(2)})
        m = re.fullmatch(r"USE (\w+)\.(\w+)", sql.strip())
        if m:
            return FakeResult([], [], is_query=False, update_type="USE", set_catalog=m.group(1),
                              set_schema=m.group(2))
        if sql.strip().startswith("SHOW"):
            return FakeResult([FakeColumn("Table", "varchar", VARCHAR_SIG)], [["a"], ["b"]], is_query=False)
        raise FakeTrinoError(f"Table '{sql}' does not exist", "TABLE_NOT_FOUND", 46, "USER_ERROR", 1, 15)


def fast_config(**knobs: Any) -> SandboxConfig:
    """Small sizes and short polls so tests see several segments and responses quickly."""
    base = dict(poll_wait=0.2, initial_segment_size=16 * 1024, max_segment_size=64 * 1024,
                inlining_max_rows=100, inlining_max_size=16 * 1024)
    base.update(knobs)
    return SandboxConfig(**base)


@contextlib.contextmanager
def fake_sandbox(**knobs: Any) -> Iterator[Sandbox]:
    """A started sandbox over the fake engine (127.0.0.1, ephemeral ports)."""
    sb = Sandbox(fast_config(**knobs), engine=FakeEngine())
    sb.start()
    try:
        yield sb
    finally:
        sb.stop()


@contextlib.contextmanager
def real_sandbox(**knobs: Any) -> Iterator[Sandbox]:
    """A started sandbox over the real DuckDB engine (tpch tiny)."""
    sb = Sandbox(fast_config(**knobs))
    sb.start()
    try:
        yield sb
    finally:
        sb.stop()


def fetch_all(conn: Any, sql: str) -> list[list]:
    """All rows of *sql* on an official-client DB-API connection, which is closed afterwards."""
    try:
        cur = conn.cursor()
        cur.execute(sql)
        return cur.fetchall()
    finally:
        conn.close()


def trino_connect(sb: Sandbox, encoding: str | None, **kw: Any):
    """Official trino client DB-API connection to *sb* (encoding None → direct protocol)."""
    import trino

    host, port = sb.url.removeprefix("http://").rsplit(":", 1)
    return trino.dbapi.connect(host=host, port=int(port), user="tester", http_scheme="http",
                               encoding=encoding, **kw)
