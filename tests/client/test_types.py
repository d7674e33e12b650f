"""Trino type parsing and wire -> Python value mapping (trino_tui.client.types)."""

from __future__ import annotations

import math
import uuid
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from tests.export.golden_data import signature
from trino_tui.client.types import (
    Column, NamedRow, RowConverter, identity, parse_columns, parse_type_signature,
    parse_type_text, value_converter,
)


def col(text: str, name: str = "c") -> dict:
    return {"name": name, "type": text, "typeSignature": signature(parse_type_text(text))}


def conv(text: str):
    return value_converter(parse_columns([col(text)])[0].type)


# ---------------------------------------------------------------------------------------------
# parsing


def test_parse_columns_row_signature_from_protocol_doc() -> None:
    sig = {"rawType": "row", "arguments": [
        {"kind": "NAMED_TYPE", "value": {"fieldName": {"name": "a"},
                                          "typeSignature": {"rawType": "bigint", "arguments": []}}},
        {"kind": "NAMED_TYPE", "value": {"fieldName": {"name": "b"}, "typeSignature": {
            "rawType": "varchar", "arguments": [{"kind": "LONG", "value": 2147483647}]}}}]}
    [c] = parse_columns([{"name": "r", "type": "row(a bigint, b varchar)", "typeSignature": sig}])
    assert c.name == "r"
    assert c.type.raw == "row" and c.type.text == "row(a bigint, b varchar)"
    (na, ta), (nb, tb) = c.type.fields
    assert (na, ta.raw, nb, tb.raw) == ("a", "bigint", "b", "varchar")
    assert tb.length is None and tb.text == "varchar"


def test_parse_legacy_kind_names_and_anonymous_fields() -> None:
    sig = {"rawType": "map", "arguments": [
        {"kind": "TYPE_SIGNATURE", "value": {"rawType": "varchar", "arguments": [{"kind": "LONG_LITERAL", "value": 3}]}},
        {"kind": "TYPE_SIGNATURE", "value": {"rawType": "row", "arguments": [
            {"kind": "NAMED_TYPE_SIGNATURE", "value": {"typeSignature": {"rawType": "double", "arguments": []}}}]}}]}
    t = parse_type_signature(sig)
    assert t.key.raw == "varchar" and t.key.length == 3
    assert t.value.fields[0][0] is None and t.value.fields[0][1].raw == "double"
    assert t.text == "map(varchar(3), row(double))"


def test_parse_pre_321_type_and_literal_arguments() -> None:
    t = parse_type_signature({"rawType": "decimal", "typeArguments": [], "literalArguments": [12, 3]})
    assert (t.precision, t.scale) == (12, 3)


def test_parse_columns_without_signature_uses_type_text() -> None:
    [c] = parse_columns([{"name": "x", "type": 'row("a b" array(decimal(10, 2)), c timestamp(6) with time zone)'}])
    (n1, t1), (n2, t2) = c.type.fields
    assert n1 == "a b" and t1.element.precision == 10 and t1.element.scale == 2
    assert n2 == "c" and t2.raw == "timestamp with time zone" and t2.precision == 6


def test_malformed_column_is_one_line_value_error() -> None:
    with pytest.raises(ValueError, match="malformed column description"):
        parse_columns([{"type": "bigint"}])


@pytest.mark.parametrize("text, raw, precision, scale, numeric", [
    ("bigint", "bigint", None, None, True),
    ("tinyint", "tinyint", None, None, True),
    ("real", "real", None, None, True),
    ("double", "double", None, None, True),
    ("decimal(38, 0)", "decimal", 38, 0, True),
    ("varchar(10)", "varchar", None, None, False),
    ("time(9)", "time", 9, None, False),
    ("timestamp(3) with time zone", "timestamp with time zone", 3, None, False),
    ("interval day to second", "interval day to second", None, None, False),
    ("array(integer)", "array", None, None, False),
])
def test_type_helpers(text, raw, precision, scale, numeric) -> None:
    t = parse_columns([col(text)])[0].type
    assert (t.raw, t.precision, t.scale, t.is_numeric, t.text) == (raw, precision, scale, numeric, text)


def test_non_parametric_temporal_defaults_to_millis() -> None:
    t = parse_type_signature({"rawType": "timestamp", "arguments": []}, "timestamp")
    assert t.precision == 3
    assert value_converter(t)("2024-01-02 03:04:05.123") == datetime(2024, 1, 2, 3, 4, 5, 123000)


def test_rendered_text_for_nested_signatures() -> None:
    t = parse_type_signature(signature(parse_type_text("array(map(varchar, row(\"x y\" time(3) with time zone)))")))
    assert t.text == 'array(map(varchar, row("x y" time(3) with time zone)))'
    assert t.element.value.fields[0][0] == "x y"


# ---------------------------------------------------------------------------------------------
# value mapping golden table

