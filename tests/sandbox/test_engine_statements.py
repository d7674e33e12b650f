"""Trino-only statements of the sandbox engine: USE, SET/RESET SESSION, SHOW, DESCRIBE, EXPLAIN,
memory-catalog DDL/DML and the system.runtime tables."""

from __future__ import annotations

import pytest

from trino_tui.sandbox.engine import SessionContext
from trino_tui.sandbox.sql_errors import TrinoError
from tests.sandbox.conftest import run


def names(result) -> list[tuple[str, str]]:
    return [(c.name, c.type) for c in result.columns]


def test_show_catalogs(sbx_engine) -> None:
    result, rows, _ = run(sbx_engine, "SHOW CATALOGS")
    assert names(result) == [("Catalog", "varchar(6)")]  # real Trino 476: varchar(longest name)
    assert rows == [["memory"], ["system"], ["tpch"]]
    assert not result.is_query and result.update_type is None
    _, rows, _ = run(sbx_engine, "SHOW CATALOGS LIKE 't%'")
    assert rows == [["tpch"]]


def test_show_schemas(sbx_engine, tiny) -> None:
    result, rows, _ = run(sbx_engine, "SHOW SCHEMAS FROM tpch")
    assert names(result) == [("Schema", "varchar")]
    assert ["tiny"] in rows and ["sf1"] in rows
    _, rows, _ = run(sbx_engine, "SHOW SCHEMAS IN memory")
    assert rows == [["default"], ["information_schema"]]
    _, rows, _ = run(sbx_engine, "SHOW SCHEMAS", tiny)
    assert ["tiny"] in rows
    with pytest.raises(TrinoError, match="Catalog 'nope' not found"):
        run(sbx_engine, "SHOW SCHEMAS FROM nope")


def test_show_tables(sbx_engine, tiny) -> None:
    result, rows, _ = run(sbx_engine, "SHOW TABLES", tiny)
    assert names(result) == [("Table", "varchar")]
    assert rows == [[t] for t in ["customer", "lineitem", "nation", "orders", "part", "partsupp", "region",
                                  "supplier"]]
    _, rows, _ = run(sbx_engine, "SHOW TABLES FROM system.runtime")
    assert rows == [["nodes"], ["queries"]]
    _, rows, _ = run(sbx_engine, "SHOW TABLES FROM tpch.sf100 LIKE 'n%'")   # listing does not generate
    assert rows == [["nation"]]


def test_describe_and_show_columns(sbx_engine, tiny) -> None:
    result, rows, _ = run(sbx_engine, "DESCRIBE nation", tiny)
    assert names(result) == [("Column", "varchar"), ("Type", "varchar"), ("Extra", "varchar"), ("Comment", "varchar")]
    assert rows == [["nationkey", "bigint", "", ""], ["name", "varchar(25)", "", ""],
                    ["regionkey", "bigint", "", ""], ["comment", "varchar(152)", "", ""]]
    _, rows2, _ = run(sbx_engine, "SHOW COLUMNS FROM tpch.tiny.nation")
    assert rows2 == rows
    _, rows, _ = run(sbx_engine, "DESCRIBE memory.default.all_types")
    assert ["c_char", "char(5)", "", ""] in rows and ["c_interval_ym", "interval year to month", "", ""] in rows
    with pytest.raises(TrinoError, match="Table 'tpch.tiny.nope' does not exist"):
        run(sbx_engine, "DESCRIBE nope", tiny)


def test_use(sbx_engine, tiny) -> None:
    result, rows, chunks = run(sbx_engine, "USE memory.default")
    assert (result.update_type, result.set_catalog, result.set_schema) == ("USE", "memory", "default")
    assert result.columns == [] and chunks == [] and not result.is_query
    result, _, _ = run(sbx_engine, "USE sf1", tiny)
    assert (result.set_catalog, result.set_schema) == (None, "sf1")  # real Trino: Set-Schema only
    with pytest.raises(TrinoError) as info:
        run(sbx_engine, "USE nope")
    assert info.value.error_name == "MISSING_CATALOG_NAME"
    with pytest.raises(TrinoError) as info:
        run(sbx_engine, "USE tpch.nope")
    assert info.value.error_name == "SCHEMA_NOT_FOUND" and info.value.message == "line 1:5: Schema 'nope' does not exist"


