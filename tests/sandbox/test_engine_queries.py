"""Queries through the sandbox engine: tpch tables, chunked JSON rows, names, concurrency."""

from __future__ import annotations

import threading

import duckdb
import pytest

from trino_tui.sandbox.catalog import TPCH_TABLES, generate
from trino_tui.sandbox.engine import SessionContext
from tests.sandbox.conftest import run

LINEITEM_TYPES = [
    ("orderkey", "bigint"), ("partkey", "bigint"), ("suppkey", "bigint"), ("linenumber", "integer"),
    ("quantity", "double"), ("extendedprice", "double"), ("discount", "double"), ("tax", "double"),
    ("returnflag", "varchar(1)"), ("linestatus", "varchar(1)"), ("shipdate", "date"), ("commitdate", "date"),
    ("receiptdate", "date"), ("shipinstruct", "varchar(25)"), ("shipmode", "varchar(10)"), ("comment", "varchar(44)"),
]


def test_tiny_lineitem_rows_columns_and_chunks(sbx_engine, sbx_data_dir) -> None:
    result, rows, chunks = run(sbx_engine, "SELECT * FROM tpch.tiny.lineitem", target_bytes=64 * 1024)
    assert [(c.name, c.type) for c in result.columns] == LINEITEM_TYPES
    assert result.is_query and result.update_type is None
    assert result.total_rows == 60175
    assert len(rows) == 60175
    assert len(chunks) > 10
    assert all(len(data) < 2 * 64 * 1024 for _, data in chunks)
    # the rows equal what DuckDB reads from the Parquet file itself
    con = duckdb.connect()
    ref = con.execute(f"SELECT * FROM read_parquet('{sbx_data_dir / 'tiny' / 'lineitem.parquet'}')").fetchall()
    assert len(ref) == len(rows)
    for got, want in zip(rows[:2000] + rows[-2000:], ref[:2000] + ref[-2000:]):
        assert got[:4] == list(want[:4])
        assert got[4:8] == [float(x) for x in want[4:8]]
        assert got[8:10] == list(want[8:10])
        assert got[10:13] == [d.isoformat() for d in want[10:13]]
        assert got[13:] == list(want[13:])


def test_unqualified_names_use_session_catalog_and_schema(sbx_engine, tiny) -> None:
    result, rows, _ = run(sbx_engine, "SELECT count(*), max(comment) FROM lineitem", tiny)
    assert [(c.name, c.type) for c in result.columns] == [("_col0", "bigint"), ("_col1", "varchar(44)")]
    assert rows[0][0] == 60175


@pytest.mark.parametrize("table", sorted(TPCH_TABLES))
def test_every_tpch_table_reports_connector_types(sbx_engine, tiny, table) -> None:
    result, rows, _ = run(sbx_engine, f"SELECT * FROM {table} LIMIT 3", tiny)
    assert [(c.name, c.type) for c in result.columns] == [(n, t) for n, _, t in TPCH_TABLES[table]]
    assert len(rows) == 3


def test_joins_aggregates_ctes_values(sbx_engine, tiny) -> None:
    _, rows, _ = run(sbx_engine, """
        WITH per_region AS (
            SELECT r.name AS region, count(*) AS nations
            FROM nation n JOIN region r ON n.regionkey = r.regionkey
            GROUP BY r.name)
        SELECT region, nations FROM per_region ORDER BY region""", tiny)
    assert rows == [["AFRICA", 5], ["AMERICA", 5], ["ASIA", 5], ["EUROPE", 5], ["MIDDLE EAST", 5]]
    result, rows, _ = run(sbx_engine, "VALUES (1, 'a'), (2, NULL)")
    assert [c.name for c in result.columns] == ["_col0", "_col1"]
    assert rows == [[1, "a"], [2, None]]
    _, rows, _ = run(sbx_engine, "SELECT 7 / 2, 7.0 / 2")
    assert rows == [[3, '3.5']]   # integer division like Trino; decimal(2,1) / integer is decimal(2, 1)


def test_column_names_follow_trino(sbx_engine, tiny) -> None:
    result, _, _ = run(sbx_engine, "SELECT n.name, nationkey + 1, upper(name) AS shout, * FROM nation n LIMIT 1",
                       tiny)
    assert [c.name for c in result.columns][:4] == ["name", "_col1", "shout", "nationkey"]
    assert result.columns[0].type == "varchar(25)"


def test_order_is_preserved_through_json_encoding(sbx_engine, tiny) -> None:
    _, rows, _ = run(sbx_engine, "SELECT orderkey FROM orders ORDER BY orderkey DESC", tiny, target_bytes=4096)
    keys = [r[0] for r in rows]
    assert keys == sorted(keys, reverse=True) and len(keys) == 15000


def test_small_target_bytes_gives_many_small_chunks(sbx_engine, tiny) -> None:
    _, rows, chunks = run(sbx_engine, "SELECT * FROM nation", tiny, target_bytes=200)
    assert len(rows) == 25
    assert len(chunks) >= 10
    assert sum(c for c, _ in chunks) == 25