NY = ZoneInfo("America/New_York")
GOLDEN = [
    ("boolean", True, True),
    ("bigint", 9223372036854775807, 9223372036854775807),
    ("integer", -5, -5),
    ("double", 2.5, 2.5),
    ("double", "Infinity", math.inf),
    ("double", "-Infinity", -math.inf),
    ("real", 1.5, 1.5),
    ("decimal(10, 2)", "123.40", Decimal("123.40")),
    ("decimal(38, 0)", "-5", Decimal("-5")),
    ("varchar", "héllo", "héllo"),
    ("char(5)", "ab   ", "ab   "),
    ("varbinary", "AQID", b"\x01\x02\x03"),
    ("json", '{"a":1}', '{"a":1}'),
    ("date", "2024-02-29", date(2024, 2, 29)),
    ("time(3)", "13:45:00.123", time(13, 45, 0, 123000)),
    ("time(0)", "13:45:00", time(13, 45)),
    ("time(9)", "01:02:03.123456789", time(1, 2, 3, 123457)),
    ("time(12)", "23:59:59.999999999999", time(0, 0, 0)),
    ("time(3) with time zone", "13:45:00.123+05:30", time(13, 45, 0, 123000, timezone(timedelta(hours=5, minutes=30)))),
    ("time(0) with time zone", "01:00:00-08:00", time(1, 0, 0, 0, timezone(-timedelta(hours=8)))),
    ("timestamp(6)", "2024-01-02 03:04:05.123456", datetime(2024, 1, 2, 3, 4, 5, 123456)),
    ("timestamp(7)", "2024-01-02 03:04:05.1234565", datetime(2024, 1, 2, 3, 4, 5, 123456)),  # half-even
    ("timestamp(7)", "2024-01-02 03:04:05.1234575", datetime(2024, 1, 2, 3, 4, 5, 123458)),
    ("timestamp(9)", "2024-12-31 23:59:59.999999999", datetime(2025, 1, 1, 0, 0, 0)),
    ("timestamp(0)", "2024-01-02 03:04:05", datetime(2024, 1, 2, 3, 4, 5)),
    ("timestamp(3) with time zone", "2024-01-02 03:04:05.123 America/New_York",
     datetime(2024, 1, 2, 3, 4, 5, 123000, tzinfo=NY)),
    ("timestamp(3) with time zone", "2024-01-02 03:04:05.123 UTC",
     datetime(2024, 1, 2, 3, 4, 5, 123000, tzinfo=ZoneInfo("UTC"))),
    ("timestamp(6) with time zone", "2024-01-02 03:04:05.000001 +05:30",
     datetime(2024, 1, 2, 3, 4, 5, 1, tzinfo=timezone(timedelta(hours=5, minutes=30)))),
    ("interval day to second", "1 02:03:04.500", timedelta(days=1, hours=2, minutes=3, seconds=4.5)),
    ("interval day to second", "-1 02:03:04.007", -timedelta(days=1, hours=2, minutes=3, seconds=4.007)),
    ("interval day to second", "0 00:00:00.000", timedelta(0)),
    ("interval year to month", "2-3", "2-3"),
    ("ipaddress", "2001:db8::1", "2001:db8::1"),
    ("uuid", "12151fd2-7586-11e9-8f9e-2a86e4085a59", uuid.UUID("12151fd2-7586-11e9-8f9e-2a86e4085a59")),
    ("array(bigint)", [1, None, 3], [1, None, 3]),
    ("array(decimal(3, 1))", ["1.5", None], [Decimal("1.5"), None]),
    ("array(array(date))", [["2024-01-01", None], None, []], [[date(2024, 1, 1), None], None, []]),
    ("map(varchar, bigint)", {"a": 1, "b": None}, {"a": 1, "b": None}),
    ("map(bigint, varbinary)", {"1": "AQ==", "-2": None}, {1: b"\x01", -2: None}),
    ("map(boolean, double)", {"true": "NaN", "false": 1.0}, {True: math.nan, False: 1.0}),
    ("map(double, date)", {"1.5": "2024-01-01"}, {1.5: date(2024, 1, 1)}),
    ("map(date, array(bigint))", {"2024-01-01": [1]}, {date(2024, 1, 1): [1]}),
]


