"""Trino column types and the lazy wire -> Python value mapping.

Owns: ``TrinoType``/``Column`` (parsed from the ``columns`` JSON of a QueryResults, trino-protocol.md
§9.3), a parser for type *text* (``"map(varchar, array(bigint))"``) used when no typeSignature is
present, and ``value_converter``/``RowConverter`` which map wire values (exactly what ``orjson.loads``
produced) to Python values the way the official ``trino`` Python client does (§9.1/§9.2).

Invariants: converters are built once per type (closures); ``None`` passes through every converter;
types that need no conversion get the shared ``identity`` function so callers can skip them.
Everything here is immutable after construction and therefore thread-safe.
"""

from __future__ import annotations

import base64
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from typing import Any, Callable, Iterable, Sequence

from trino_tui.records import record

__all__ = [
    "TrinoType", "Column", "NamedRow", "RowConverter", "identity", "parse_columns",
    "parse_type_signature", "parse_type_text", "value_converter",
]

Converter = Callable[[Any], Any]

UNBOUNDED_VARCHAR = 2147483647
INTEGER_TYPES = frozenset(("tinyint", "smallint", "integer", "bigint"))
NUMERIC_TYPES = INTEGER_TYPES | {"real", "double", "decimal"}
# raw types whose text carries the precision *before* " with time zone"
_TZ_TYPES = {"time with time zone": "time", "timestamp with time zone": "timestamp"}
_LEGACY_KINDS = {"TYPE_SIGNATURE": "TYPE", "NAMED_TYPE_SIGNATURE": "NAMED_TYPE", "LONG_LITERAL": "LONG"}


@record
class TrinoType:
    """One Trino type. ``args``: LONG args as int, TYPE args as TrinoType, row fields as
    ``(name | None, TrinoType)``; ``text`` is the SQL type text (as the server sent it when known)."""

    raw: str
    args: tuple = ()
    text: str = ""

    def __post_init__(self) -> None:
        if not self.text:
            object.__setattr__(self, "text", _render_text(self.raw, self.args))

    @property
    def precision(self) -> int | None:
        """decimal precision; time/timestamp fraction digits (3 when the server sent none)."""
        if self.raw == "decimal" or self.raw in ("time", "timestamp") or self.raw in _TZ_TYPES:
            if self.args and isinstance(self.args[0], int):
                return self.args[0]
            return 3 if self.raw != "decimal" else None
        return None

    @property
    def scale(self) -> int | None:
        if self.raw == "decimal" and len(self.args) > 1 and isinstance(self.args[1], int):
            return self.args[1]
        return None

    @property
    def length(self) -> int | None:
        """varchar/char length; None for unbounded varchar."""
        if self.raw in ("varchar", "char") and self.args and isinstance(self.args[0], int):
            return None if self.args[0] == UNBOUNDED_VARCHAR else self.args[0]
        return None

    @property
    def element(self) -> TrinoType | None:
        return self.args[0] if self.raw == "array" and self.args else None

    @property
    def key(self) -> TrinoType | None:
        return self.args[0] if self.raw == "map" and self.args else None

    @property
    def value(self) -> TrinoType | None:
        return self.args[1] if self.raw == "map" and len(self.args) > 1 else None

    @property
    def fields(self) -> tuple[tuple[str | None, TrinoType], ...]:
        return tuple(self.args) if self.raw == "row" else ()

    @property
    def is_numeric(self) -> bool:
        """True for types the Trino CLI right-aligns (tinyint..bigint, real, double, decimal)."""
        return self.raw in NUMERIC_TYPES

    def __str__(self) -> str:
        return self.text


@record
class Column:
    name: str
    type: TrinoType


# ---------------------------------------------------------------------------------------------
# parsing


def parse_columns(columns_json: Iterable[dict]) -> list[Column]:
    """Parse the QueryResults ``columns`` list. Raises ValueError (one-line) on a malformed entry."""
    out: list[Column] = []
    for col in columns_json:
        try:
            name = col["name"]
            text = col.get("type") or ""
            sig = col.get("typeSignature")
            t = parse_type_signature(sig, text) if sig else parse_type_text(text)
        except (KeyError, TypeError, AttributeError, IndexError) as e:
            raise ValueError(f"malformed column description {str(col)[:120]!r}: {e}") from None
        out.append(Column(str(name), t))
    return out


MAX_TYPE_DEPTH = 100  # nesting beyond this is refused (ValueError), never recursed into


