"""Trino types and the exact JSON text of every type (protocol §9) from the sandbox engine."""

from __future__ import annotations

import math
import random

import orjson
import pytest

from trino_tui.sandbox.alltypes import COLUMNS
from trino_tui.sandbox.engine import SessionContext
from trino_tui.sandbox.rowjson import ZoneSpec, java_double_text
from trino_tui.sandbox.trino_types import parse_type
from tests.sandbox.conftest import run

# column -> JSON text of rows id 1, 2, 3 (row 4 is all NULL) exactly as Trino's encoder writes them
GOLDEN: dict[str, tuple[str, str, str]] = {
    "id": ("1", "2", "3"),
    "c_boolean": ("true", "false", "true"),
    "c_tinyint": ("-128", "127", "0"),
    "c_smallint": ("-32768", "32767", "7"),
    "c_integer": ("-2147483648", "2147483647", "42"),
    "c_bigint": ("-9223372036854775808", "9223372036854775807", "0"),
    "c_real": ("1.5", '"NaN"', '"-Infinity"'),
    "c_double": ("3.14", '"NaN"', '"Infinity"'),
    "c_double_edge": ('"-Infinity"', "1.0E10", "1.5E-5"),
    "c_decimal_short": ('"123.40"', '"-0.50"', '"0.01"'),
    "c_decimal_long": ('"1234567890123456789012345678.0123456789"', '"-0.0000000001"', '"0.0000000000"'),
    "c_varchar": ('"comma, \\"quote\\" \'single\' tab\\t newline\\n café 日本 \\\\ end"', '""', '"plain"'),
    "c_varchar_n": ('"abc"', '"ünï"', '"0123456789"'),
    "c_char": ('"ab   "', '"     "', '"abcde"'),
    "c_varbinary": ('"AQID"', '""', '"/wBoaQ=="'),
    "c_json": ('"{\\"a\\":1,\\"b\\":[true,null,\\"x\\"]}"', '"[1,2]"', '"\\"s\\""'),
    "c_date": ('"2024-02-29"', '"1970-01-01"', '"0001-01-01"'),
    "c_time3": ('"13:45:00.123"', '"00:00:00.000"', '"23:59:59.999"'),
    "c_time6": ('"13:45:00.123456"', '"00:00:00.000000"', '"01:02:03.500000"'),
    "c_timestamp3": ('"2024-01-02 03:04:05.123"', '"1970-01-01 00:00:00.000"', '"2000-12-31 23:59:59.999"'),
    "c_timestamp6": ('"2024-01-02 03:04:05.123456"', '"1970-01-01 00:00:00.000000"',
                     '"2000-12-31 23:59:59.000001"'),
    "c_timestamptz3": ('"2024-01-02 03:04:05.123 UTC"', '"2024-07-01 12:00:00.000 UTC"',
                       '"1999-12-31 23:30:00.500 UTC"'),
    "c_timestamptz6": ('"2024-01-02 03:04:05.123456 UTC"', '"2024-07-01 12:00:00.000000 UTC"',
                       '"1999-12-31 23:30:00.000001 UTC"'),
    "c_interval_ds": ('"1 02:03:04.500"', '"-0 00:01:30.000"', '"0 00:00:00.000"'),
    "c_interval_ym": ('"2-3"', '"-1-2"', '"0-0"'),
    "c_uuid": ('"12151fd2-7586-11e9-8f9e-2a86e4085a59"', '"00000000-0000-0000-0000-000000000000"',
               '"ffffffff-ffff-ffff-ffff-ffffffffffff"'),
    "c_array_bigint": ("[1,null,3]", "[]", "[9223372036854775807]"),
    "c_array_varchar": ('["a","b,c",null,"d\\"e"]', "[]", '["ü"]'),
    "c_map_varchar_bigint": ('{"a":1,"b":null}', "{}", '{"k\\"q":-5}'),
    "c_map_bigint_varchar": ('{"1":"one","2":null}', "{}", '{"-7":"neg"}'),
    "c_row": ('[1,"x"]', "[null,null]", '[-1,"y,z"]'),
    "c_array_row": ('[[1.5,"p"],null,[null,"q"]]', "[]", '[["NaN",null]]'),
}


