"""JSON array and Parquet writers: shapes, exact types, streaming row groups, and a value-by-value
Parquet round trip over the sandbox's memory.default.all_types."""

from __future__ import annotations

import io
import json
import math
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal

import pytest

from trino_tui.client.types import parse_columns, value_converter
from trino_tui.export.json_array import JsonArrayWriter
from trino_tui.export.json_lines import JsonWriter


def cols(*specs):
    return parse_columns([{"name": n, "type": t} for n, t in specs])


# -- JSON array --------------------------------------------------------------------------------
def test_json_array_matches_json_lines_values():
    c = cols(("n", "bigint"), ("s", "varchar"), ("d", "double"), ("m", "map(varchar, bigint)"))
    batches = [[[1, "a\nb", 1e10, {"k": 1}], [None, "", "NaN", None]], [], [[3, "ü", 0.5, {}]]]
    arr, lines = io.BytesIO(), io.BytesIO()
    with JsonArrayWriter(arr, c) as w, JsonWriter(lines, c) as j:
        for b in batches:
            w.write_rows(b)
            j.write_rows(b)
    data = arr.getvalue()
    assert data.startswith(b"[\n{") and data.endswith(b"}\n]\n")
    assert json.loads(data) == [json.loads(line) for line in lines.getvalue().splitlines()]
    assert w.rows_written == 3
    assert b'"d":1.0E10' in data  # the same CLI number text as JSON lines


def test_json_array_empty_result():
    out = io.BytesIO()
    JsonArrayWriter(out, cols(("n", "bigint"))).close()
    assert out.getvalue() == b"[]\n"


# -- Parquet -----------------------------------------------------------------------------------
pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")
from trino_tui.export.parquet import ParquetWriter, arrow_type  # noqa: E402


def write_parquet(columns, batches, **kw):
    out = io.BytesIO()
    w = ParquetWriter(out, columns, **kw)
    for b in batches:
        w.write_rows(b)
    w.close()
    assert not out.closed
    return pq.read_table(io.BytesIO(out.getvalue())), pq.ParquetFile(io.BytesIO(out.getvalue())), w


def test_row_groups_stream_and_empty_results_keep_the_schema():
    c = cols(("n", "bigint"))
    table, pf, w = write_parquet(c, [[[1], [2], [3]], [[4], [5]]], row_group_rows=2)
    assert table.column("n").to_pylist() == [1, 2, 3, 4, 5]
    assert pf.num_row_groups == 3 and w.row_groups == 3 and w.rows_written == 5
    table, pf, _ = write_parquet(c, [])
    assert table.num_rows == 0 and table.schema.field("n").type == pa.int64()
    assert table.schema.field("n").metadata == {b"trino.type": b"bigint"}


def test_exact_temporals_decimals_and_zones():
    c = cols(("ts9", "timestamp(9)"), ("t9", "time(9)"), ("tz", "timestamp(3) with time zone"),
             ("tz6", "timestamp(6) with time zone"), ("ts12", "timestamp(12)"), ("dec", "decimal(38, 10)"),
             ("iv", "interval day to second"), ("ym", "interval year to month"))
    row = ["2024-01-02 03:04:05.123456789", "23:59:59.999999999", "2024-07-01 12:00:00.500 America/New_York",
           "2024-01-01 00:00:00.000001 +05:30", "2024-01-02 03:04:05.123456789012",
           "1234567890123456789012345678.0123456789", "-1 02:00:00.250", "-1-2"]
    table, _, _ = write_parquet(c, [[row, [None] * 8]])
    t = table.schema
    assert t.field("ts9").type == pa.timestamp("ns") and t.field("t9").type == pa.time64("ns")
    assert t.field("tz").type == pa.timestamp("ms", tz="UTC") and t.field("ts12").type == pa.string()
    assert table.column("ts9").cast(pa.int64())[0].as_py() == 1704164645123456789
    assert table.column("t9").cast(pa.int64())[0].as_py() == 86399999999999
    assert table.column("tz")[0].as_py() == datetime(2024, 7, 1, 16, 0, 0, 500000, tzinfo=timezone.utc)
    assert table.column("tz6")[0].as_py() == datetime(2023, 12, 31, 18, 30, 0, 1, tzinfo=timezone.utc)
    assert table.column("ts12")[0].as_py() == "2024-01-02 03:04:05.123456789012"
    assert table.column("dec")[0].as_py() == Decimal("1234567890123456789012345678.0123456789")
    assert table.column("iv")[0].as_py() == -timedelta(days=1, hours=2, milliseconds=250)
    assert table.column("ym")[0].as_py() == -14
    assert table.slice(1).to_pylist() == [{n: None for n in table.column_names}]