def parse_type_signature(sig: dict, text: str = "", _depth: int = 0) -> TrinoType:
    """ClientTypeSignature JSON -> TrinoType (accepts legacy kind names and pre-321 fields)."""
    if _depth > MAX_TYPE_DEPTH:
        raise ValueError(f"type nesting deeper than {MAX_TYPE_DEPTH}")
    raw = sig["rawType"]
    if not isinstance(raw, str) or not raw:
        raise ValueError(f"rawType {str(raw)[:40]!r} is not a type name")
    args: list[Any] = []
    arguments = sig.get("arguments")
    if arguments is None:  # pre-321 servers: typeArguments + literalArguments
        args.extend(parse_type_signature(a, "", _depth + 1) for a in sig.get("typeArguments") or ())
        args.extend(sig.get("literalArguments") or ())
    else:
        for arg in arguments:
            kind = _LEGACY_KINDS.get(arg["kind"], arg["kind"])
            value = arg["value"]
            if kind == "LONG":
                args.append(int(value))
            elif kind == "TYPE":
                args.append(parse_type_signature(value, "", _depth + 1))
            elif kind == "NAMED_TYPE":
                fname = (value.get("fieldName") or {}).get("name")
                if fname is not None and not isinstance(fname, str):
                    raise ValueError(f"row field name {str(fname)[:40]!r} is not a string")
                args.append((fname, parse_type_signature(value["typeSignature"], "", _depth + 1)))
            else:
                raise ValueError(f"unsupported type signature argument kind {str(arg['kind'])[:40]!r}")
    return TrinoType(raw, tuple(args), text)


def parse_type_text(text: str) -> TrinoType:
    """Parse SQL type text such as ``row(a bigint, "b c" array(decimal(10, 2)))``."""
    parser = _TextParser(text)
    t = parser.type_()
    parser.skip_ws()
    if parser.pos != len(text):
        raise ValueError(f"cannot parse type {text[:80]!r}")
    return t


class _TextParser:
    def __init__(self, text: str) -> None:
        self.s = text
        self.pos = 0
        self.depth = 0

    def skip_ws(self) -> None:
        while self.pos < len(self.s) and self.s[self.pos] == " ":
            self.pos += 1

    def word(self) -> str:
        self.skip_ws()
        start = self.pos
        while self.pos < len(self.s) and (self.s[self.pos].isalnum() or self.s[self.pos] in "_$"):
            self.pos += 1
        if start == self.pos:
            raise ValueError(f"cannot parse type {self.s[:80]!r} at {self.pos}")
        return self.s[start:self.pos]

    def peek(self) -> str:
        self.skip_ws()
        return self.s[self.pos] if self.pos < len(self.s) else ""

    def type_(self) -> TrinoType:
        self.depth += 1
        if self.depth > MAX_TYPE_DEPTH:
            raise ValueError(f"type nesting deeper than {MAX_TYPE_DEPTH}")
        try:
            return self._type()
        finally:
            self.depth -= 1

    def _type(self) -> TrinoType:
        start = self.pos
        words = [self.word()]
        args: list[Any] = []
        if self.peek() == "(":
            self.pos += 1
            while True:
                args.append(self.arg(words[0].lower()))
                c = self.peek()
                self.pos += 1
                if c == ")":
                    break
                if c != ",":
                    raise ValueError(f"cannot parse type {self.s[:80]!r} at {self.pos - 1}")
        # multi-word types: "time(3) with time zone", "interval day to second", "double precision"
        while self.peek().isalpha():
            save = self.pos
            w = self.word()
            if w.lower() in ("with", "time", "zone", "to", "day", "second", "year", "month", "precision"):
                words.append(w)
            else:
                self.pos = save
                break
        raw = " ".join(w.lower() for w in words)
        raw = {"double precision": "double", "int": "integer"}.get(raw, raw)
        return TrinoType(raw, tuple(args), self.s[start:self.pos].strip())

    def arg(self, raw: str) -> Any:
        c = self.peek()
        if c.isdigit():
            start = self.pos
            while self.pos < len(self.s) and self.s[self.pos].isdigit():
                self.pos += 1
            return int(self.s[start:self.pos])
        if raw != "row":
            return self.type_()
        if c == '"':  # quoted field name
            end = self.pos + 1
            name_chars: list[str] = []
            while True:
                if end >= len(self.s):
                    raise ValueError(f"unterminated quoted field name in type {self.s[:80]!r}")
                ch = self.s[end]
                if ch == '"':
                    if end + 1 < len(self.s) and self.s[end + 1] == '"':
                        name_chars.append('"')
                        end += 2
                        continue
                    break
                name_chars.append(ch)
                end += 1
            self.pos = end + 1
            return ("".join(name_chars), self.type_())
        save = self.pos
        first = self.word()
        nxt = self.peek()
        if nxt in (",", ")", "("):  # anonymous field: just a type
            self.pos = save
            return (None, self.type_())
        return (first, self.type_())


