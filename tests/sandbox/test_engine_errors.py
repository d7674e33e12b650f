"""Trino-style errors from the sandbox engine: names, codes, types, messages and locations."""

from __future__ import annotations

import duckdb
import pytest

from trino_tui.sandbox.engine import SessionContext
from trino_tui.sandbox.resultset import DuckSource, StatementResult
from trino_tui.sandbox.sql_errors import TrinoError, duckdb_offset, from_duckdb, line_col
from tests.sandbox.conftest import run


def fail(engine, sql: str, session: SessionContext | None = None) -> TrinoError:
    with pytest.raises(TrinoError) as info:
        run(engine, sql, session)
    return info.value


@pytest.mark.parametrize("sql, name, code, message, line, column", [
    ("SELECT * FROM tpch.tiny.nosuch", "TABLE_NOT_FOUND", 46,
     "line 1:15: Table 'tpch.tiny.nosuch' does not exist", 1, 15),
    ("SELECT *\nFROM\n   x", "TABLE_NOT_FOUND", 46, "line 3:4: Table 'tpch.tiny.x' does not exist", 3, 4),
    ("SELECT nosuch FROM nation", "COLUMN_NOT_FOUND", 47, "line 1:8: Column 'nosuch' cannot be resolved", 1, 8),
    ("SELECT name,\n  nosuch\nFROM nation", "COLUMN_NOT_FOUND", 47,
     "line 2:3: Column 'nosuch' cannot be resolved", 2, 3),
    ("SELECT * FROM nocat.s.t", "CATALOG_NOT_FOUND", 44, "line 1:15: Catalog 'nocat' not found", 1, 15),
    ("SELECT * FROM tpch.nosuch.t", "SCHEMA_NOT_FOUND", 45, "line 1:15: Schema 'nosuch' does not exist", 1, 15),
    ("SELECT * FROM memory.nosuch.t", "SCHEMA_NOT_FOUND", 45, "line 1:15: Schema 'nosuch' does not exist", 1, 15),
    ("SELECT nationkey / 0 FROM nation", "DIVISION_BY_ZERO", 8, "Division by zero", None, None),
    ("SELECT nosuchfn(1)", "FUNCTION_NOT_FOUND", 6, "line 1:8: Function 'nosuchfn' not registered", 1, 8),
    ("INSERT INTO nation VALUES (1, 'x', 1, 'c')", "NOT_SUPPORTED", 13,
     "line 1:13: This connector does not support modifying table rows", 1, 13),
    ("DELETE FROM system.runtime.nodes", "NOT_SUPPORTED", 13,
     "line 1:13: This connector does not support modifying table rows", 1, 13),
    ("UPDATE tpch.tiny.nation SET name = 'x'", "NOT_SUPPORTED", 13,
     "line 1:8: This connector does not support modifying table rows", 1, 8),
    ("CREATE TABLE tpch.tiny.t (a bigint)", "NOT_SUPPORTED", 13,
     "line 1:14: This connector does not support creating tables", 1, 14),
])
def test_semantic_errors(sbx_engine, tiny, sql, name, code, message, line, column) -> None:
    err = fail(sbx_engine, sql, tiny)
    assert (err.error_name, err.error_code, err.error_type) == (name, code, "USER_ERROR")
    assert (err.message, err.line, err.column) == (message, line, column)


@pytest.mark.parametrize("sql, line, column, token", [
    ("SELECT FROM WHERE", 1, 13, "WHERE"),
    ("SELECT 1,\n  2 +\n  FROM nation", 3, 3, "FROM"),
    ("SELECT *\nFROM nation\nWHERE", 3, 1, "WHERE"),
    ("SELECT * FROM nation WHERE name = 'unterminated", 1, 35, None),
])
def test_syntax_errors_carry_line_and_column(sbx_engine, tiny, sql, line, column, token) -> None:
    err = fail(sbx_engine, sql, tiny)
    assert (err.error_name, err.error_code, err.error_type) == ("SYNTAX_ERROR", 1, "USER_ERROR")
    assert err.failure_type == "io.trino.sql.parser.ParsingException"
    assert (err.line, err.column) == (line, column)
    assert err.message.startswith(f"line {line}:{column}: ")
    if token:
        assert f"mismatched input '{token}'" in err.message


def test_two_statements_are_a_syntax_error(sbx_engine) -> None:
    err = fail(sbx_engine, "SELECT 1; SELECT 2")
    assert err.error_name == "SYNTAX_ERROR" and (err.line, err.column) == (1, 9)


def test_trailing_semicolon_is_accepted(sbx_engine) -> None:
    _, rows, _ = run(sbx_engine, "SELECT 1;")
    assert rows == [[1]]