def test_nested_types_map_to_list_struct_map():
    c = cols(("r", "row(a bigint, row(x double))"), ("m", "map(bigint, array(varchar))"))
    assert arrow_type(c[0].type) == pa.struct([("a", pa.int64()), ("_col1", pa.struct([("x", pa.float64())]))])
    table, _, _ = write_parquet(c, [[[[1, ["NaN"]], {"-7": ["a", None]}]]])
    r = table.column("r")[0].as_py()
    assert r["a"] == 1 and math.isnan(r["_col1"]["x"])
    assert table.column("m")[0].as_py() == [(-7, ["a", None])]


def test_a_bad_value_names_the_column():
    with pytest.raises(ValueError, match="cannot write column 'd' \\(date\\) as Parquet"):
        write_parquet(cols(("d", "date")), [[["not a date"]]])


def _same(t, wire, got):
    """Compare a value read back with pyarrow to the client's conversion of the wire value."""
    if wire is None:
        return got is None
    raw = t.raw
    if raw == "interval day to second":
        sign = -1 if wire.startswith("-") else 1
        d, clock = wire.lstrip("-").split(" ")
        h, m, s = clock.split(":")
        return got == sign * timedelta(days=int(d), hours=int(h), minutes=int(m), seconds=float(s))
    if raw == "interval year to month":
        sign = -1 if wire.startswith("-") else 1
        y, mo = wire.lstrip("-").split("-")
        return got == sign * (int(y) * 12 + int(mo))
    if raw == "uuid":
        return got == wire
    expected = value_converter(t)(wire)
    return _deep_equal(expected, got)


def _deep_equal(a, b):
    if isinstance(a, float) and isinstance(b, float):
        return (math.isnan(a) and math.isnan(b)) or a == b
    if isinstance(a, dict):
        b = dict(b)
        return a.keys() == b.keys() and all(_deep_equal(a[k], b[k]) for k in a)
    if isinstance(a, tuple) and isinstance(b, dict):  # a row: by position
        return len(a) == len(b) and all(_deep_equal(x, y) for x, y in zip(a, b.values()))
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b) and all(_deep_equal(x, y) for x, y in zip(a, b))
    if a is None or b is None:
        return a is b
    return a == b and type(a) is type(b) or (isinstance(a, (datetime, date, time)) and a == b)


@pytest.fixture(scope="module")
def all_types(sandbox):
    from trino_tui.client import ClientConfig, TrinoClient
    from trino_tui.explore.runner import ClientRunner

    config = ClientConfig(server=sandbox.url, user="parquet-test")
    client = TrinoClient(config)
    try:
        columns = client.execute("SELECT * FROM memory.default.all_types LIMIT 0").wait_columns()
    finally:
        client.close()
    runner = ClientRunner(lambda: TrinoClient(config))
    try:
        rows = runner("SELECT * FROM memory.default.all_types ORDER BY id")
    finally:
        runner.close()
    return columns, rows


def test_parquet_round_trip_of_all_types_value_by_value(all_types):
    columns, rows = all_types
    assert len(rows) == 4 and len(columns) > 30
    table, pf, _ = write_parquet(columns, [rows[:1], rows[1:]], row_group_rows=2)
    assert pf.num_row_groups == 2
    back = table.to_pylist()
    mismatches = []
    for i, row in enumerate(rows):
        for j, col in enumerate(columns):
            got = back[i][col.name]
            if not _same(col.type, row[j], got):
                mismatches.append(f"row {i} {col.name} ({col.type.text}): wire {row[j]!r} -> {got!r}")
    assert mismatches == []
    types = {f.name: f.type for f in table.schema}
    assert types["c_decimal_long"] == pa.decimal128(38, 10) and types["c_timestamp6"] == pa.timestamp("us")
    assert types["c_timestamptz3"] == pa.timestamp("ms", tz="UTC") and types["c_time3"] == pa.time32("ms")
    assert types["c_array_row"] == pa.list_(pa.struct([("x", pa.float64()), ("y", pa.string())]))
    assert types["c_map_bigint_varchar"] == pa.map_(pa.int64(), pa.string())