def _render_text(raw: str, args: tuple) -> str:
    """SQL text for a type built without server text (nested signatures)."""
    if raw in _TZ_TYPES:
        base = _TZ_TYPES[raw]
        return f"{base}({args[0]}) with time zone" if args else raw
    if raw == "varchar" and args == (UNBOUNDED_VARCHAR,):
        return "varchar"
    if not args:
        return raw
    parts: list[str] = []
    for a in args:
        if isinstance(a, tuple):
            name, t = a
            parts.append(t.text if name is None else f"{_quote_field(name)} {t.text}")
        else:
            parts.append(str(a.text if isinstance(a, TrinoType) else a))
    return f"{raw}({', '.join(parts)})"


def _quote_field(name: str) -> str:
    if name.replace("_", "a").isalnum() and not name[0].isdigit():
        return name
    return '"' + name.replace('"', '""') + '"'


# ---------------------------------------------------------------------------------------------
# value conversion


def identity(value: Any) -> Any:
    """The converter for types whose wire value already is the Python value."""
    return value


class NamedRow(tuple):
    """A row value: a tuple with optional field names (``r.name`` works for unique names)."""

    __slots__ = ()
    _names: tuple[str | None, ...] = ()

    def __getattr__(self, name: str) -> Any:
        names = type(self)._names
        if names.count(name) == 1:
            return self[names.index(name)]
        if names.count(name) > 1:
            raise AttributeError(f"ambiguous row field reference: {name}")
        raise AttributeError(name)

    @property
    def names(self) -> tuple[str | None, ...]:
        return type(self)._names

    def __repr__(self) -> str:
        names = type(self)._names
        parts = [f"{n}: {v!r}" if n is not None and names.count(n) == 1 else repr(v)
                 for n, v in zip(names, self)]
        return "(" + ", ".join(parts) + ")"


def value_converter(t: TrinoType) -> Converter:
    """wire value -> Python value for type *t*; ``identity`` when no conversion is needed."""
    raw = t.raw
    if raw in ("double", "real"):
        return _none_safe(float)  # float() parses "NaN", "Infinity", "-Infinity"
    if raw in ("decimal", "number"):
        from decimal import Decimal  # here: a run that never converts decimals skips decimal's import

        return _none_safe(Decimal)
    if raw == "varbinary":
        return _none_safe(base64.b64decode)
    if raw == "uuid":
        import uuid  # here: uuid imports platform

        return _none_safe(uuid.UUID)
    if raw == "date":
        return _none_safe(date.fromisoformat)
    if raw in ("time", "time with time zone"):
        return _none_safe(_time_parser(min(t.precision or 0, 6), raw != "time"))
    if raw in ("timestamp", "timestamp with time zone"):
        return _none_safe(_timestamp_parser(min(t.precision or 0, 6), raw != "timestamp"))
    if raw == "interval day to second":
        return _none_safe(_day_to_second)
    if raw == "array":
        elem = value_converter(t.element) if t.element else identity
        if elem is identity:
            return identity
        return lambda v: None if v is None else [None if x is None else elem(x) for x in v]
    if raw == "map":
        kconv = _key_converter(t.key) if t.key else identity
        vconv = value_converter(t.value) if t.value else identity
        if kconv is identity and vconv is identity:
            return identity
        return lambda v: None if v is None else {kconv(k): vconv(x) for k, x in v.items()}
    if raw == "row":
        return _row_converter(t)
    # boolean, integers, varchar, char, json, interval year to month, ipaddress, sketches, geometry, unknown...
    return identity


def _none_safe(f: Converter) -> Converter:
    return lambda v: None if v is None else f(v)


def _key_converter(t: TrinoType) -> Converter:
    """Map keys arrive as strings (Java toString of the key); convert them by key type."""
    if t.raw in INTEGER_TYPES:
        return int
    if t.raw == "boolean":
        return lambda k: k if isinstance(k, bool) else k.lower() == "true"
    return value_converter(t)


