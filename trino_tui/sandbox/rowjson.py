"""Trino JSON row encoding computed inside DuckDB (protocol §9).

Owns: `row_json_sql` (SQL turning each row of a query into the exact JSON text Trino's encoder
writes, e.g. ``[1,"a",null]``: one DuckDB json_array per row on the fast path, text pieces for
doubles outside Java's plain range, real, date/time types and nested values), the SQL macros in
MACROS (Java's Double.toString in SQL), `java_double_text` (the Python reference for those
macros) and `ZoneSpec`. Producing JSON inside DuckDB beats fetching Python values and
serialising them (benchmarks/sandbox_engine_rows.py). Pure; thread-safe.

`value_sql` builders return a SQL expression that is NULL when the input is NULL; callers wrap
them in ``coalesce(..., 'null')``. Nested values (array/map/row) are not rendered here: see
nestedjson (per-level SQL lambdas cost DuckDB exponential memory in the nesting depth).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from .trino_types import TrinoType

JAVA_SCI_MACRO = "trino_java_sci"
JSON_DOUBLE_MACRO = "trino_json_double"


def java_double_text(shortest: str) -> str:
    """Java's Double.toString/Float.toString given the shortest round-trip digits of a finite
    value (DuckDB's CAST(x AS VARCHAR)): plain notation for 1e-3 <= |x| < 1e7 (at least one
    fraction digit), otherwise computerized scientific notation like ``1.0E10`` / ``-1.5E-5``."""
    d = Decimal(shortest)
    if d.is_zero():
        return "-0.0" if d.is_signed() else "0.0"
    sign, digits, exp = d.as_tuple()
    ds = "".join(map(str, digits)).rstrip("0") or "0"
    sci_exp = len(digits) + int(exp) - 1          # exponent of the first significant digit
    neg = "-" if sign else ""
    if -3 <= sci_exp < 7:
        if sci_exp >= 0:
            whole = ds[: sci_exp + 1].ljust(sci_exp + 1, "0")
            frac = ds[sci_exp + 1:] or "0"
        else:
            whole, frac = "0", "0" * (-sci_exp - 1) + ds
        return f"{neg}{whole}.{frac}"
    return f"{neg}{ds[0]}.{ds[1:] or '0'}E{sci_exp}"


@dataclass(frozen=True)
class ZoneSpec:
    """How TIMESTAMP WITH TIME ZONE values are rendered: a region/UTC zone DuckDB knows, or a
    fixed offset (`offset_minutes`), shown with `label` (Trino's zone id text)."""

    label: str
    region: str | None = None
    offset_minutes: int = 0

    @staticmethod
    def parse(zone: str) -> "ZoneSpec":
        z = zone.strip()
        if z.upper() in ("UTC", "Z", "GMT", "UT", "+00:00", "-00:00", "ETC/UTC", "ETC/GMT"):
            return ZoneSpec("UTC", "UTC")
        m = re.fullmatch(r"([+-])(\d{1,2}):?(\d{2})", z)
        if m:
            minutes = int(m.group(2)) * 60 + int(m.group(3))
            minutes = -minutes if m.group(1) == "-" else minutes
            return ZoneSpec(f"{m.group(1)}{int(m.group(2)):02d}:{m.group(3)}", None, minutes)
        return ZoneSpec(z, z)


def _lit(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def _quoted(expr: str) -> str:
    return f"('\"' || {expr} || '\"')"


def _frac(fmt_expr: str, base_len: int, p: int) -> str:
    """Cut a '...SS.fffffffff' text (nanosecond digits) to exactly p fraction digits (p=0: no point)."""
    if p == 0:
        return f"left({fmt_expr}, {base_len})"
    if p <= 9:
        return f"left({fmt_expr}, {base_len + 1 + p})"
    return f"({fmt_expr} || '{'0' * (p - 9)}')"


def _rounded(x: str, p: int) -> str:
    """*x* (microsecond resolution) rounded half up to p fraction digits before the text is cut."""
    return f"({x} + INTERVAL {5 * 10 ** (5 - p)} MICROSECOND)" if p < 6 else x


def _float_sql(x: str) -> str:
    return f"{JSON_DOUBLE_MACRO}({x})"


_SCI = """(CASE WHEN contains(a, 'e') THEN
    (CASE WHEN contains(split_part(a, 'e', 1), '.') THEN split_part(a, 'e', 1) ELSE split_part(a, 'e', 1) || '.0' END)
    || 'E' || CAST(CAST(split_part(a, 'e', 2) AS INTEGER) AS VARCHAR)
  WHEN split_part(a, '.', 1) <> '0' THEN
    left(rtrim(split_part(a, '.', 1) || split_part(a, '.', 2), '0'), 1) || '.'
    || coalesce(nullif(substr(rtrim(split_part(a, '.', 1) || split_part(a, '.', 2), '0'), 2), ''), '0')
    || 'E' || CAST(length(split_part(a, '.', 1)) - 1 AS VARCHAR)
  ELSE
    left(trim(split_part(a, '.', 2), '0'), 1) || '.'
    || coalesce(nullif(substr(trim(split_part(a, '.', 2), '0'), 2), ''), '0')
    || 'E-' || CAST(length(split_part(a, '.', 2)) - length(ltrim(split_part(a, '.', 2), '0')) + 1 AS VARCHAR)
  END)"""

# Macros (created once per database): Java's scientific form of a positive shortest-digits text,
# and the complete JSON text of a DOUBLE/REAL value.
MACROS = (
    f"CREATE MACRO {JAVA_SCI_MACRO}(a) AS {_SCI}",
    f"""CREATE MACRO {JSON_DOUBLE_MACRO}(x) AS (CASE WHEN isnan(x) THEN '"NaN"'
        WHEN isinf(x) AND x > 0 THEN '"Infinity"' WHEN isinf(x) THEN '"-Infinity"'
        WHEN x = 0 OR (abs(x) >= 0.001 AND abs(x) < 10000000) THEN CAST(x AS VARCHAR)
        ELSE (CASE WHEN x < 0 THEN '-' ELSE '' END) || {JAVA_SCI_MACRO}(CAST(abs(x) AS VARCHAR)) END)""",
)


def _interval_ds_sql(x: str) -> str:
    ms = f"abs(CAST(round(epoch({x}) * 1000) AS BIGINT))"
    sign = f"(CASE WHEN epoch({x}) < 0 THEN '-' ELSE '' END)"

    def two(e: str) -> str:
        return f"lpad(CAST({e} AS VARCHAR), 2, '0')"
    return _quoted(
        f"{sign} || CAST({ms} // 86400000 AS VARCHAR) || ' ' || {two(f'({ms} // 3600000) % 24')} || ':' || "
        f"{two(f'({ms} // 60000) % 60')} || ':' || {two(f'({ms} // 1000) % 60')} || '.' || "
        f"lpad(CAST({ms} % 1000 AS VARCHAR), 3, '0')")


def _interval_ym_sql(x: str) -> str:
    months = f"(datepart('year', {x}) * 12 + datepart('month', {x}))"
    return _quoted(f"(CASE WHEN {months} < 0 THEN '-' ELSE '' END) || CAST(abs({months}) // 12 AS VARCHAR) "
                   f"|| '-' || CAST(abs({months}) % 12 AS VARCHAR)")


def _timestamp_tz_sql(x: str, p: int, zone: ZoneSpec, tail: str = "") -> str:
    """*tail*: a literal's digits beyond microseconds (fine_datetime), shown as written."""
    x = _rounded(x, p)
    if zone.region is not None:
        local = f"timezone({_lit(zone.region)}, {x})"
    else:
        local = f"(timezone('UTC', {x}) + to_minutes({zone.offset_minutes}))"
    text = _frac(f"strftime({local}, '%Y-%m-%d %H:%M:%S.%n')", 19, p if not tail else 6)
    return _quoted(f"{text} || {_lit(tail + ' ' + zone.label)}")


def offset_minutes_sql(zone: str) -> str:
    """Minutes east of UTC of a '+05:30'-style zone id (SQL expression *zone*)."""
    return (f"(CASE WHEN left({zone}, 1) = '-' THEN -1 ELSE 1 END) * "
            f"(TRY_CAST(substr({zone}, 2, 2) AS INTEGER) * 60 + TRY_CAST(substr({zone}, 5, 2) AS INTEGER))")


def zone_local_sql(instant: str, zone: str) -> str:
    """The local TIMESTAMP of TIMESTAMPTZ *instant* in Trino zone id *zone* (SQL expressions): region
    ids through DuckDB's time zones, '+05:30'-style offsets added to UTC."""
    return (f"(CASE WHEN left({zone}, 1) IN ('+', '-') THEN timezone('UTC', {instant}) + to_minutes({offset_minutes_sql(zone)}) "
            f"ELSE timezone({zone}, {instant}) END)")


def stored_local_sql(x: str) -> str:
    """The local TIMESTAMP of a zoned table column's value (trino_types.STORED_ZONE_STRUCT) in its own zone."""
    return zone_local_sql(f"struct_extract_at({x}, 1)", f"struct_extract_at({x}, 2)")


def stored_text_sql(x: str, p: int) -> str:
    """Trino's text of a zoned table column's value with p fraction digits ('... America/New_York')."""
    text = _frac(f"strftime({_rounded(stored_local_sql(x), p)}, '%Y-%m-%d %H:%M:%S.%n')", 19, p)
    return f"({text} || ' ' || struct_extract_at({x}, 2))"


def _time_tz_sql(x: str, p: int) -> str:
    """'HH:MM:SS[.f{p}]+HH:MM' from DuckDB's TIMETZ (whose text writes '+05:30' or just '-08')."""
    text = f"CAST({x} AS VARCHAR)"
    local = _frac(f"strftime(DATE '1970-01-01' + CAST({x} AS TIME), '%H:%M:%S.%n')", 8, p)
    hours = f"regexp_extract({text}, '([+-][0-9]{{2}})(:[0-9]{{2}})?$', 1)"
    minutes = f"coalesce(nullif(regexp_extract({text}, '([+-][0-9]{{2}})(:[0-9]{{2}})?$', 2), ''), ':00')"
    return _quoted(f"{local} || {hours} || {minutes}")


def value_sql(x: str, t: TrinoType, zone: ZoneSpec) -> str:
    """SQL expression: JSON text of scalar value `x` (a column) of Trino type `t` (not nested)."""
    r = t.raw
    if r in ("boolean", "tinyint", "smallint", "integer", "bigint"):
        return f"CAST({x} AS VARCHAR)"
    if r in ("double", "real"):
        return _float_sql(x)
    if r == "decimal":
        return _quoted(decimal_text_sql(x, t))
    if r == "ipaddress":  # IPv4-mapped IPv6 addresses are shown as IPv4, as Trino does
        return _quoted(f"regexp_replace(CAST({x} AS VARCHAR), '^::ffff:([0-9]+[.][0-9]+[.][0-9]+[.][0-9]+)$', '\\1')")
    if r == "varchar":
        return f"CAST(to_json(CAST({x} AS VARCHAR)) AS VARCHAR)"
    if r == "char":
        return f"CAST(to_json(rpad(CAST({x} AS VARCHAR), {t.params[0]}, ' ')) AS VARCHAR)"
    if r == "json":
        return f"CAST(to_json(CAST({x} AS VARCHAR)) AS VARCHAR)"
    if r == "varbinary":
        return _quoted(f"to_base64({x})")
    if r in ("date", "uuid"):
        return _quoted(f"CAST({x} AS VARCHAR)")
    if r == "time" and t.fraction_tail:   # a literal finer than DuckDB holds (fine_datetime)
        return _quoted(f"{_frac(f'strftime(DATE {chr(39)}1970-01-01{chr(39)} + {x}, {chr(39)}%H:%M:%S.%n{chr(39)})', 8, 6)} "
                       f"|| '{t.fraction_tail}'")
    if r == "timestamp" and t.fraction_tail:
        return _quoted(f"{_frac(f'strftime({x}, {chr(39)}%Y-%m-%d %H:%M:%S.%n{chr(39)})', 19, 9)} || '{t.fraction_tail}'")
    if r == "time":
        return _quoted(_frac(f"strftime(DATE '1970-01-01' + {_rounded(x, t.precision)}, '%H:%M:%S.%n')", 8,
                             t.precision))
    if r == "timestamp":
        return _quoted(_frac(f"strftime({_rounded(x, t.precision)}, '%Y-%m-%d %H:%M:%S.%n')", 19, t.precision))
    if r == "timestamp with time zone" and t.stored_zone:
        return _quoted(stored_text_sql(x, t.precision))
    if r == "timestamp with time zone":   # a value's own zone (zoned_literals) or the session's
        return _timestamp_tz_sql(x, t.precision, ZoneSpec.parse(t.zone) if t.zone else zone, t.fraction_tail)
    if r == "time with time zone":
        return _time_tz_sql(x, t.precision)
    if r == "interval day to second":
        return _interval_ds_sql(x)
    if r == "interval year to month":
        return _interval_ym_sql(x)
    if r == "unknown":
        return "CAST(NULL AS VARCHAR)"
    if r in ("array", "map", "row"):
        raise ValueError("nested values are encoded by nestedjson (never with per-level SQL lambdas)")
    # time with time zone and anything exotic: DuckDB's text
    return f"CAST(to_json(CAST({x} AS VARCHAR)) AS VARCHAR)"


_JSON_NATIVE = frozenset({"boolean", "tinyint", "smallint", "integer", "bigint", "varchar", "decimal", "date",
                         "uuid", "json", "char", "varbinary"})


def decimal_text_sql(x: str, t: TrinoType) -> str:
    """DuckDB writes DECIMAL(2,2) -0.01 as '-.01' (only when precision == scale); Trino as '-0.01'."""
    if len(t.params) == 2 and t.params[0] != t.params[1]:
        return f"CAST({x} AS VARCHAR)"
    return f"regexp_replace(CAST({x} AS VARCHAR), '^(-?)[.]', '\\10.')"


def json_arg_sql(x: str, t: TrinoType) -> str:
    """SQL expression to pass to DuckDB's json_array so that it writes Trino's JSON for `x`
    (only for types in _JSON_NATIVE; json_array re-serialises JSON inputs, so doubles and
    nested values are encoded as text pieces instead)."""
    r = t.raw
    if r in ("boolean", "tinyint", "smallint", "integer", "bigint") or (r == "varchar" and not t.duck_cast):
        return x
    if r == "char":
        return f"rpad(CAST({x} AS VARCHAR), {t.params[0]}, ' ')"
    if r == "varbinary":
        return f"to_base64({x})"
    if r == "decimal":
        return decimal_text_sql(x, t)
    return f"CAST({x} AS VARCHAR)"


def _text_piece(x: str, t: TrinoType, zone: ZoneSpec) -> str:
    if t.raw == "double":   # to_json is ~2x faster than CAST for the common plain-notation range
        return (f"(CASE WHEN {x} = 0 OR (abs({x}) >= 0.001 AND abs({x}) < 10000000) THEN "
                f"CAST(to_json({x}) AS VARCHAR) ELSE coalesce({JSON_DOUBLE_MACRO}({x}), 'null') END)")
    return f"coalesce({value_sql(x, t, zone)}, 'null')"


def _pieces_sql(names: list[str], types: list[TrinoType], zone: ZoneSpec) -> str:
    """Row text from pieces (see scalar_run_sql)."""
    return "'[' || " + scalar_run_sql(names, types, zone) + " || ']'"


def scalar_run_sql(names: list[str], types: list[TrinoType], zone: ZoneSpec) -> str:
    """Comma-joined JSON texts of scalar columns: runs of JSON-native columns become one json_array
    (brackets trimmed: its values never start with '[' or end with ']'); doubles etc. are text pieces."""
    pieces: list[str] = []
    run: list[str] = []

    def flush() -> None:
        if run:
            pieces.append(f"rtrim(ltrim(CAST(json_array({', '.join(run)}) AS VARCHAR), '['), ']')")
            run.clear()

    for x, t in zip(names, types):
        if t.raw in _JSON_NATIVE:
            run.append(json_arg_sql(x, t))
        else:
            flush()
            pieces.append(_text_piece(x, t, zone))
    flush()
    return " || ',' || ".join(pieces)


def row_json_sql(inner_sql: str, types: list[TrinoType], zone: ZoneSpec) -> str:
    """A query yielding one VARCHAR column: each row of `inner_sql` as Trino JSON text.

    Fast path: one json_array over all columns when every column is a scalar DuckDB already
    writes like Trino; doubles qualify per row when they lie in Java's plain-notation range
    (DuckDB writes the same shortest digits there). Other rows take the piecewise path."""
    names = [f"_q.c{i}" for i in range(len(types))]
    cols = ", ".join(f"c{i}" for i in range(len(types)))
    if all(t.raw in _JSON_NATIVE or t.raw == "double" for t in types):
        fast = "CAST(json_array(" + ", ".join(
            x if t.raw == "double" else json_arg_sql(x, t) for x, t in zip(names, types)) + ") AS VARCHAR)"
        doubles = [x for x, t in zip(names, types) if t.raw == "double"]
        if doubles:
            plain = " AND ".join(f"({x} IS NULL OR {x} = 0 OR (abs({x}) >= 0.001 AND abs({x}) < 10000000))"
                                 for x in doubles)
            body = f"CASE WHEN {plain} THEN {fast} ELSE {_pieces_sql(names, types, zone)} END"
        else:
            body = fast
    else:
        body = _pieces_sql(names, types, zone)
    return f"SELECT {body} AS j FROM (\n{inner_sql}\n) AS _q({cols})"