def test_empty_statement(sbx_engine) -> None:
    assert fail(sbx_engine, "  -- nothing\n").error_name == "SYNTAX_ERROR"


@pytest.mark.parametrize("sql, fragment", [
    ("GRANT SELECT ON nation TO alice", "GRANT SELECT is not supported"),
    ("CALL system.runtime.kill_query('x')", "CALL SYSTEM is not supported"),
    ("REFRESH MATERIALIZED VIEW v", "REFRESH MATERIALIZED is not supported"),
    ("PRAGMA version", "PRAGMA VERSION is not supported"),
    ("COPY nation TO '/tmp/x.csv'", "COPY NATION is not supported"),
    ("ATTACH '/tmp/x.db' AS x", "ATTACH"),
    ("CREATE SCHEMA memory.s2", "CREATE SCHEMA is not supported"),
    ("CREATE SECRET s (TYPE s3)", "CREATE SECRET is not supported"),
    ("SET enable_external_access = true", "SET ENABLE_EXTERNAL_ACCESS is not supported"),
    ("RESET enable_external_access", "RESET"),
    ("INSTALL httpfs", "INSTALL HTTPFS is not supported"),
])
def test_unsupported_statements(sbx_engine, tiny, sql, fragment) -> None:
    err = fail(sbx_engine, sql, tiny)
    assert err.error_name == "NOT_SUPPORTED" and err.error_code == 13
    assert fragment in err.message


@pytest.mark.parametrize("sql", [
    "SELECT * FROM read_csv('/etc/passwd')",
    "SELECT * FROM '/etc/passwd'",
    "SELECT content FROM read_text('/etc/hostname')",
    "SELECT * FROM glob('/etc/*')",
    "CREATE TABLE memory.default.leak AS SELECT * FROM read_csv('/etc/passwd')",
])
def test_no_file_access_beyond_the_catalog(sbx_engine, sql) -> None:
    err = fail(sbx_engine, sql)
    assert err.error_name in ("PERMISSION_DENIED", "TABLE_NOT_FOUND", "MISSING_SCHEMA_NAME", "NOT_SUPPORTED")
    assert "root:" not in err.message


def test_unknown_session_property_from_headers_fails_the_query(sbx_engine) -> None:
    err = fail(sbx_engine, "SELECT 1", SessionContext(user="u", properties={"no_such_thing": "1"}))
    assert err.error_name == "INVALID_SESSION_PROPERTY" and err.error_code == 14
    assert err.message == "Session property 'no_such_thing' does not exist"


def test_runtime_error_is_a_trino_error(sbx_engine, tiny) -> None:
    err = fail(sbx_engine, "SELECT CAST('x' || comment AS INTEGER) FROM lineitem", tiny)
    assert err.error_name == "INVALID_CAST_ARGUMENT" and err.error_code == 9
    assert "\n" not in err.message


class _FailingCursor:
    """Cursor double: one good batch, then DuckDB fails (as a late runtime error would)."""

    def __init__(self) -> None:
        self.closed = False

    def fetchmany(self, n: int) -> list:
        raise duckdb.ConversionException("Conversion Error: Could not convert string 'x' to INT32")

    def interrupt(self) -> None:
        pass

    def close(self) -> None:
        self.closed = True


def test_runtime_error_mid_stream_surfaces_from_iter_chunks() -> None:
    cursor = _FailingCursor()
    translate = lambda exc: from_duckdb(exc, "SELECT 1")  # noqa: E731
    result = StatementResult([], is_query=True, source=DuckSource(cursor, [("[1]",), ("[2]",)], translate))
    chunks = result.iter_chunks(8)
    assert next(chunks) == (2, b"[1],[2]")
    with pytest.raises(TrinoError) as info:
        next(chunks)
    assert info.value.error_name == "INVALID_CAST_ARGUMENT"
    result.close()
    assert cursor.closed


def test_errors_are_single_line(sbx_engine, tiny) -> None:
    for sql in ("SELECT nosuch FROM nation", "SELEC 1", "SELECT 'a' + 1", "SELECT * FROM nation n, region n"):
        err = fail(sbx_engine, sql, tiny)
        assert "\n" not in err.message and err.message


def test_offset_helpers() -> None:
    sql = "SELECT 1,\n  2 +\n  FROM x"
    assert line_col(sql, 0) == (1, 1)
    assert line_col(sql, sql.index("FROM")) == (3, 3)
    text = 'Parser Error: syntax error at or near "FROM"\n\nLINE 3:   FROM x\n          ^'
    assert duckdb_offset(text, sql) == sql.index("FROM")