def _row_converter(t: TrinoType) -> Converter:
    fields = t.fields
    cls = type("Row", (NamedRow,), {"__slots__": (), "_names": tuple(n for n, _ in fields)})
    convs = [value_converter(ft) for _, ft in fields]
    new = tuple.__new__
    n = len(convs)
    plain = all(c is identity for c in convs)

    def convert(v: Any) -> Any:
        if v is None:
            return None
        if len(v) != n:
            raise ValueError(f"row value has {len(v)} fields, type {t.text} has {n}")
        return new(cls, v if plain else [c(x) for c, x in zip(convs, v)])
    return convert


def _round_fraction(frac: str, digits: int) -> tuple[int, int]:
    """Fraction digits -> (microseconds, carry seconds), rounded half-even to *digits* (<= 6)
    the way the official client quantizes (default Decimal context)."""
    if len(frac) <= digits:
        return int((frac + "000000")[:6]), 0
    n = int(frac)
    div = 10 ** (len(frac) - digits)
    q, r = divmod(n, div)
    if r * 2 > div or (r * 2 == div and q & 1):
        q += 1
    micros = q * 10 ** (6 - digits)
    if micros >= 1_000_000:
        return micros - 1_000_000, 1
    return micros, 0


_TZ_CACHE: dict[str, tzinfo] = {}


def _tzinfo(zone: str) -> tzinfo:
    tz = _TZ_CACHE.get(zone)
    if tz is None:
        if zone[:1] in "+-":
            delta = timedelta(hours=int(zone[1:3]), minutes=int(zone[4:6]))
            tz = timezone(-delta if zone[0] == "-" else delta)
        else:
            from zoneinfo import ZoneInfo  # zone ids only (importing zoneinfo reads sysconfig)

            tz = ZoneInfo(zone)
        _TZ_CACHE[zone] = tz  # bounded by the number of zone ids in use
    return tz


def _day_to_second(v: str) -> timedelta:
    """Trino's ``[-]D HH:MM:SS.mmm`` as a timedelta (the sign applies to the whole interval)."""
    negative = v.startswith("-")
    days, clock = v.lstrip("-").split(" ")
    hours, minutes, seconds = clock.split(":")
    whole, _, millis = seconds.partition(".")
    try:
        delta = timedelta(days=int(days), hours=int(hours), minutes=int(minutes), seconds=int(whole),
                          milliseconds=int(millis or 0))
    except OverflowError:
        raise ValueError(f"interval day to second {v!r} is outside the range of datetime.timedelta") from None
    return -delta if negative else delta


def _time_parser(digits: int, with_tz: bool) -> Converter:
    def parse(v: str) -> time:
        tz = None
        if with_tz:
            v, tz = v[:-6], _tzinfo(v[-6:])
        micros, carry = _round_fraction(v[9:], digits)
        t = time(int(v[0:2]), int(v[3:5]), int(v[6:8]), micros, tz)
        if carry:
            t = (datetime.combine(date(1, 1, 1), t) + timedelta(seconds=1)).timetz()
        return t
    return parse


def _timestamp_parser(digits: int, with_tz: bool) -> Converter:
    def parse(v: str) -> datetime:
        tz = None
        if with_tz:
            v, zone = v.rsplit(" ", 1)
            tz = _tzinfo(zone)
        micros, carry = _round_fraction(v[20:], digits)
        dt = datetime.fromisoformat(v[:19]).replace(microsecond=micros, tzinfo=tz)
        return dt + timedelta(seconds=1) if carry else dt
    return parse


class RowConverter:
    """Converts wire rows to tuples of Python values; built once per result (immutable, thread-safe)."""

    def __init__(self, columns: Sequence[Column]):
        self.columns = list(columns)
        self.converters = [value_converter(c.type) for c in self.columns]
        self._todo = [(i, c) for i, c in enumerate(self.converters) if c is not identity]

    def convert(self, row: list) -> tuple:
        if not self._todo:
            return tuple(row)
        out = list(row)
        try:
            for i, conv in self._todo:
                out[i] = conv(out[i])
        except (ValueError, TypeError, KeyError, ArithmeticError) as e:
            col = self.columns[i]
            raise ValueError(f"cannot convert {row[i]!r} of column {col.name} ({col.type.text}): {e}") from None
        return tuple(out)

    def convert_rows(self, rows: Iterable[list]) -> list[tuple]:
        convert = self.convert
        return [convert(r) for r in rows]
