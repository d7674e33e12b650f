"""Trino function names DuckDB lacks, mapped one-to-one onto DuckDB equivalents as SQL macros.

Owns `FUNCTION_MACROS` (CREATE MACRO statements run once per engine database). Only trivial
renames live here; functions whose semantics differ are left out on purpose (they fail with
FUNCTION_NOT_FOUND rather than return different answers).
"""

from __future__ import annotations

_RENAMES: tuple[tuple[str, str, str], ...] = (
    # (trino name, parameters, DuckDB body)
    ("approx_distinct", "x", "approx_count_distinct(x)"),
    ("regexp_like", "s, p", "regexp_matches(s, p)"),
    ("to_unixtime", "t", "epoch(t)"),
    ("from_unixtime", "x", "to_timestamp(x)"),
    ("json_extract_scalar", "j, p", "json_extract_string(j, p)"),
    ("json_parse", "s", "CAST(s AS JSON)"),
    ("json_format", "j", "CAST(j AS VARCHAR)"),
    ("is_nan", "x", "isnan(x)"),
    ("day_of_week", "d", "isodow(d)"),
    ("last_day_of_month", "d", "last_day(d)"),
    ("array_join", "a, sep", "array_to_string(a, sep)"),
    ("rand", "", "random()"),
    ("truncate", "x", "trunc(x)"),
    ("bitwise_and", "a, b", "(a & b)"),
    ("bitwise_or", "a, b", "(a | b)"),
    ("levenshtein_distance", "a, b", "levenshtein(a, b)"),
    ("codepoint", "c", "unicode(c)"),
    ("nan", "", "CAST('NaN' AS DOUBLE)"),
    ("infinity", "", "CAST('Infinity' AS DOUBLE)"),
    ("to_utf8", "s", "encode(s)"),
    ("from_utf8", "b", "decode(b)"),
)

FUNCTION_MACROS: tuple[str, ...] = tuple(
    f"CREATE MACRO {name}({params}) AS {body}" for name, params, body in _RENAMES)