def test_close_stops_a_running_stream(sbx_engine, tiny) -> None:
    result = sbx_engine.execute("SELECT * FROM lineitem", tiny)
    it = result.iter_chunks(8 * 1024)
    count, _ = next(it)
    assert count > 0
    result.close()
    assert sum(c for c, _ in it) < 60175 - count


def test_concurrent_queries_from_threads(sbx_engine, tiny) -> None:
    totals: dict[int, int] = {}
    errors: list[BaseException] = []

    def work(i: int) -> None:
        try:
            _, rows, _ = run(sbx_engine, f"SELECT orderkey, comment FROM lineitem WHERE linenumber = {i + 1}", tiny,
                             target_bytes=16 * 1024)
            totals[i] = len(rows)
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors
    _, expected, _ = run(sbx_engine, "SELECT linenumber, count(*) FROM lineitem WHERE linenumber <= 4 "
                                     "GROUP BY 1 ORDER BY 1", tiny)
    assert [totals[i] for i in range(4)] == [c for _, c in expected]


def test_generation_is_safe_when_two_threads_race(tmp_path) -> None:
    target = tmp_path / "tiny"
    results: list = []
    threads = [threading.Thread(target=lambda: results.append(generate(target, 0.001))) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert results == [target, target]
    assert sorted(p.name for p in target.glob("*.parquet")) == sorted(f"{t}.parquet" for t in TPCH_TABLES)
    assert [p for p in tmp_path.iterdir() if p.name != "tiny"] == []   # no temp dirs left behind


def test_progress_reports_generation(tmp_path) -> None:
    from trino_tui.sandbox.engine import Engine
    messages: list[str] = []
    engine = Engine(data_dir=tmp_path, schemas=(), progress=messages.append)
    try:
        assert messages == []          # nothing generated until used
        _, rows, _ = run(engine, "SELECT count(*) FROM tpch.tiny.region")
        assert rows == [[5]]
        assert any("scale factor 0.01" in m for m in messages)
    finally:
        engine.close()


def test_no_session_schema_needs_qualified_names(sbx_engine) -> None:
    from trino_tui.sandbox.sql_errors import TrinoError
    with pytest.raises(TrinoError) as info:
        sbx_engine.execute("SELECT * FROM nation", SessionContext(user="u"))
    assert info.value.error_name == "MISSING_SCHEMA_NAME"
    assert info.value.message == "line 1:15: Schema must be specified when session schema is not set"


def test_unquoted_names_fold_to_lower_case(sbx_engine, tiny) -> None:
    result, _, _ = run(sbx_engine, 'SELECT NAME, Nationkey AS Foo, 1 AS "Bar" FROM NATION', tiny)
    assert [(c.name, c.type) for c in result.columns] == [("name", "varchar(25)"), ("foo", "bigint"),
                                                          ("Bar", "integer")]


def test_trino_function_names(sbx_engine, tiny) -> None:
    _, rows, _ = run(sbx_engine, "SELECT approx_distinct(regionkey), regexp_like('abc', 'b'), "
                                 "json_extract_scalar('{\"a\":1}', '$.a'), "
                                 "to_unixtime(TIMESTAMP '1970-01-02 00:00:00') FROM nation", tiny)
    assert rows == [[5, True, "1", 86400.0]]


def test_from_inside_function_calls_is_not_a_table(sbx_engine, tiny) -> None:
    _, rows, _ = run(sbx_engine, "SELECT extract(year FROM shipdate), substring(comment FROM 1 FOR 3), "
                                 "trim(BOTH ' ' FROM ' x ') FROM lineitem, (SELECT 1 AS one) t "
                                 "WHERE orderkey = 1 AND linenumber = 1", tiny)
    assert rows == [[1996, "egu", "x"]]


def test_unknown_table_in_ungenerated_schema_fails_without_generating(tmp_path) -> None:
    from trino_tui.sandbox.engine import Engine
    from trino_tui.sandbox.sql_errors import TrinoError
    messages: list[str] = []
    engine = Engine(data_dir=tmp_path, schemas=(), progress=messages.append)
    try:
        with pytest.raises(TrinoError, match="Table 'tpch.sf1.nope' does not exist"):
            engine.execute("SELECT * FROM tpch.sf1.nope", SessionContext(user="u"))
        assert messages == [] and not (tmp_path / "sf1").exists()
    finally:
        engine.close()


def test_cancel_interrupts_a_running_execute(sbx_engine) -> None:
    from trino_tui.sandbox.sql_errors import TrinoError
    session = SessionContext(user="u", query_id="q-cancel")
    outcome: list = []

    def work() -> None:
        try:
            outcome.append(sbx_engine.execute("SELECT count(*) FROM range(100000000000) t(i) WHERE i % 7 = 3", session))
        except TrinoError as exc:
            outcome.append(exc)

    thread = threading.Thread(target=work)
    thread.start()
    while not sbx_engine.cancel("q-cancel"):       # registered as soon as execute() starts
        assert thread.is_alive(), outcome
    thread.join(timeout=60)
    assert not thread.is_alive()
    assert isinstance(outcome[0], TrinoError)
    assert (outcome[0].error_name, outcome[0].message) == ("USER_CANCELED", "Query was canceled")
    assert sbx_engine.cancel("q-cancel") is False
