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
from .text import HEX_FLAT, is_binary_type, java_double, java_float, java_map_order, text_formatter

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
        key = text_formatter(t.key, "NULL", HEX_FLAT) if t.key and t.key.raw not in ("varchar", "char") else str
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


class JsonWriter(RowWriter):
    """Newline-delimited JSON objects; streams (no buffering beyond one batch)."""

    def __init__(self, out: BinaryIO, columns: Sequence[Column]) -> None:
        super().__init__(out, columns)
        self._convs = [json_value_converter(c.type) for c in self.columns]
        self._todo = [(i, f) for i, f in enumerate(self._convs) if f is not _identity]
        self._unique = len(set(self.names)) == len(self.names)
        self._keys = [orjson.dumps(n) + b":" for n in self.names]

    def write_rows(self, rows: list[list]) -> None:
        if not rows:
            return
        dumps = orjson.dumps
        names = self.names
        todo = self._todo
        lines: list[bytes] = []
        for row in rows:
            self._check_width(row)
            if todo:
                row = list(row)
                for i, f in todo:
                    row[i] = f(row[i])
            if self._unique:
                lines.append(dumps(dict(zip(names, row))))
            else:  # duplicate column names: keep every field, as Jackson does
                lines.append(b"{" + b",".join(k + dumps(v) for k, v in zip(self._keys, row)) + b"}")
        lines.append(b"")
        data = b"\n".join(lines)
        if b"\\u00" in data:
            data = _LOWER_HEX_ESCAPE.sub(lambda m: m.group(1) + b"\\u00" + m.group(2).upper(), data)
        self.out.write(data)
        self.rows_written += len(rows)