@pytest.mark.parametrize("sql, prop, value", [
    ("SET SESSION spooling_enabled = false", "spooling_enabled", "false"),
    ("set session spooling_inlining_max_rows = 10", "spooling_inlining_max_rows", "10"),
    ("SET SESSION query_max_run_time = '10m'", "query_max_run_time", "10m"),
    ("SET SESSION spooling_max_segment_size = '2MB'", "spooling_max_segment_size", "2MB"),
])
def test_set_session(sbx_engine, sql, prop, value) -> None:
    result, _, chunks = run(sbx_engine, sql)
    assert result.update_type == "SET SESSION" and result.set_session == {prop: value}
    assert result.columns == [] and chunks == []


def test_set_session_errors(sbx_engine) -> None:
    with pytest.raises(TrinoError) as info:
        run(sbx_engine, "SET SESSION no_such = 1")
    assert (info.value.error_name, info.value.error_code) == ("INVALID_SESSION_PROPERTY", 14)
    assert info.value.message == "line 1:23: Session property 'no_such' does not exist"  # real Trino 476 points at the value
    with pytest.raises(TrinoError, match="must be true or false"):
        run(sbx_engine, "SET SESSION spooling_enabled = 'maybe'")


def test_reset_and_show_session(sbx_engine) -> None:
    result, _, _ = run(sbx_engine, "RESET SESSION spooling_enabled")
    assert result.update_type == "RESET SESSION" and result.clear_session == ["spooling_enabled"]
    session = SessionContext(user="u", properties={"spooling_enabled": "false"})
    result, rows, _ = run(sbx_engine, "SHOW SESSION LIKE 'spooling_enabled'", session)
    assert [c.name for c in result.columns] == ["Name", "Value", "Default", "Type", "Description"]
    assert rows[0][:4] == ["spooling_enabled", "false", "true", "boolean"]


def test_explain(sbx_engine, tiny) -> None:
    result, rows, _ = run(sbx_engine, "EXPLAIN SELECT count(*) FROM lineitem WHERE quantity > 10", tiny)
    assert names(result)[0][0] == "Query Plan" and names(result)[0][1].startswith("varchar(")
    assert not result.is_query and len(rows) == 1 and "aggregate" in rows[0][0].lower()
    with pytest.raises(TrinoError) as info:
        run(sbx_engine, "EXPLAIN SELECT * FROM nope", tiny)
    assert info.value.error_name == "TABLE_NOT_FOUND" and (info.value.line, info.value.column) == (1, 23)


def test_memory_ddl_and_dml(sbx_engine, tiny) -> None:
    result, rows, _ = run(sbx_engine, "CREATE TABLE memory.default.t_ctas AS SELECT * FROM nation", tiny)
    assert (result.update_type, result.update_count, rows) == ("CREATE TABLE", 25, [[25]])
    assert names(result) == [("rows", "bigint")]
    try:
        result, rows, _ = run(sbx_engine, "INSERT INTO memory.default.t_ctas SELECT * FROM nation WHERE regionkey = 1",
                              tiny)
        assert (result.update_type, result.update_count, rows) == ("INSERT", 5, [[5]])
        result, rows, _ = run(sbx_engine, "DELETE FROM memory.default.t_ctas WHERE regionkey = 0", tiny)
        assert (result.update_type, result.update_count) == ("DELETE", 5)
        _, rows, _ = run(sbx_engine, "SELECT count(*) FROM memory.default.t_ctas")
        assert rows == [[25]]
        session = SessionContext(user="u", catalog="memory", schema="default")
        result, _, _ = run(sbx_engine, "CREATE TABLE t_plain (a bigint, b varchar)", session)
        assert result.update_type == "CREATE TABLE" and result.columns == []
        _, rows, _ = run(sbx_engine, "DESCRIBE t_plain", session)
        assert rows == [["a", "bigint", "", ""], ["b", "varchar", "", ""]]
        run(sbx_engine, "INSERT INTO t_plain VALUES (1, 'x'), (2, NULL)", session)
        _, rows, _ = run(sbx_engine, "SELECT * FROM t_plain ORDER BY a", session)
        assert rows == [[1, "x"], [2, None]]
        _, rows, _ = run(sbx_engine, "SHOW TABLES", session)
        assert ["t_plain"] in rows
        result, _, _ = run(sbx_engine, "DROP TABLE t_plain", session)
        assert result.update_type == "DROP TABLE"
    finally:
        run(sbx_engine, "DROP TABLE memory.default.t_ctas")