def test_golden_covers_every_column() -> None:
    assert list(GOLDEN) == [c.name for c in COLUMNS]


def test_all_types_json_text_is_exactly_trinos(sbx_engine) -> None:
    result, rows, chunks = run(sbx_engine, "SELECT * FROM memory.default.all_types ORDER BY id")
    expected_rows = ["[" + ",".join(v[i] for v in GOLDEN.values()) + "]" for i in range(3)]
    expected_rows.append("[4" + ",null" * (len(GOLDEN) - 1) + "]")
    text = b",".join(data for _, data in chunks).decode()
    assert text == ",".join(expected_rows)
    protocol_text = [t.upper() if t.startswith("interval ") else t for t in (c.type_text for c in COLUMNS)]
    assert [c.type for c in result.columns] == protocol_text  # real Trino 476: "INTERVAL YEAR TO MONTH"


def test_all_types_values_match_what_duckdb_holds(sbx_engine) -> None:
    _, rows, _ = run(sbx_engine, "SELECT id, c_bigint, c_double, c_varchar, c_array_bigint, c_date "
                                 "FROM memory.default.all_types ORDER BY id")
    reference = sbx_engine.all_types_reference()
    names = [c.name for c in COLUMNS]
    for got, ref in zip(rows, reference):
        held = dict(zip(names, ref))
        assert got[0] == held["id"] and got[1] == held["c_bigint"] and got[3] == held["c_varchar"]
        assert got[4] == held["c_array_bigint"]
        assert got[5] == (held["c_date"].isoformat() if held["c_date"] else None)
        if held["c_double"] is None or math.isnan(held["c_double"]):
            assert got[2] in (None, "NaN")
        elif math.isinf(held["c_double"]):
            assert got[2] == ("Infinity" if held["c_double"] > 0 else "-Infinity")
        else:
            assert got[2] == held["c_double"]


@pytest.mark.parametrize("zone", ["America/New_York", "+05:30", "Z"])
def test_timestamp_with_time_zone_column_keeps_its_zone_in_any_session_zone(sbx_engine, zone) -> None:
    """Trino keeps each stored value's zone (all_types holds UTC values); the session zone does not matter."""
    session = SessionContext(user="u", time_zone=zone)
    _, _, chunks = run(sbx_engine, "SELECT c_timestamptz3 FROM memory.default.all_types WHERE id <= 2 ORDER BY id",
                       session)
    assert b",".join(d for _, d in chunks).decode() == '["2024-01-02 03:04:05.123 UTC"],["2024-07-01 12:00:00.000 UTC"]'


def test_at_time_zone_on_a_zoned_column_has_the_column_precision(sbx_engine) -> None:
    cols, _, chunks = run(sbx_engine, "SELECT c_timestamptz3 AT TIME ZONE 'America/New_York', c_timestamptz6 AT TIME "
                                      "ZONE '+05:30' FROM memory.default.all_types WHERE id = 1")
    assert [c.type for c in cols.columns] == ["timestamp(3) with time zone", "timestamp(6) with time zone"]
    assert b"".join(d for _, d in chunks).decode() == \
        '["2024-01-01 22:04:05.123 America/New_York","2024-01-02 08:34:05.123456 +05:30"]'


def test_unknown_time_zone_is_a_clear_error(sbx_engine) -> None:
    from trino_tui.sandbox.sql_errors import TrinoError
    with pytest.raises(TrinoError, match="Time zone not supported: Mars/Base"):
        sbx_engine.execute("SELECT 1", SessionContext(user="u", time_zone="Mars/Base"))


