"""A result with every supported type: the columns JSON (as a server sends it) and wire rows.

Shared by the golden tests and the optional Trino-CLI oracle test.
"""

from __future__ import annotations

from trino_tui.client.types import Column, TrinoType, parse_columns, parse_type_text

COLUMN_TYPES = [
    ("id", "bigint"),
    ("i", "integer"),
    ("s", "smallint"),
    ("t", "tinyint"),
    ("flag", "boolean"),
    ("r", "real"),
    ("d", "double"),
    ("amount", "decimal(10, 2)"),
    ("name", "varchar"),
    ("code", "char(5)"),
    ("bin", "varbinary"),
    ("doc", "json"),
    ("day", "date"),
    ("tm", "time(3)"),
    ("ts", "timestamp(6)"),
    ("tstz", "timestamp(3) with time zone"),
    ("ids", "array(bigint)"),
    ("tags", "map(varchar, double)"),
    ("pt", "row(x bigint, label varchar)"),
    ("u", "uuid"),
]


def signature(t: TrinoType) -> dict:
    """ClientTypeSignature JSON for *t* (what a Trino server sends)."""
    args = []
    for a in t.args:
        if isinstance(a, int):
            args.append({"kind": "LONG", "value": a})
        elif isinstance(a, tuple):
            name, ft = a
            value = {"typeSignature": signature(ft)}
            if name is not None:
                value["fieldName"] = {"name": name}
            args.append({"kind": "NAMED_TYPE", "value": value})
        else:
            args.append({"kind": "TYPE", "value": signature(a)})
    if t.raw == "varchar" and not args:
        args = [{"kind": "LONG", "value": 2147483647}]
    return {"rawType": t.raw, "arguments": args}


def columns_json(spec=COLUMN_TYPES) -> list[dict]:
    return [{"name": n, "type": text, "typeSignature": signature(parse_type_text(text))} for n, text in spec]


def columns(spec=COLUMN_TYPES) -> list[Column]:
    return parse_columns(columns_json(spec))


ROWS = [
    [1, 2, 3, 4, True, 1.5, 2.5, "3.10", "simple", "ab   ", "YWJj", '{"a":1}', "2021-06-01",
     "13:45:00.123", "2024-01-02 03:04:05.123456", "2024-01-02 03:04:05.123 America/New_York",
     [4, 5], {"x": 1.0}, [1, "one"], "12151fd2-7586-11e9-8f9e-2a86e4085a59"],
    [-1, -2, -3, -4, False, 0.1, 1e-7, "-0.50", 'say "hi", twice', "x,y  ", "", "[]", "1900-01-01",
     "00:00:00.000", "1970-01-01 00:00:00.000000", "2024-06-30 23:59:59.999 +05:30",
     [], {}, [None, None], "00000000-0000-0000-0000-000000000000"],
    [None, None, None, None, None, None, None, None, None, None, None, None, None,
     None, None, None, None, None, None, None],
    [9223372036854775807, 2147483647, 32767, 127, True, "NaN", "Infinity", "0.00",
     "two\nlines\tand tab", "日本   ", "AAECAwQFBgcICQoLDA0ODxAREhM=", '{"k":"v|w"}', "2024-02-29",
     "23:59:59.999", "2024-02-29 12:00:00.000001", "2000-01-01 00:00:00.000 UTC",
     [None, 8], {"nan": "NaN", "big": 1e10, "none": None}, [7, "ü *md* | pipe"], None],
    [0, 0, 0, 0, False, "-Infinity", -0.0, "12345678.90", "back\\slash \\n", "     ", "/w==",
     "null", "0001-01-01", "12:00:00.500", "2024-01-02 03:04:05.000000",
     "2024-01-02 03:04:05.123 Europe/Warsaw", [1, None, 3], {"k": -2.5e-5}, [None, "x"], None],
]