def test_system_runtime_nodes(sbx_engine) -> None:
    result, rows, _ = run(sbx_engine, "SELECT * FROM system.runtime.nodes ORDER BY node_id")
    assert names(result) == [("node_id", "varchar"), ("http_uri", "varchar"), ("node_version", "varchar"),
                             ("coordinator", "boolean"), ("state", "varchar")]
    assert rows == [["coordinator", "http://127.0.0.1:1", "466-sandbox", True, "active"],
                    ["worker-0", "http://127.0.0.1:2", "466-sandbox", False, "active"]]


def test_system_runtime_queries(sbx_engine) -> None:
    session = SessionContext(user="u", catalog="system", schema="runtime")
    result, rows, _ = run(sbx_engine, 'SELECT query_id, state, "user", source, query, created, started, "end" '
                                      "FROM queries", session)
    types = dict(names(result))
    assert types["created"] == "timestamp(3) with time zone"
    assert rows == [["20260101_000000_00001_abcde", "FINISHED", "alice", "trino-tui", "SELECT 1",
                     "2026-01-01 00:00:00.250 UTC", "2026-01-01 00:00:01.000 UTC", None]]


def test_information_schema(sbx_engine, tiny) -> None:
    _, rows, _ = run(sbx_engine, "SHOW SCHEMAS FROM memory")
    assert rows == [["default"], ["information_schema"]]
    _, rows, _ = run(sbx_engine, "SELECT schema_name FROM tpch.information_schema.schemata ORDER BY 1")
    assert ["information_schema"] in rows and ["tiny"] in rows
    result, rows, _ = run(sbx_engine, "SELECT column_name, data_type, ordinal_position FROM information_schema.columns "
                                      "WHERE table_schema = 'tiny' AND table_name = 'region' ORDER BY 3", tiny)
    assert rows == [["regionkey", "bigint", 1], ["name", "varchar(25)", 2], ["comment", "varchar(152)", 3]]
    assert [c.type for c in result.columns] == ["varchar", "varchar", "bigint"]
    _, rows, _ = run(sbx_engine, "SELECT table_name FROM memory.information_schema.tables "
                                 "WHERE table_schema = 'default'")
    assert ["all_types"] in rows
    _, rows, _ = run(sbx_engine, "SHOW TABLES FROM system.information_schema")
    assert rows == [["columns"], ["schemata"], ["tables"]]
    with pytest.raises(TrinoError) as info:
        run(sbx_engine, "DELETE FROM memory.information_schema.tables")
    assert info.value.error_name == "NOT_SUPPORTED"


def test_names_are_case_insensitive(sbx_engine) -> None:
    result, _, _ = run(sbx_engine, 'USE "TPCH".Tiny')
    assert (result.set_catalog, result.set_schema) == ("tpch", "tiny")
    _, rows, _ = run(sbx_engine, 'SELECT count(*) FROM "TPCH".TINY."Nation"')
    assert rows == [[25]]
