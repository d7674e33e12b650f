"""Values written into sandbox tables as Trino stores them: a timestamp(p) with time zone column
keeps each value's zone (trino_types.stored_zone_struct: the instant and the zone id), and
time/timestamp/time with time zone columns of precision p < 6 hold values rounded half up to p
digits (DuckDB holds microseconds), and varchar(n)/char(n) columns take at most n characters
(trailing spaces cut, anything else INVALID_CAST_ARGUMENT, as Trino's INSERT).

Owns `pack_sql` (the stored struct of an instant and a zone), `stored_value_sql` (SQL turning a
query column of Trino type *source* into the stored value of a column of Trino type *target*) and
`literal_structs` (the zoned literals of an INSERT's / CTAS's query as structs of instant, zone
and precision, so rows of one VALUES list keep their own zones). Pure apart from DuckDB parse
calls on the caller's cursor; thread-safe.
"""

from __future__ import annotations

from typing import Any

from .rowjson import ZoneSpec, offset_minutes_sql, zone_local_sql
from .sqltree import expression, parse_tree, tree_sql
from .trino_types import STORED_INSTANT, STORED_PRECISION, STORED_ZONE, TrinoType
from .zoned_literals import marker_zone


TRUNCATE = "Cannot truncate non-space characters"   # Trino's INVALID_CAST_ARGUMENT into varchar(n) / char(n)


