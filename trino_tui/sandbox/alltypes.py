"""`memory.default.all_types`: one column per Trino type the sandbox serves, rows with edge
values (NaN/±Infinity, long decimals, padded char, nulls inside arrays, awkward strings) and a
final row of all NULLs.

Owns the column list (Trino types), the DuckDB literals that fill it and `all_types_reference`
(the rows as DuckDB holds them, for tests). Written once at engine start; read-only afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .trino_types import parse_type, table_storage
from .zoned_columns import pack_sql

TABLE = "all_types"


@dataclass(frozen=True)
class TypedColumn:
    name: str
    type_text: str
    values: tuple[str, ...]   # DuckDB SQL literals, one per non-NULL row


_STR = "'comma, \"quote\" ''single'' tab\t newline\n café 日本 \\ end'"

COLUMNS: tuple[TypedColumn, ...] = (
    TypedColumn("id", "integer", ("1", "2", "3")),
    TypedColumn("c_boolean", "boolean", ("true", "false", "true")),
    TypedColumn("c_tinyint", "tinyint", ("-128", "127", "0")),
    TypedColumn("c_smallint", "smallint", ("-32768", "32767", "7")),
    TypedColumn("c_integer", "integer", ("-2147483648", "2147483647", "42")),
    TypedColumn("c_bigint", "bigint", ("-9223372036854775808", "9223372036854775807", "0")),
    TypedColumn("c_real", "real", ("1.5", "'NaN'", "'-Infinity'")),
    TypedColumn("c_double", "double", ("3.14", "'NaN'", "'Infinity'")),
    TypedColumn("c_double_edge", "double", ("'-Infinity'", "1e10", "1.5e-5")),
    TypedColumn("c_decimal_short", "decimal(10, 2)", ("123.40", "-0.50", "0.01")),
    TypedColumn("c_decimal_long", "decimal(38, 10)",
                ("1234567890123456789012345678.0123456789", "-0.0000000001", "0")),
    TypedColumn("c_varchar", "varchar", (_STR, "''", "'plain'")),
    TypedColumn("c_varchar_n", "varchar(10)", ("'abc'", "'ünï'", "'0123456789'")),
    TypedColumn("c_char", "char(5)", ("'ab'", "''", "'abcde'")),
    TypedColumn("c_varbinary", "varbinary", ("'\\x01\\x02\\x03'::BLOB", "''::BLOB", "'\\xFF\\x00hi'::BLOB")),
    TypedColumn("c_json", "json", ("'{\"a\":1,\"b\":[true,null,\"x\"]}'", "'[1,2]'", "'\"s\"'")),
    TypedColumn("c_date", "date", ("DATE '2024-02-29'", "DATE '1970-01-01'", "DATE '0001-01-01'")),
    TypedColumn("c_time3", "time(3)", ("TIME '13:45:00.123'", "TIME '00:00:00'", "TIME '23:59:59.999'")),
    TypedColumn("c_time6", "time(6)", ("TIME '13:45:00.123456'", "TIME '00:00:00'", "TIME '01:02:03.5'")),
    TypedColumn("c_timestamp3", "timestamp(3)",
                ("TIMESTAMP '2024-01-02 03:04:05.123'", "TIMESTAMP '1970-01-01 00:00:00'",
                 "TIMESTAMP '2000-12-31 23:59:59.999'")),
    TypedColumn("c_timestamp6", "timestamp(6)",
                ("TIMESTAMP '2024-01-02 03:04:05.123456'", "TIMESTAMP '1970-01-01 00:00:00'",
                 "TIMESTAMP '2000-12-31 23:59:59.000001'")),
    TypedColumn("c_timestamptz3", "timestamp(3) with time zone",
                ("TIMESTAMPTZ '2024-01-02 03:04:05.123+00'", "TIMESTAMPTZ '2024-07-01 12:00:00+00'",
                 "TIMESTAMPTZ '1999-12-31 23:30:00.5+00'")),
    TypedColumn("c_timestamptz6", "timestamp(6) with time zone",
                ("TIMESTAMPTZ '2024-01-02 03:04:05.123456+00'", "TIMESTAMPTZ '2024-07-01 12:00:00+00'",
                 "TIMESTAMPTZ '1999-12-31 23:30:00.000001+00'")),
    TypedColumn("c_interval_ds", "interval day to second",
                ("INTERVAL '1 day 2 hours 3 minutes 4.5 seconds'", "INTERVAL '-90 seconds'", "INTERVAL '0 seconds'")),
    TypedColumn("c_interval_ym", "interval year to month",
                ("INTERVAL '2 years 3 months'", "INTERVAL '-14 months'", "INTERVAL '0 months'")),
    TypedColumn("c_uuid", "uuid", ("'12151FD2-7586-11E9-8F9E-2A86E4085A59'::UUID",
                                   "'00000000-0000-0000-0000-000000000000'::UUID",
                                   "'ffffffff-ffff-ffff-ffff-ffffffffffff'::UUID")),
    TypedColumn("c_array_bigint", "array(bigint)", ("[1, NULL, 3]", "[]", "[9223372036854775807]")),
    TypedColumn("c_array_varchar", "array(varchar)", ("['a', 'b,c', NULL, 'd\"e']", "[]", "['ü']")),
    TypedColumn("c_map_varchar_bigint", "map(varchar, bigint)",
                ("MAP {'a': 1, 'b': NULL}", "MAP {}", "MAP {'k\"q': -5}")),
    TypedColumn("c_map_bigint_varchar", "map(bigint, varchar)",
                ("MAP {1: 'one', 2: NULL}", "MAP {}", "MAP {-7: 'neg'}")),
    TypedColumn("c_row", "row(a bigint, b varchar)",
                ("{'a': 1, 'b': 'x'}", "{'a': NULL, 'b': NULL}", "{'a': -1, 'b': 'y,z'}")),
    TypedColumn("c_array_row", "array(row(x double, y varchar))",
                ("[{'x': 1.5, 'y': 'p'}, NULL, {'x': NULL, 'y': 'q'}]", "[]", "[{'x': 'NaN', 'y': NULL}]")),
)

ROWS = 4   # three value rows and one all-NULL row (id 4)


def _value(c: TypedColumn, i: int) -> str:
    t = parse_type(c.type_text)
    if t.raw == "timestamp with time zone":   # its zone kept with it: UTC
        return pack_sql(f"CAST({c.values[i]} AS TIMESTAMPTZ)", "'UTC'", t.precision)
    return f"CAST({c.values[i]} AS {table_storage(t)})"


def create(con: Any) -> None:
    """Create and fill memory.default.all_types (the schema must exist)."""
    cols = ", ".join(f'"{c.name}" {table_storage(parse_type(c.type_text))}' for c in COLUMNS)
    con.execute(f'CREATE TABLE memory."default".{TABLE} ({cols})')
    for i in range(3):
        values = ", ".join(_value(c, i) for c in COLUMNS)
        con.execute(f'INSERT INTO memory."default".{TABLE} VALUES ({values})')
    nulls = ", ".join("4" if c.name == "id" else "NULL" for c in COLUMNS)
    con.execute(f'INSERT INTO memory."default".{TABLE} VALUES ({nulls})')


def all_types_reference(con: Any) -> list[tuple]:
    """The rows as DuckDB holds them (Python values; zoned timestamps: the instant), ordered by id."""
    cur = con.cursor()
    items = ", ".join(f'struct_extract_at("{c.name}", 1)' if parse_type(c.type_text).raw == "timestamp with time zone"
                      else f'"{c.name}"' for c in COLUMNS)
    try:
        return cur.execute(f'SELECT {items} FROM memory."default".{TABLE} ORDER BY id').fetchall()
    finally:
        cur.close()
