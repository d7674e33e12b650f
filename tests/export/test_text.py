"""Trino-CLI value text: Java number notation, hex dumps, HashMap order, cell text."""

from __future__ import annotations

import pytest

from trino_tui.client.types import parse_type_text
from trino_tui.export import format_cell_text
from trino_tui.export.text import display_width, hex_dump, java_double, java_float, java_map_order


@pytest.mark.parametrize("value, text", [
    (0.0, "0.0"), (-0.0, "-0.0"), (1.0, "1.0"), (3, "3.0"), (2.5, "2.5"), (-1.5, "-1.5"),
    (0.001, "0.001"), (0.0001, "1.0E-4"), (1e-7, "1.0E-7"), (2e-7, "2.0E-7"), (-2.5e-5, "-2.5E-5"),
    (9999999.0, "9999999.0"), (1e7, "1.0E7"), (12345678.9, "1.23456789E7"), (1e10, "1.0E10"),
    (123456789.0, "1.23456789E8"), (1e16, "1.0E16"), (1.7976931348623157e308, "1.7976931348623157E308"),
    (0.1 + 0.2, "0.30000000000000004"),
    ("NaN", "NaN"), ("Infinity", "Infinity"), ("-Infinity", "-Infinity"),
    (float("nan"), "NaN"), (float("-inf"), "-Infinity"),
])
def test_java_double(value, text) -> None:
    assert java_double(value) == text


@pytest.mark.parametrize("value, text", [
    (0.1, "0.1"), (1.100000023841858, "1.1"), (1.5, "1.5"), (1e-5, "1.0E-5"),
    (16777216.0, "1.6777216E7"), (3.4028234663852886e38, "3.4028235E38"), (-0.0, "-0.0"),
    (1e10, "1.0E10"), (3.14159, "3.14159"), ("NaN", "NaN"), (1e39, "Infinity"),
])
def test_java_float(value, text) -> None:
    assert java_float(value) == text


def test_hex_dump() -> None:
    data = bytes(range(20))
    assert hex_dump(b"abc") == "61 62 63"
    assert hex_dump(b"") == ""
    assert hex_dump(data, 16) == "00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f\n10 11 12 13"


def test_java_hashmap_order() -> None:
    # observed with the Trino CLI: {"nan","big","none"} prints as {big=..., nan=..., none=...}
    items = [("nan", 1), ("big", 2), ("none", 3)]
    assert [k for k, _ in java_map_order(items, "varchar")] == ["big", "nan", "none"]
    # Long keys: bucket = hash & 15 with hash = value for small values; ties keep insertion order
    assert [k for k, _ in java_map_order([("17", 0), ("1", 0), ("0", 0)], "bigint")] == ["0", "17", "1"]
    # 13 entries -> capacity 32
    keys = [str(i) for i in (40, 8, 33, 1)] + [str(i) for i in range(100, 109)]
    ordered = [k for k, _ in java_map_order([(k, 0) for k in keys], "integer")]
    assert ordered[:4] == ["33", "1", "100", "101"]
    # varbinary keys hash by identity in Java: wire order is kept
    assert java_map_order([("AQ==", 1), ("AA==", 2)], "varbinary") == [("AQ==", 1), ("AA==", 2)]


@pytest.mark.parametrize("value, type_text, single, multi", [
    (None, "bigint", "NULL", "NULL"),
    (5, "bigint", "5", "5"),
    (True, "boolean", "true", "true"),
    (1e10, "double", "1.0E10", "1.0E10"),
    ("1.50", "decimal(5, 2)", "1.50", "1.50"),
    ("a\nb\tc", "varchar", "a\\nb\\tc", "a\nb\tc"),
    ("AAECAwQFBgcICQoLDA0ODxAREhM=", "varbinary",
     "00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f 10 11 12 13",
     "00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f\n10 11 12 13"),
    ([1, None], "array(bigint)", "[1, NULL]", "[1, NULL]"),
    ({"b": 1.5, "a": None}, "map(varchar, double)", "{a=NULL, b=1.5}", "{a=NULL, b=1.5}"),
    ([1, [None, "x"]], "row(a bigint, b row(c varchar, varchar))", "{a=1, b={c=NULL, x}}", "{a=1, b={c=NULL, x}}"),
    ("2024-01-02 03:04:05.123 UTC", "timestamp(3) with time zone", "2024-01-02 03:04:05.123 UTC",
     "2024-01-02 03:04:05.123 UTC"),
])
def test_format_cell_text(value, type_text, single, multi) -> None:
    t = parse_type_text(type_text)
    assert format_cell_text(value, t) == single
    assert format_cell_text(value, t, multiline=True) == multi


@pytest.mark.parametrize("s, width", [
    ("abc", 3), ("日本", 4), ("e\u0301", 1), ("a\tb", 2), ("\x1b[31mred\x1b[0m", 3), ("", 0), ("😀", 2),
    ("\U0001d400x", 3), ("\u00ad", 1), ("\u200b", 0), ("\u231a", 1), ("\uac00\u303f", 3),
])
def test_display_width(s, width) -> None:
    assert display_width(s) == width
