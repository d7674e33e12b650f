"""Trino types for the sandbox: the `type` string, the `typeSignature` JSON and DuckDB mapping.

Owns: `TrinoType` (immutable), `parse_type` (Trino type text -> TrinoType), `from_duckdb`
(DuckDB result type -> the Trino type the sandbox reports) and `duckdb_storage` (Trino type ->
DuckDB column type used to hold it). Pure functions, thread-safe. The sandbox keeps its own type
model on purpose: it must not share code with trino_tui.client (protocol doc §9.3).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

UNBOUNDED_VARCHAR = 2147483647

_SIMPLE_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")

# raw types whose JSON value is a JSON string (map keys need no extra quoting for them)
STRING_VALUED = frozenset({
    "varchar", "char", "varbinary", "json", "date", "time", "time with time zone", "timestamp",
    "timestamp with time zone", "interval day to second", "interval year to month", "uuid", "decimal",
})


@dataclass(frozen=True)
class TrinoType:
    """One Trino type. `params`: ints for LONG parameters (varchar/char length, decimal p and s,
    time/timestamp precision), TrinoType for array element / map key+value, and
    (field name | None, TrinoType) pairs for row. Unbounded varchar has no params."""

    raw: str
    params: tuple[Any, ...] = ()
    duck_cast: bool = field(default=False, compare=False)   # DuckDB value must be CAST to VARCHAR
    zone: str | None = field(default=None, compare=False)   # timestamp with time zone shown in this zone
    fraction_tail: str = field(default="", compare=False)   # digits beyond DuckDB's (fine_datetime literals)
    stored_zone: bool = field(default=False, compare=False)   # each value carries its zone (STORED_ZONE_STRUCT)

    @property
    def text(self) -> str:
        """The column `type` string exactly as Trino formats it (", " between parameters)."""
        r, p = self.raw, self.params
        if r in ("timestamp with time zone", "time with time zone"):
            base = r.split(" ", 1)
            return f"{base[0]}({p[0]}) {base[1]}" if p else r
        if r == "row":
            return "row(" + ", ".join(_field_text(n, t) for n, t in p) + ")"
        if not p:
            return r
        return f"{r}(" + ", ".join(x.text if isinstance(x, TrinoType) else str(x) for x in p) + ")"

    def signature(self) -> dict:
        """typeSignature JSON (§9.3)."""
        args: list[dict]
        if self.raw == "varchar" and not self.params:
            args = [{"kind": "LONG", "value": UNBOUNDED_VARCHAR}]
        elif self.raw == "row":
            args = []
            for name, t in self.params:
                value: dict = {"typeSignature": t.signature()}
                if name is not None:
                    value = {"fieldName": {"name": name}, "typeSignature": t.signature()}
                args.append({"kind": "NAMED_TYPE", "value": value})
        else:
            args = [
                {"kind": "TYPE", "value": x.signature()} if isinstance(x, TrinoType)
                else {"kind": "LONG", "value": x}
                for x in self.params
            ]
        return {"rawType": self.raw, "arguments": args}

    @property
    def precision(self) -> int:
        return int(self.params[0]) if self.params else 3

    @property
    def is_string_valued(self) -> bool:
        return self.raw in STRING_VALUED


def _field_text(name: str | None, t: TrinoType) -> str:
    if name is None:
        return t.text
    shown = name if _SIMPLE_NAME.match(name) else '"' + name.replace('"', '""') + '"'
    return f"{shown} {t.text}"


# ---------------------------------------------------------------- parsing Trino type text

_TOKEN = re.compile(r'\s*(?:(?P<q>"(?:[^"]|"")*")|(?P<w>[A-Za-z_][A-Za-z0-9_]*)|(?P<n>\d+)|(?P<p>[(),]))')


def parse_type(text: str) -> TrinoType:
    """Parse a Trino type string such as ``row(a bigint, b array(varchar(3)))``."""
    tokens = [m for m in _TOKEN.finditer(text)]
    toks = [(m.lastgroup, m.group(m.lastgroup)) for m in tokens]
    pos = 0

    def peek() -> tuple[str, str] | None:
        return toks[pos] if pos < len(toks) else None

    def take() -> tuple[str, str]:
        nonlocal pos
        if pos >= len(toks):
            raise ValueError(f"unexpected end of type {text!r}")
        pos += 1
        return toks[pos - 1]

    def words() -> str:
        parts = [take()[1].lower()]
        while (nx := peek()) and nx[0] == "w":
            parts.append(take()[1].lower())
        return " ".join(parts)

    def parse() -> TrinoType:
        name = words()
        params: list[Any] = []
        nx = peek()
        if nx and nx == ("p", "("):
            take()
            while True:
                nx = peek()
                if nx and nx[0] == "n":
                    params.append(int(take()[1]))
                elif name == "row":
                    params.append(parse_field())
                else:
                    params.append(parse())
                sep = take()
                if sep == ("p", ")"):
                    break
            # "timestamp(3) with time zone"
            nx = peek()
            if nx and nx[0] == "w" and name in ("timestamp", "time"):
                suffix = words()
                name = f"{name} {suffix}"
        if name in ("timestamp", "time", "timestamp with time zone", "time with time zone") and not params:
            params = [3]
        return TrinoType(name, tuple(params))

    def parse_field() -> tuple[str | None, TrinoType]:
        nonlocal pos
        kind, value = toks[pos]
        if kind == "q":
            pos += 1
            return value[1:-1].replace('""', '"'), parse()
        # "name type" or an anonymous "type": a field name is followed by another word, unless the
        # two words are the start of a multi-word type ("timestamp with", "interval day")
        if kind == "w" and pos + 1 < len(toks) and toks[pos + 1][0] == "w" and not (
                value.lower() in ("timestamp", "time", "interval")
                and toks[pos + 1][1].lower() in ("with", "day", "year")):
            pos += 1
            return value, parse()
        return None, parse()

    result = parse()
    if pos != len(toks):
        raise ValueError(f"trailing text in type {text!r}")
    return result


# ---------------------------------------------------------------- zoned table columns

# A timestamp(p) with time zone table column keeps each value's zone (as Trino does): DuckDB holds
# it as STRUCT(trino_tstz_i<p> TIMESTAMPTZ, trino_tstz_z VARCHAR), the instant and Trino's zone id
# text; the field name carries p so the type survives subqueries (zoned_columns, zoned_refs).
# Zoned literals written into a table travel as the same struct without p plus trino_tstz_p.
STORED_INSTANT = "trino_tstz_i"
STORED_ZONE = "trino_tstz_z"
STORED_PRECISION = "trino_tstz_p"


def stored_zone_struct(precision: int) -> str:
    return f'STRUCT("{STORED_INSTANT}{precision}" TIMESTAMPTZ, "{STORED_ZONE}" VARCHAR)'


def _stored_zone_type(names: list[str]) -> TrinoType | None:
    if len(names) < 2 or names[1] != STORED_ZONE or not names[0].startswith(STORED_INSTANT):
        return None
    digits = names[0][len(STORED_INSTANT):]
    if digits.isdigit() and len(names) == 2:
        return TrinoType("timestamp with time zone", (int(digits),), stored_zone=True)
    if not digits and names[2:] == [STORED_PRECISION]:
        return TrinoType("timestamp with time zone", (), stored_zone=True)   # a literal on its way into a table
    return None


def table_storage(t: TrinoType) -> str:
    """DuckDB column type of a sandbox table column of Trino type *t* (zoned timestamps: the struct)."""
    if t.raw == "timestamp with time zone":
        return stored_zone_struct(t.precision)
    if _has_zoned_timestamp(t):
        raise ValueError("nested timestamp with time zone")
    return duckdb_storage(t)


def _has_zoned_timestamp(t: TrinoType) -> bool:
    if t.raw == "timestamp with time zone":
        return True
    parts = [p[1] if isinstance(p, tuple) else p for p in t.params]
    return any(isinstance(p, TrinoType) and _has_zoned_timestamp(p) for p in parts)


# ---------------------------------------------------------------- DuckDB -> Trino

_DUCK_SCALARS = {
    "boolean": TrinoType("boolean"), "tinyint": TrinoType("tinyint"), "smallint": TrinoType("smallint"),
    "integer": TrinoType("integer"), "bigint": TrinoType("bigint"), "hugeint": TrinoType("bigint"),
    "utinyint": TrinoType("smallint"), "usmallint": TrinoType("integer"), "uinteger": TrinoType("bigint"),
    "ubigint": TrinoType("decimal", (20, 0)), "uhugeint": TrinoType("decimal", (38, 0)),
    "float": TrinoType("real"), "double": TrinoType("double"), "varchar": TrinoType("varchar"),
    "blob": TrinoType("varbinary"), "date": TrinoType("date"), "time": TrinoType("time", (6,)),
    "time with time zone": TrinoType("time with time zone", (6,)),
    "timestamp": TrinoType("timestamp", (6,)), "timestamp_ms": TrinoType("timestamp", (3,)),
    "timestamp_s": TrinoType("timestamp", (0,)), "timestamp_ns": TrinoType("timestamp", (9,)),
    "timestamp with time zone": TrinoType("timestamp with time zone", (6,)),
    "interval": TrinoType("interval day to second"), "uuid": TrinoType("uuid"), "json": TrinoType("json"),
    "null": TrinoType("unknown"), '"null"': TrinoType("unknown"),
}


def from_duckdb(t: Any) -> TrinoType:
    """Map a DuckDB ``DuckDBPyType`` to the Trino type the sandbox reports for it."""
    tid = str(t.id).lower()
    if tid == "decimal":
        ch = dict(t.children)
        return TrinoType("decimal", (int(ch["precision"]), int(ch["scale"])))
    if tid in ("list", "array"):
        return TrinoType("array", (from_duckdb(t.children[0][1]),))
    if tid == "map":
        ch = dict(t.children)
        return TrinoType("map", (from_duckdb(ch["key"]), from_duckdb(ch["value"])))
    if tid in ("struct", "tuple"):
        stored = _stored_zone_type([name for name, _ in t.children])
        if stored is not None:
            return stored
        return TrinoType("row", tuple((name or None, from_duckdb(ct)) for name, ct in t.children))
    if str(t).upper() == "JSON":
        return TrinoType("json")
    if tid in _DUCK_SCALARS:
        return _DUCK_SCALARS[tid]
    return TrinoType("varchar", duck_cast=True)  # enum, bit, union, varint...: shown as their VARCHAR cast


# ---------------------------------------------------------------- Trino -> DuckDB storage

_STORAGE = {
    "boolean": "BOOLEAN", "tinyint": "TINYINT", "smallint": "SMALLINT", "integer": "INTEGER",
    "bigint": "BIGINT", "real": "FLOAT", "double": "DOUBLE", "varchar": "VARCHAR", "char": "VARCHAR",
    "varbinary": "BLOB", "json": "JSON", "date": "DATE", "time": "TIME", "timestamp": "TIMESTAMP",
    "timestamp with time zone": "TIMESTAMPTZ", "time with time zone": "TIMETZ",
    "interval day to second": "INTERVAL", "interval year to month": "INTERVAL", "uuid": "UUID",
    "ipaddress": "VARCHAR",
}


def duckdb_storage(t: TrinoType, markers: bool = False) -> str:
    """DuckDB column type that holds values of `t` (lengths and precisions are not enforced);
    *markers*: bounded varchar/char as the marker types (trino_varchar_3) that keep their bounds
    visible in DuckDB's parse tree (literal_edits), for casts."""
    if t.raw == "decimal":
        return f"DECIMAL({t.params[0]},{t.params[1]})"
    if t.raw == "array":
        return duckdb_storage(t.params[0], markers) + "[]"
    if t.raw == "map":
        return f"MAP({duckdb_storage(t.params[0], markers)}, {duckdb_storage(t.params[1], markers)})"
    if t.raw == "row":
        return "STRUCT(" + ", ".join(f'"{n or ""}" {duckdb_storage(ft, markers)}' for n, ft in t.params) + ")"
    if markers and t.raw in ("varchar", "char") and t.params:
        return f"trino_{t.raw}_{int(t.params[0])}"
    return _STORAGE[t.raw]