def _lit(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def _rounded_micros(us: str, p: int) -> str:
    """Epoch microseconds *us* rounded half up to p fraction digits (p < 6)."""
    step = 10 ** (6 - p)
    return f"((({us}) + {step // 2}) // {step}) * {step}"


def round_instant(x: str, p: int) -> str:
    """A TIMESTAMPTZ rounded to p digits."""
    return x if p >= 6 else f"timezone('UTC', make_timestamp({_rounded_micros(f'epoch_us({x})', p)}))"


def round_local(x: str, raw: str, p: int) -> str:
    """A TIMESTAMP / TIME value rounded to p digits (a time wraps at midnight, as Trino's)."""
    if p >= 6:
        return x
    if raw == "time":
        micros = f"epoch_us(DATE '1970-01-01' + CAST({x} AS TIME))"
        return f"CAST(make_timestamp({_rounded_micros(micros, p)}) AS TIME)"
    return f"make_timestamp({_rounded_micros(f'epoch_us(CAST({x} AS TIMESTAMP))', p)})"


def pack_sql(instant: str, zone: str, p: int) -> str:
    """The stored struct of a TIMESTAMPTZ *instant* and a zone id SQL expression."""
    return f'struct_pack("{STORED_INSTANT}{p}" := {round_instant(instant, p)}, "{STORED_ZONE}" := {zone})'


def literal_struct_sql(value: str, zone: str, precision: int) -> str:
    """A zoned literal written into a table (DuckDB TIMESTAMPTZ text, Trino zone id, precision)."""
    return (f'struct_pack("{STORED_INSTANT}" := CAST({_lit(value)} AS TIMESTAMPTZ), "{STORED_ZONE}" := {_lit(zone)}, '
            f'"{STORED_PRECISION}" := {precision})')


def local_instant(x: str, zone: ZoneSpec) -> str:
    """A TIMESTAMP read as local time in the session zone, as the instant Trino makes of it."""
    if zone.region is not None:
        return f"timezone({_lit(zone.region)}, CAST({x} AS TIMESTAMP))"
    return f"timezone('UTC', CAST({x} AS TIMESTAMP) - to_minutes({zone.offset_minutes}))"


def shifted_instant_sql(instant: str, zone: str, op: str, interval: str, kind: str, static: bool = False) -> str:
    """TIMESTAMPTZ *instant* (shown in Trino zone id *zone*) ``op`` *interval*, as Trino computes it:
    a day-to-second interval (*kind* 'ds') is an exact duration; a year-to-month one ('ym') moves
    the local date-time in the value's zone (2020-03-07 12:00 America/New_York + 1 month is
    2020-04-07 12:00 there, across the DST change). *instant*, *interval*: SQL expressions; *zone*:
    a SQL expression, or with *static* the zone id itself (DuckDB folds constants, so no CASE)."""
    if kind == "ds":
        return f"timezone('UTC', timezone('UTC', {instant}) {op} {interval})"
    if not static:
        local = f"({zone_local_sql(instant, zone)} {op} {interval})"
        return (f"(CASE WHEN left({zone}, 1) IN ('+', '-') THEN timezone('UTC', {local} - "
                f"to_minutes({offset_minutes_sql(zone)})) ELSE timezone({zone}, {local}) END)")
    spec = ZoneSpec.parse(zone)
    if spec.region is not None:
        return f"timezone({_lit(spec.region)}, timezone({_lit(spec.region)}, {instant}) {op} {interval})"
    shift = f"to_minutes({spec.offset_minutes})"
    return f"timezone('UTC', timezone('UTC', {instant}) + {shift} {op} {interval} - {shift})"


def stored_value_sql(x: str, target: TrinoType, source: TrinoType, session_zone: ZoneSpec) -> str:
    """SQL: query column *x* (Trino type *source*) as the value a *target* column stores."""
    if target.raw == "timestamp with time zone":
        p = target.precision
        if source.stored_zone:
            instant, zone = f"struct_extract_at({x}, 1)", f"struct_extract_at({x}, 2)"
        elif source.raw == "timestamp with time zone":   # a value's zone (AT TIME ZONE) or the session's
            instant, zone = x, _lit(source.zone or session_zone.label)
        elif source.raw in ("timestamp", "date"):
            instant, zone = local_instant(x, session_zone), _lit(session_zone.label)
        else:
            return x
        return f"(CASE WHEN {x} IS NULL THEN NULL ELSE {pack_sql(instant, zone, p)} END)"
    if target.raw in ("varchar", "char") and target.params and source.raw in ("varchar", "char"):
        n = int(target.params[0])
        if source.params and int(source.params[0]) <= n:
            return x
        text = _lit(f"{TRUNCATE} when casting from {source.text} to {target.text} on INSERT")
        return (f"(CASE WHEN length({x}) <= {n} THEN {x} WHEN rtrim(substr({x}, {n + 1}), ' ') = '' THEN left({x}, {n}) "
                f"ELSE error({text}) END)")
    if target.raw in ("timestamp", "time") and target.precision < 6 and source.raw in ("timestamp", "time"):
        return round_local(x, target.raw, target.precision)
    if target.raw == source.raw == "time with time zone" and target.precision < 6:   # the offset kept
        offset = f"regexp_extract(CAST({x} AS VARCHAR), '([+-][0-9]{{2}}(:[0-9]{{2}})?)$', 1)"
        return f"CAST(CAST({round_local(f'CAST({x} AS TIME)', 'time', target.precision)} AS VARCHAR) || {offset} AS TIMETZ)"
    return x


def _marker_literal(node: dict) -> tuple[str, str, int] | None:
    """(TIMESTAMPTZ text, zone, precision) of zoned_literals' ``CAST(TIMESTAMPTZ '...' AS marker)``."""
    if node.get("class") != "CAST":
        return None
    found = marker_zone(str((node.get("type_expr") or {}).get("type_name") or ""))
    child = node.get("child") or {}
    inner = child.get("literal") or {}
    if child.get("class") == "CAST" and (child.get("child") or {}).get("class") == "CONSTANT":
        inner = (child.get("child") or {}).get("literal") or {}
    if found is None or found[0] is None or found[2] or inner.get("kind") != "STRING":
        return None
    return str(inner.get("text")), found[1], found[0]


def literal_structs(cur: Any, duck_sql: str) -> str | None:
    """*duck_sql* (the query of an INSERT / CREATE TABLE AS) with zoned literals that are VALUES
    items or select items as `literal_struct_sql` structs, so each row keeps its own zone."""
    tree = parse_tree(cur, duck_sql)
    if tree is None:
        return None
    changed = False

    def swap(items: list) -> list:
        nonlocal changed
        out = []
        for item in items:
            found = _marker_literal(item) if isinstance(item, dict) else None
            if found is None:
                out.append(item)
                continue
            node = expression(cur, literal_struct_sql(*found), alias=item.get("alias", ""))
            assert node is not None
            out.append(node)
            changed = True
        return out

    def walk(node: Any) -> None:
        if isinstance(node, list):
            for x in node:
                walk(x)
        elif isinstance(node, dict):
            if node.get("type") == "EXPRESSION_LIST":
                node["values"] = [swap(row) for row in node.get("values") or []]
            elif node.get("type") == "SELECT_NODE":
                node["select_list"] = swap(node.get("select_list") or [])
            for v in node.values():
                walk(v)

    walk(tree["statements"][0]["node"])
    return tree_sql(cur, tree) if changed else None
