"""Issue 16: Trino's type rules, value by value against real Trino 476's recorded answers
(tests/fixtures/real_trino/fidelity.json): the column types and JSON rows the engine produces, and
what the official `trino` client maps them to (its RowMapper over both answers)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from trino.mapper import RowMapperFactory

from tests.sandbox.conftest import run
from tests.sandbox.helpers_server import real_sandbox, trino_connect
from trino_tui.sandbox.engine import Engine, SessionContext

ENTRIES = json.loads((Path(__file__).resolve().parents[1] / "fixtures" / "real_trino" / "fidelity.json")
                     .read_text())["entries"]

EXACT = ["t_varchar", "t_column_names", "m_show_catalogs", "m_show_create_table", "t_boolean", "t_integers", "t_floats", "t_nan_inf", "t_decimal", "t_varbinary", "t_json", "t_date",
         "t_time_tz", "t_interval", "t_uuid", "t_ipaddress", "t_nulls", "t_untyped_null",
         # bounded varchar(n)/char(n) inside array/map/row, bare VALUES lists (round 3)
         "t_row", "t_array", "t_map", "t_values", "r_nested_bounded", "r_values_bare", "r_values_bare_subquery",
         "r_values_bare_strings",
         # decimal division and avg(decimal) by Trino's rules (round 3)
         "r_decimal_arith", "r_decimal_agg", "r_decimal_avg_group",
         # ... in subqueries, correlated subqueries, windows, CTEs, UNION, WHERE; zoned timestamps + intervals
         "r_decimal_scopes", "r_decimal_union_cte", "r_decimal_where", "r_tstz_interval", "r_at_time_zone",
         # timestamp with time zone literals shown in their own zone (round 3)
         "r_timestamp_tz_zones",
         # time(p) / timestamp(p) to picoseconds with Trino's rounding (round 3)
         "t_time", "t_timestamp", "t_timestamp_tz", "r_time_precision"]
ROWS_ONLY = {  # types differ: SHOW FUNCTIONS lists DuckDB's functions in Trino's words
    "m_show_functions_like", "m_info_schema_columns"}


def _session() -> SessionContext:
    return SessionContext(user="fidelity", catalog="tpch", schema="tiny")


@pytest.mark.parametrize("entry", EXACT + sorted(ROWS_ONLY))
def test_types_and_values_match_real_trino(sbx_engine: Engine, entry: str) -> None:
    (step,) = ENTRIES[entry]
    result, rows, _ = run(sbx_engine, step["sql"], _session())
    assert rows == step["rows"]["values"]
    if entry not in ROWS_ONLY:
        assert [(c.name, c.type, c.type_signature) for c in result.columns] == \
               [(c["name"], c["type"], c["typeSignature"]) for c in step["columns"]]


@pytest.fixture(scope="module")
def sb():
    with real_sandbox() as sandbox:
        yield sandbox


@pytest.mark.parametrize("entry", EXACT)
def test_official_client_maps_the_same_values(sb, entry: str) -> None:
    (step,) = ENTRIES[entry]
    cur = trino_connect(sb, None, catalog="tpch", schema="tiny").cursor()
    cur.execute(step["sql"])
    got = cur.fetchall()
    want = RowMapperFactory().create(step["columns"], legacy_primitive_types=False).map(step["rows"]["values"])
    nan = lambda v: isinstance(v, float) and v != v  # noqa: E731 - NaN never equals itself
    assert [[("NaN" if nan(v) else v) for v in r] for r in got] == [[("NaN" if nan(v) else v) for v in r] for r in want]


def test_clients_without_parametric_datetime_get_legacy_types(sb) -> None:
    """Real Trino 476 without X-Trino-Client-Capabilities: PARAMETRIC_DATETIME (entry t_timestamp_no_capabilities)."""
    import httpx

    (step,) = ENTRIES["t_timestamp_no_capabilities"]
    for capabilities, legacy in ((None, True), ("PATH,PARAMETRIC_DATETIME", False)):
        headers = {"X-Trino-User": "u", **({"X-Trino-Client-Capabilities": capabilities} if capabilities else {})}
        with httpx.Client(timeout=30) as http:
            doc = http.post(f"{sb.url}/v1/statement", content=step["sql"].encode(), headers=headers).json()
            rows: list = []
            while "nextUri" in doc:
                doc = http.get(doc["nextUri"]).json()
                rows += doc.get("data") or []
        columns = [(c["type"], c["typeSignature"]) for c in doc["columns"]]
        if legacy:
            assert columns == [(c["type"], c["typeSignature"]) for c in step["columns"]]
            assert rows == step["rows"]["values"]
        else:
            assert [t for t, _ in columns] == ["timestamp(9)", "time(6)"]


@pytest.mark.parametrize("sql", [
    "SELECT TIME '12:34:56.1234567' < TIME '13:00:00'",        # a picosecond literal inside an expression
    "SELECT ARRAY[TIMESTAMP '2024-01-02 03:04:05.1234567891']",
    "SELECT TIMESTAMP '2024-01-02 03:04:05.1234567 UTC' + INTERVAL '1' DAY",
])
def test_finer_literals_in_expressions_are_refused(sbx_engine: Engine, sql: str) -> None:
    """Never silently wrong: digits DuckDB cannot hold fail with NOT_SUPPORTED unless shown as written."""
    from trino_tui.sandbox.sql_errors import TrinoError

    with pytest.raises(TrinoError) as info:
        run(sbx_engine, sql, _session())
    assert info.value.error_name == "NOT_SUPPORTED" and "microseconds" in info.value.message


@pytest.mark.parametrize("sql, value", [
    ("SELECT CAST(TIMESTAMP '2024-01-02 03:04:05.5' AS timestamp(0))", "2024-01-02 03:04:06"),
    ("SELECT CAST(TIME '01:02:03.1234' AS time(2))", "01:02:03.12"),
    ("SELECT CAST(TIMESTAMP '2024-01-02 03:04:05.129' AS timestamp(2))", "2024-01-02 03:04:05.13"),
    ("SELECT CAST(TIME '23:59:59.9999999' AS time(6))", "00:00:00.000000"),            # a time wraps at midnight
    ("SELECT CAST(TIMESTAMP '2024-02-28 23:59:59.99999999995' AS timestamp(10))", "2024-02-29 00:00:00.0000000000"),
    ("SELECT CAST(TIME '01:02:03.123456789' AS time(11))", "01:02:03.12345678900"),
    ("SELECT CAST('abcdef' AS varchar(2))", "ab"),                     # casts to varchar(n)/char(n) cut
    ("SELECT CAST('abcdef' AS char(3))", "abc"),
])
def test_casts_to_lower_precision_round(sbx_engine: Engine, sql: str, value: str) -> None:
    _, rows, _ = run(sbx_engine, sql, _session())
    assert rows == [[value]]


@pytest.mark.parametrize("sql, value", [
    ("SELECT CAST('abc' AS JSON)", '"abc"'),          # Trino makes the value JSON; it does not parse the text
    ("SELECT CAST(1 AS JSON)", "1"),
    ("SELECT CAST(ARRAY[1, 2] AS JSON)", "[1,2]"),
    ("SELECT CAST(JSON '{\"a\":1}' AS JSON)", '{"a":1}'),
    ("SELECT CAST(NULL AS JSON)", None),
])
def test_json_casts(sbx_engine: Engine, sql: str, value) -> None:
    result, rows, _ = run(sbx_engine, sql, _session())
    assert result.columns[0].type == "json" and rows == [[value]]


def test_show_stats_shape_matches_real_trino(sbx_engine: Engine) -> None:
    (step,) = ENTRIES["m_show_stats"]
    result, rows, _ = run(sbx_engine, step["sql"], _session())
    assert [(c.name, c.type) for c in result.columns] == [(c["name"], c["type"]) for c in step["columns"]]
    assert len(rows) == step["rows"]["count"]
    assert rows[0][:4] == ["nationkey", None, 25.0, 0.0] and rows[-1] == [None, None, None, None, 25.0, None, None]


def test_at_time_zone_and_casts_of_zoned_values(sbx_engine: Engine) -> None:
    """AT TIME ZONE gives a value in that zone; CAST(zoned literal AS timestamp) keeps its local time
    (entry r_at_time_zone; its last column, zoned arithmetic, loses the zone in the sandbox)."""
    (step,) = ENTRIES["r_at_time_zone"]
    result, rows, _ = run(sbx_engine, step["sql"], _session())
    assert [c.type for c in result.columns][:3] == [c["type"] for c in step["columns"]][:3]
    assert rows[0][:3] == step["rows"]["values"][0][:3]