JAVA_DOUBLES = [
    (0.0, "0.0"), (-0.0, "-0.0"), (1.0, "1.0"), (100.0, "100.0"), (1234567.0, "1234567.0"), (0.001, "0.001"),
    (1e7, "1.0E7"), (12345678.9, "1.23456789E7"), (9.999e-4, "9.999E-4"), (1e-4, "1.0E-4"), (1e16, "1.0E16"),
    (1.2345678901234568e17, "1.2345678901234568E17"), (-2.5e-7, "-2.5E-7"), (0.30000000000000004, "0.30000000000000004"),
    (1.7976931348623157e308, "1.7976931348623157E308"), (123456.789, "123456.789"), (-1e21, "-1.0E21"),
]


@pytest.mark.parametrize("value, text", JAVA_DOUBLES)
def test_java_double_text_reference(value: float, text: str) -> None:
    assert java_double_text(repr(value)) == text


def test_double_json_in_duckdb_matches_java_formatting(sbx_engine) -> None:
    rng = random.Random(7)
    values = [v for v, _ in JAVA_DOUBLES]
    values += [rng.uniform(-1, 1) * 10 ** rng.randint(-12, 25) for _ in range(300)]
    sql = "SELECT x FROM (VALUES " + ", ".join(f"({v!r}::DOUBLE)" for v in values) + ") t(x)"
    _, _, chunks = run(sbx_engine, sql)
    texts = b",".join(d for _, d in chunks).decode()[1:-1].split("],[")
    assert texts == [java_double_text(repr(v)) for v in values]
    assert [orjson.loads(t) for t in texts] == values


def test_real_uses_float_digits(sbx_engine) -> None:
    _, rows, chunks = run(sbx_engine, "SELECT CAST(0.1 AS REAL), CAST(1e10 AS REAL), CAST(-3.5e-5 AS REAL)")
    assert chunks[0][1] == b"[0.1,1.0E10,-3.5E-5]"
    assert rows[0][1] == 1e10


@pytest.mark.parametrize("text, signature", [
    ("varchar", {"rawType": "varchar", "arguments": [{"kind": "LONG", "value": 2147483647}]}),
    ("varchar(25)", {"rawType": "varchar", "arguments": [{"kind": "LONG", "value": 25}]}),
    ("decimal(12, 2)", {"rawType": "decimal", "arguments": [{"kind": "LONG", "value": 12}, {"kind": "LONG", "value": 2}]}),
    ("timestamp(3) with time zone", {"rawType": "timestamp with time zone", "arguments": [{"kind": "LONG", "value": 3}]}),
    ("array(bigint)", {"rawType": "array", "arguments": [{"kind": "TYPE", "value": {"rawType": "bigint", "arguments": []}}]}),
    ("map(varchar(3), double)", {"rawType": "map", "arguments": [
        {"kind": "TYPE", "value": {"rawType": "varchar", "arguments": [{"kind": "LONG", "value": 3}]}},
        {"kind": "TYPE", "value": {"rawType": "double", "arguments": []}}]}),
    ("row(a bigint, b varchar)", {"rawType": "row", "arguments": [
        {"kind": "NAMED_TYPE", "value": {"fieldName": {"name": "a"}, "typeSignature": {"rawType": "bigint", "arguments": []}}},
        {"kind": "NAMED_TYPE", "value": {"fieldName": {"name": "b"}, "typeSignature": {
            "rawType": "varchar", "arguments": [{"kind": "LONG", "value": 2147483647}]}}}]}),
    ("interval day to second", {"rawType": "interval day to second", "arguments": []}),
])
def test_type_text_and_signature(text: str, signature: dict) -> None:
    t = parse_type(text)
    assert t.text == text
    assert t.signature() == signature


def test_result_columns_carry_signatures(sbx_engine) -> None:
    result, _, _ = run(sbx_engine, "SELECT c_row, c_decimal_short FROM memory.default.all_types LIMIT 1")
    assert result.columns[0].type == "row(a bigint, b varchar)"
    assert result.columns[0].type_signature == parse_type("row(a bigint, b varchar)").signature()
    assert result.columns[1].type_signature["arguments"][1] == {"kind": "LONG", "value": 2}


