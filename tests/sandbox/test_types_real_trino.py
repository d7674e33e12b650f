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
         # timestamp with time zone literals shown in their own zone (round 3)
         "r_timestamp_tz_zones"]
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


# entry -> result columns whose values match (the others need more than DuckDB's resolution:
# TIME beyond microseconds, TIMESTAMP beyond nanoseconds, each TIMESTAMP WITH TIME ZONE in its own zone)
PARTIAL = {"t_time": [0, 1, 3], "t_timestamp": [0, 1, 2, 4], "t_timestamp_tz": [0, 1, 2]}


@pytest.mark.parametrize("entry", sorted(PARTIAL))
def test_datetime_precision_and_rounding(sbx_engine: Engine, entry: str) -> None:
    (step,) = ENTRIES[entry]
    result, rows, _ = run(sbx_engine, step["sql"], _session())
    assert [c.type for c in result.columns] == [c["type"] for c in step["columns"]]
    want = step["rows"]["values"][0]
    assert [rows[0][i] for i in PARTIAL[entry]] == [want[i] for i in PARTIAL[entry]]


@pytest.mark.parametrize("sql, value", [
    ("SELECT CAST(TIMESTAMP '2024-01-02 03:04:05.5' AS timestamp(0))", "2024-01-02 03:04:06"),
    ("SELECT CAST(TIME '01:02:03.1234' AS time(2))", "01:02:03.12"),
    ("SELECT CAST(TIMESTAMP '2024-01-02 03:04:05.129' AS timestamp(2))", "2024-01-02 03:04:05.13"),
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