def _same(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if isinstance(a, dict) and isinstance(b, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return type(a) is type(b) and a == b and (
        not isinstance(a, (datetime, time)) or a.tzinfo == b.tzinfo)


@pytest.mark.parametrize("text, wire, expected", GOLDEN, ids=[f"{g[0]}-{i}" for i, g in enumerate(GOLDEN)])
def test_value_mapping_golden(text, wire, expected) -> None:
    f = conv(text)
    assert _same(f(wire), expected), (f(wire), expected)
    assert f(None) is None


def test_nan_double() -> None:
    assert math.isnan(conv("double")("NaN"))
    assert math.isnan(conv("real")("NaN"))


def test_interval_day_to_second_beyond_timedelta_is_a_one_line_value_error() -> None:
    with pytest.raises(ValueError, match="outside the range of datetime.timedelta") as info:
        conv("interval day to second")("106751991167 07:12:55.807")  # Trino's maximum
    assert "\n" not in str(info.value)


def test_identity_where_no_conversion_is_needed() -> None:
    for text in ("boolean", "bigint", "varchar", "char(3)", "json", "interval year to month",
                 "ipaddress", "array(varchar)", "map(varchar, array(bigint))", "HyperLogLog"):
        assert conv(text) is identity, text


def test_row_values_are_named_tuples() -> None:
    f = conv('row(x bigint, "y z" double, x2 array(date), bigint)')
    r = f([1, "NaN", ["2024-01-01", None], 7])
    assert isinstance(r, tuple) and isinstance(r, NamedRow)
    assert r.x == 1 and math.isnan(r[1]) and r.x2 == [date(2024, 1, 1), None] and r[3] == 7
    assert r.names == ("x", "y z", "x2", None)
    assert repr(conv("row(a bigint, b varchar)")([1, "q"])) == "(a: 1, b: 'q')"
    with pytest.raises(AttributeError):
        r.nope
    dup = conv("row(a bigint, a bigint)")([1, 2])
    with pytest.raises(AttributeError, match="ambiguous"):
        dup.a
    assert f(None) is None
    with pytest.raises(ValueError, match="row value has 1 fields, type row"):
        f([1])


def test_row_converter_converts_only_columns_that_need_it() -> None:
    cols = parse_columns([col("bigint", "a"), col("decimal(5, 2)", "b"), col("varchar", "c")])
    rc = RowConverter(cols)
    assert rc.convert([1, "2.50", "x"]) == (1, Decimal("2.50"), "x")
    assert rc.convert([None, None, None]) == (None, None, None)
    assert rc.convert_rows([[1, "0.01", None]]) == [(1, Decimal("0.01"), None)]
    plain = RowConverter(parse_columns([col("bigint"), col("varchar")]))
    assert plain.convert([1, "x"]) == (1, "x")


def test_row_converter_error_is_one_line() -> None:
    rc = RowConverter([Column("d", parse_type_text("date"))])
    with pytest.raises(ValueError, match=r"^cannot convert 'nope' of column d \(date\)") as e:
        rc.convert(["nope"])
    assert "\n" not in str(e.value)


# ---------------------------------------------------------------------------------------------
# cross-check against the official trino client's mapper (test-only import)

trino_mapper = pytest.importorskip("trino.mapper")

CROSS = [g for g in GOLDEN if not g[0].startswith("interval")] + [
    ("row(x bigint, y array(real), z map(varchar, timestamp(3) with time zone))",
     [1, [1.5, None, "Infinity"], {"k": "2024-01-02 03:04:05.123 Europe/Warsaw", "n": None}], None),
    ("array(row(a uuid, b varbinary))", [["12151fd2-7586-11e9-8f9e-2a86e4085a59", "AAE="], None], None),
    ("time(6)", "23:59:59.9999995", None),
    ("interval day to second", "-3 04:05:06.789", None),
    ("interval day to second", "106751991 00:00:00.000", None),
    ("timestamp(12) with time zone", "2024-01-02 03:04:05.123456789012 +01:00", None),
]


@pytest.mark.parametrize("text, wire, _", CROSS, ids=[f"{c[0]}-{i}" for i, c in enumerate(CROSS)])
def test_matches_official_client(text, wire, _) -> None:
    columns = [col(text)]
    official = trino_mapper.RowMapperFactory().create(columns=columns, legacy_primitive_types=False)
    expected = official.map([[wire], [None]])
    ours = RowConverter(parse_columns(columns)).convert_rows([[wire], [None]])
    assert _same(ours[0][0], expected[0][0]), (ours[0][0], expected[0][0])
    assert ours[1][0] is None and expected[1][0] is None


# --- crashes the fuzz suite found (tests/fuzz), kept as regular tests ------------------------------

def test_deep_type_nesting_is_a_value_error_not_a_recursion_error():
    import pytest

    from trino_tui.client.types import parse_type_signature, parse_type_text

    with pytest.raises(ValueError, match="nesting deeper"):
        parse_type_text("array(" * 5000 + "bigint" + ")" * 5000)
    sig: dict = {"rawType": "bigint", "arguments": []}
    for _ in range(5000):
        sig = {"rawType": "array", "arguments": [{"kind": "TYPE", "value": sig}]}
    with pytest.raises(ValueError, match="nesting deeper"):
        parse_type_signature(sig)
    assert parse_type_text("array(" * 50 + "bigint" + ")" * 50).raw == "array"  # sane depths still parse


def test_unterminated_quoted_row_field_is_a_value_error():
    import pytest

    from trino_tui.client.types import parse_columns, parse_type_text

    with pytest.raises(ValueError, match="unterminated"):
        parse_type_text('row("abc')  # was IndexError
    with pytest.raises(ValueError):
        parse_columns([{"name": "c", "typeSignature": {"rawType": ["x"], "arguments": []}}])
