"""JSON writer: one ``{"column": value, ...}`` object per line (the Trino CLI's JsonPrinter).

Values as the CLI's Jackson generator writes the Java client's objects: integers and booleans as
JSON literals, doubles/reals as numbers in Java notation (``1.0E10``) and NaN/Infinity as strings,
decimals, temporals and other string types as strings (exactly as sent), varbinary as a one-line
hex dump string. Nested values (the CLI cannot serialize them) are written as JSON: arrays as
arrays, maps as objects keyed by the key's CLI text, rows as objects when every field is named
(arrays otherwise). Control characters escape as ``\\u00XX`` with upper-case hex, as Jackson does.
"""

from __future__ import annotations

import re
from typing import Any, BinaryIO, Callable, Sequence

import orjson

from trino_tui.client.types import Column, TrinoType

from .base import RowWriter
from .text import HEX_FLAT, is_binary_type, java_double, java_float, java_map_order, map_key_formatter, text_formatter

__all__ = ["JsonWriter", "json_value_converter"]

_Conv = Callable[[Any], Any]
# an escape is \u00xx preceded by an even number of backslashes (odd ones escape each other)
_LOWER_HEX_ESCAPE = re.compile(rb"(?<!\\)((?:\\\\)*)\\u00([0-9a-f]{2})")


def _identity(v: Any) -> Any:
    return v


def _number(fmt: Callable[[Any], str], plain_floats: bool) -> _Conv:
    def conv(v: Any) -> Any:
        if v is None or v.__class__ is str:  # "NaN", "Infinity", "-Infinity" stay strings
            return v
        if plain_floats and v.__class__ is float and (0.001 <= v < 1e7 or v == 0.0 or -1e7 < v <= -0.001):
            return v  # orjson writes Python's shortest repr, which is Java's text in this range
        return orjson.Fragment(fmt(v))
    return conv


def json_value_converter(t: TrinoType) -> _Conv:
    """wire value -> an object orjson serializes to the CLI's JSON for type *t*."""
    raw = t.raw
    if raw == "double":
        return _number(java_double, True)
    if raw == "real":
        return _number(java_float, False)
    if raw == "array":
        elem = json_value_converter(t.element) if t.element else _identity
        if elem is _identity:
            return _identity
        return lambda v: None if v is None else [elem(x) for x in v]
    if raw == "map":
        key = map_key_formatter(t.key) if t.key else str
        val = json_value_converter(t.value) if t.value else _identity
        key_raw = t.key.raw if t.key else ""
        return lambda v: None if v is None else {
            key(k): val(x) for k, x in java_map_order(list(v.items()), key_raw)}
    if raw == "row":
        names = [n for n, _ in t.fields]
        convs = [json_value_converter(ft) for _, ft in t.fields]
        as_object = all(n is not None for n in names) and len(set(names)) == len(names)
        if as_object:
            return lambda v: None if v is None else {n: c(x) for n, c, x in zip(names, convs, v)}
        return lambda v: None if v is None else [c(x) for c, x in zip(convs, v)]
    if is_binary_type(t):
        return _nullable(text_formatter(t, None, HEX_FLAT))
    return _identity  # integers, booleans, strings (decimal, temporal, json ...) as sent


def _nullable(f: _Conv) -> _Conv:
    return lambda v: None if v is None else f(v)


_ROW_BREAK = orjson.Fragment(b"\n")  # orjson never emits a raw newline itself


def _compile_objects(names: list[str], convs: list[_Conv], raws: list[str]) -> Callable[[list], list]:
    """Generate ``objects(rows) -> list[dict]`` with the column converters inlined; names and
    converters enter through the namespace, never the source."""
    env: dict[str, Any] = {}
    items = []
    for i, (name, conv, raw) in enumerate(zip(names, convs, raws)):
        env[f"_k{i}"] = name
        if conv is _identity:
            items.append(f"_k{i}: a{i}")
        elif raw == "double":  # the plain-range fast path of _number, inlined
            env[f"_c{i}"] = conv
            items.append(f"_k{i}: a{i} if a{i}.__class__ is float and (0.001 <= a{i} < 1e7 or a{i} == 0.0 "
                         f"or -1e7 < a{i} <= -0.001) else _c{i}(a{i})")
        else:
            env[f"_c{i}"] = conv
            items.append(f"_k{i}: _c{i}(a{i})")
    targets = ", ".join(f"a{i}" for i in range(len(names))) + ("," if len(names) == 1 else "")
    src = f"def objects(rows):\n    return [{{{', '.join(items)}}} for {targets} in rows]\n"
    exec(compile(src, "<trino_tui.export json objects>", "exec"), env)  # noqa: S102 - indexes only
    return env["objects"]


def _ndjson(objects: list[dict]) -> bytes:
    """One orjson call for the whole batch (per-call overhead dominates per-row dumps): the rows
    are separated by raw-newline fragments, so ``,\\n,`` marks exactly the row boundaries."""
    seq: list[Any] = [_ROW_BREAK] * (2 * len(objects) - 1)
    seq[::2] = objects
    return orjson.dumps(seq)[1:-1].replace(b",\n,", b"\n") + b"\n"


class JsonWriter(RowWriter):
    """Newline-delimited JSON objects; streams (no buffering beyond one batch)."""

    def __init__(self, out: BinaryIO, columns: Sequence[Column]) -> None:
        super().__init__(out, columns)
        self._convs = [json_value_converter(c.type) for c in self.columns]
        self._keys = [orjson.dumps(n) + b":" for n in self.names]
        unique = len(set(self.names)) == len(self.names) and self.columns
        raws = [c.type.raw for c in self.columns]
        self._objects = _compile_objects(self.names, self._convs, raws) if unique else None

    def write_rows(self, rows: list[list]) -> None:
        if not rows:
            return
        data = None
        if self._objects is not None:
            try:
                data = _ndjson(self._objects(rows))
            except (ValueError, TypeError):
                data = None  # wrong row width or an odd value: the per-row path reports it
        if data is None:
            data = b"".join([self._line(row) for row in rows])
        if b"\\u00" in data:
            data = _LOWER_HEX_ESCAPE.sub(lambda m: m.group(1) + b"\\u00" + m.group(2).upper(), data)
        self.out.write(data)
        self.rows_written += len(rows)

    def _line(self, row: list) -> bytes:
        """One row the slow way: every field kept, even with duplicate column names (as Jackson)."""
        self._check_width(row)
        dumps = orjson.dumps
        try:
            fields = [k + dumps(f(v)) for k, f, v in zip(self._keys, self._convs, row)]
        except (TypeError, ValueError, orjson.JSONEncodeError) as e:
            raise ValueError(f"cannot format row {row!r:.200}: {e}") from None
        return b"{" + b",".join(fields) + b"}\n"