def test_expressions_map_duckdb_types(sbx_engine) -> None:
    result, rows, _ = run(sbx_engine, "SELECT row(1, 'a'), [1.5, 2.5], MAP {'k': DATE '2024-01-02'}, "
                                      "CAST(1 AS HUGEINT), TIMESTAMP '2024-01-02 03:04:05'")
    assert [c.type for c in result.columns] == [
        "row(integer, varchar(1))", "array(decimal(2, 1))", "map(varchar(1), date)", "bigint", "timestamp(0)"]
    assert rows == [[[1, "a"], ["1.5", "2.5"], {"k": "2024-01-02"}, 1, "2024-01-02 03:04:05"]]


def test_zone_spec_parsing() -> None:
    assert ZoneSpec.parse("utc").label == "UTC"
    assert ZoneSpec.parse("-08:00").offset_minutes == -480
    assert ZoneSpec.parse("Europe/Berlin").region == "Europe/Berlin"


@pytest.mark.parametrize("sql, type_text, json_text", [
    ("SELECT union_value(k := 1)", "varchar", b'["1"]'),
    ("SELECT 'a'::ENUM('a', 'b')", "varchar", b'["a"]'),
    ("SELECT 12::VARINT", "varchar", b'["12"]'),
    ("SELECT TIMESTAMP_NS '2024-01-01 00:00:00.123456789'", "timestamp(9)", b'["2024-01-01 00:00:00.123456789"]'),
    ("SELECT 1::UBIGINT", "decimal(20, 0)", b'["1"]'),
    ("SELECT NULL", "unknown", b"[null]"),
    ("SELECT MAP {1.5::DOUBLE: 'x'}", "map(double, varchar(1))", b'[{"1.5":"x"}]'),
    ("SELECT {'a': [1.5, 'nan'::DOUBLE]}", "row(a array(double))", b'[[[1.5,"NaN"]]]'),
])
def test_duckdb_only_types_are_reported_consistently(sbx_engine, sql, type_text, json_text) -> None:
    result, _, chunks = run(sbx_engine, sql)
    assert result.columns[0].type == type_text
    assert chunks[0][1] == json_text


@pytest.mark.parametrize("sql, type_text, json_text", [
    ("SELECT TIMESTAMP '2024-01-02 03:04:05.123 America/New_York'", "timestamp(3) with time zone",
     b'["2024-01-02 03:04:05.123 America/New_York"]'),   # in its own zone, as Trino shows it
    ("SELECT CAST('2024-01-02 03:04:05+01:00' AS TIMESTAMP(3) WITH TIME ZONE)", "timestamp(3) with time zone",
     b'["2024-01-02 02:04:05.000 UTC"]'),
    ("SELECT TIMESTAMP '2024-01-02 03:04:05'", "timestamp(0)", b'["2024-01-02 03:04:05"]'),
    ("SELECT TIMESTAMP '2024-01-02 03:04:05.12345'", "timestamp(5)", b'["2024-01-02 03:04:05.12345"]'),
    ("SELECT CAST('2024-01-02 03:04:05.123456' AS TIMESTAMP(3))", "timestamp(3)", b'["2024-01-02 03:04:05.123"]'),
    ("SELECT CAST('01:02:03' AS TIME(3))", "time(3)", b'["01:02:03.000"]'),
    ("SELECT CAST('AB' AS VARBINARY)", "varbinary", b'["QUI="]'),
])
def test_trino_type_syntax_is_translated(sbx_engine, sql, type_text, json_text) -> None:
    result, _, chunks = run(sbx_engine, sql)
    assert result.columns[0].type == type_text
    assert chunks[0][1] == json_text


def test_clock_functions_have_millisecond_precision(sbx_engine) -> None:
    result, _, chunks = run(sbx_engine, "SELECT current_timestamp, now()")
    assert [(c.name, c.type) for c in result.columns] == [("_col0", "timestamp(3) with time zone"),
                                                          ("_col1", "timestamp(3) with time zone")]
    first = chunks[0][1].decode().split('","')[0]
    assert first.endswith(" UTC") and len(first.lstrip('["').split(" ")[1]) == len("00:00:00.000")
