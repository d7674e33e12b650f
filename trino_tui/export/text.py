"""Trino-CLI value text (``FormatUtils.formatValue`` rules) computed straight from wire values.

Owns: Java number text (``Double.toString``/``Float.toString``), varbinary hex dumps, the
per-type text formatter factory used by every writer, console display width (wcwidth) and
``format_cell_text`` for the grid/clipboard.

Rules (trino-cli ``FormatUtils``/``CsvPrinter``/``AlignedTablePrinter`` + ``JsonDecodingUtils``):
NULL -> the caller's null text at top level, ``NULL`` inside containers; booleans ``true``/``false``;
doubles/reals in Java notation; decimals, temporals and strings exactly as sent; varbinary (and the
other base64-encoded types) as lowercase hex pairs, 16 per line where the CLI uses lines;
arrays ``[a, b]``, maps ``{k=v}``, rows ``{name=v}`` (anonymous fields just ``v``).
All functions are pure; formatter factories are cached and thread-safe.
"""

from __future__ import annotations

import base64
import binascii
import re
import struct
import unicodedata
from functools import lru_cache
from typing import Any, Callable

from trino_tui.client.types import INTEGER_TYPES, TrinoType

__all__ = [
    "Formatter", "HEX_FLAT", "HEX_LINES", "display_width", "format_cell_text", "hex_dump",
    "is_binary_type", "java_double", "java_float", "java_map_order", "map_key_formatter",
    "max_line_width", "text_formatter",
]

Formatter = Callable[[Any], str]

HEX_FLAT = 0    # "61 62 63" (CSV, TSV, JSON)
HEX_LINES = 16  # 16 bytes per line joined by "\n" (ALIGNED, VERTICAL, MARKDOWN, nested values)

# Types the Java client keeps as strings; every other scalar type arrives base64-encoded
# (JsonDecodingUtils: default -> Base64Decoder), so the CLI prints it as a hex dump.
_STRING_TYPES = frozenset((
    "varchar", "char", "json", "time", "time with time zone", "timestamp", "timestamp with time zone",
    "date", "interval year to month", "interval day to second", "ipaddress", "uuid", "decimal",
    "Geometry", "SphericalGeography", "number", "variant", "unknown", "color", "BingTile", "KdbTree",
))


def is_binary_type(t: TrinoType) -> bool:
    """True for types whose wire string is base64 of bytes shown as hex (varbinary, sketches)."""
    return t.raw not in _STRING_TYPES and t.raw not in INTEGER_TYPES and t.raw not in (
        "boolean", "double", "real", "array", "map", "row")


# ---------------------------------------------------------------------------------------------
# Java number text


def _java_from_digits(neg: bool, digits: str, exp: int) -> str:
    """Java text of ``±int(digits) * 10**exp`` (shortest digits given, trailing zeros allowed)."""
    stripped = digits.rstrip("0")
    if not stripped:
        return "-0.0" if neg else "0.0"
    exp += len(digits) - len(stripped)
    digits = stripped
    sci = len(digits) - 1 + exp  # exponent of the leading digit
    sign = "-" if neg else ""
    if -3 <= sci < 7:
        if exp >= 0:
            return f"{sign}{digits}{'0' * exp}.0"
        point = len(digits) + exp
        if point > 0:
            return f"{sign}{digits[:point]}.{digits[point:]}"
        return f"{sign}0.{'0' * -point}{digits}"
    return f"{sign}{digits[0]}.{digits[1:] or '0'}E{sci}"


def java_double(v: Any) -> str:
    """``Double.toString`` of a wire double (float, int, or the strings NaN/Infinity/-Infinity)."""
    if v.__class__ is str:
        return v
    v = float(v)
    if 0.001 <= v < 1e7 or -1e7 < v <= -0.001 or v == 0.0:
        return repr(v)  # Python's shortest repr is already Java's plain form here (and "-0.0")
    if v != v:
        return "NaN"
    if v in (float("inf"), float("-inf")):
        return "Infinity" if v > 0 else "-Infinity"
    from decimal import Decimal  # here: most doubles never get this far

    sign, digits, exp = Decimal(repr(v)).as_tuple()
    return _java_from_digits(bool(sign), "".join(map(str, digits)), int(exp))


_F32 = struct.Struct("<f")
_FLT_MAX = 3.4028234663852886e38


def _to_f32(x: float) -> float:
    """Round *x* to the nearest float32 (struct refuses values just above FLT_MAX that round to it)."""
    try:
        return _F32.unpack(_F32.pack(x))[0]
    except OverflowError:
        if abs(x) < _FLT_MAX + 2.0 ** 103:
            return _FLT_MAX if x > 0 else -_FLT_MAX
        return float("inf") if x > 0 else float("-inf")


def java_float(v: Any) -> str:
    """``Float.toString`` of a wire real: the shortest digits that round-trip through float32."""
    if v.__class__ is str:
        return v
    v = float(v)
    if v != v or v in (float("inf"), float("-inf")):
        return java_double(v)
    f = _to_f32(v)
    if f != f or f in (float("inf"), float("-inf")):
        return java_double(f)
    if f == 0:
        return "-0.0" if str(f).startswith("-") else "0.0"
    for prec in range(1, 10):
        s = "%.*e" % (prec - 1, f)
        if _to_f32(float(s)) == f:
            break
    mant, _, e = s.partition("e")
    neg = mant.startswith("-")
    digits = mant.lstrip("-").replace(".", "")
    return _java_from_digits(neg, digits, int(e) - (len(digits) - 1))


# ---------------------------------------------------------------------------------------------
# hex


def hex_dump(data: bytes, per_line: int = HEX_FLAT) -> str:
    """``61 62 63`` pairs; with *per_line* > 0 lines of that many bytes joined by newlines."""
    if per_line <= 0 or len(data) <= per_line:
        return data.hex(" ")
    return "\n".join(data[i:i + per_line].hex(" ") for i in range(0, len(data), per_line))


def _b64_hex(per_line: int) -> Formatter:
    def fmt(v: Any) -> str:
        if v.__class__ is not str:
            return _generic(v)
        try:
            return hex_dump(base64.b64decode(v, validate=True), per_line)
        except (binascii.Error, ValueError):
            return v
    return fmt


# ---------------------------------------------------------------------------------------------
# Java HashMap iteration order (the Java client decodes maps into a HashMap)

_STRING_KEYS = _STRING_TYPES - {"BingTile", "KdbTree", "variant", "unknown", "color", "number"}
_D64 = struct.Struct("<d")
_Q64 = struct.Struct("<Q")
_I32 = struct.Struct("<I")


def _java_string_hash(s: str) -> int:
    h = 0
    data = s.encode("utf-16-le", "surrogatepass")
    for (unit,) in struct.iter_unpack("<H", data):
        h = (31 * h + unit) & 0xFFFFFFFF
    return h


def _java_key_hash(raw: str) -> Callable[[str], int] | None:
    """Java ``hashCode`` of a map key given as its wire string, or None when not reproducible."""
    if raw == "bigint":
        def h64(k: str) -> int:
            u = int(k) & 0xFFFFFFFFFFFFFFFF
            return (u ^ (u >> 32)) & 0xFFFFFFFF
        return h64
    if raw in INTEGER_TYPES:
        return lambda k: int(k) & 0xFFFFFFFF
    if raw == "double":
        def hd(k: str) -> int:
            bits = _Q64.unpack(_D64.pack(float(k)))[0]
            return (bits ^ (bits >> 32)) & 0xFFFFFFFF
        return hd
    if raw == "real":
        return lambda k: _I32.unpack(_F32.pack(float(k)))[0]
    if raw == "boolean":
        return lambda k: 1231 if str(k).lower() == "true" else 1237
    if raw in _STRING_KEYS:
        return _java_string_hash
    return None


def java_map_order(items: list[tuple[Any, Any]], key_raw: str) -> list[tuple[Any, Any]]:
    """Reorder map entries the way ``java.util.HashMap`` iterates them (bucket, then insertion),
    so nested maps print exactly as the Trino CLI prints them. Keys of types whose Java hash is
    not reproducible (byte arrays use identity hashes) keep the wire order."""
    n = len(items)
    hasher = _java_key_hash(key_raw)
    if n < 2 or hasher is None:
        return items
    cap = 16
    while n > cap * 3 // 4:
        cap *= 2
    try:
        buckets = []
        for k, _ in items:
            h = hasher(k)
            buckets.append((h ^ (h >> 16)) & (cap - 1))
    except (ValueError, TypeError, OverflowError, struct.error):
        return items
    return [items[i] for i in sorted(range(n), key=lambda i: (buckets[i], i))]


# ---------------------------------------------------------------------------------------------
# formatter factory


def _bool(v: Any) -> str:
    if v is True:
        return "true"
    if v is False:
        return "false"
    return str(v).lower()


def _generic(v: Any) -> str:
    """Values of types we do not know (BingTile objects, ...) rendered like Java collections."""
    if isinstance(v, dict):
        return "{" + ", ".join(f"{_generic(k)}={_generic(x)}" for k, x in v.items()) + "}"
    if isinstance(v, list):
        return "[" + ", ".join(_generic(x) for x in v) + "]"
    if v is None:
        return "NULL"
    if isinstance(v, bool):
        return _bool(v)
    if isinstance(v, float):
        return java_double(v)
    return str(v)


def map_key_formatter(t: TrinoType) -> Formatter:
    """Map keys arrive as strings (Java toString of the key); render them like the key type."""
    if t.raw in ("double", "real"):
        conv = java_double if t.raw == "double" else java_float
        return lambda k: conv(float(k) if k.__class__ is str else k)  # float() parses NaN/Infinity
    if t.raw == "boolean":
        return lambda k: k.lower() if k.__class__ is str else _bool(k)
    if t.raw in INTEGER_TYPES:
        return str
    return text_formatter(t, "NULL", HEX_LINES)


@lru_cache(maxsize=1024)
def text_formatter(t: TrinoType, null: str | None, hex_per_line: int) -> Formatter:
    """A function wire value -> CLI text for type *t*.

    *null*: text for a top-level NULL, or ``None`` when the caller handles NULL itself (the
    returned function may then assume a non-None value). Nested NULLs always print ``NULL``.
    *hex_per_line*: ``HEX_FLAT`` or ``HEX_LINES`` for top-level varbinary values.
    """
    raw = t.raw
    if raw in ("double", "real"):
        f = java_double if raw == "double" else java_float
    elif raw == "boolean":
        f = _bool
    elif raw in INTEGER_TYPES:
        f = str
    elif raw == "array":
        elem = text_formatter(t.element, "NULL", HEX_LINES) if t.element else _generic

        def f(v: Any) -> str:
            return "[" + ", ".join([elem(x) for x in v]) + "]"
    elif raw == "map":
        ktext = map_key_formatter(t.key) if t.key else _generic
        vtext = text_formatter(t.value, "NULL", HEX_LINES) if t.value else _generic
        key_raw = t.key.raw if t.key else ""

        def f(v: Any) -> str:
            items = java_map_order(list(v.items()), key_raw)
            return "{" + ", ".join([f"{ktext(k)}={vtext(x)}" for k, x in items]) + "}"
    elif raw == "row":
        parts = [((n + "=") if n is not None else "", text_formatter(ft, "NULL", HEX_LINES))
                 for n, ft in t.fields]

        def f(v: Any) -> str:
            if len(v) != len(parts):
                return _generic(v)
            return "{" + ", ".join([p + fx(x) for (p, fx), x in zip(parts, v)]) + "}"
    elif is_binary_type(t):
        f = _b64_hex(hex_per_line)
    else:
        f = _plain
    if null is None:
        return f
    return lambda v: null if v is None else f(v)


def _plain(v: Any) -> str:
    return v if v.__class__ is str else _generic(v)


# ---------------------------------------------------------------------------------------------
# display width (jline WCWidth semantics per UTF-16 unit: wide East Asian = 2, combining/control = 0)


def _char_width(c: str) -> int:
    o = ord(c)
    if o < 32 or 0x7F <= o < 0xA0:
        return 0
    if o > 0xFFFF:
        return 2  # the CLI measures UTF-16 units: each surrogate half counts 1
    if o == 0xAD:
        return 1  # soft hyphen (Markus Kuhn's wcwidth, as jline)
    if 0x1160 <= o <= 0x11FF:
        return 0  # Hangul Jamo medial vowels and final consonants
    if unicodedata.combining(c) or unicodedata.category(c) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if _is_wide(o) else 1


def _is_wide(o: int) -> bool:
    """Markus Kuhn's wcwidth wide ranges (BMP), exactly as jline's WCWidth uses them."""
    return o >= 0x1100 and (
        o <= 0x115F or o in (0x2329, 0x232A) or (0x2E80 <= o <= 0xA4CF and o != 0x303F)
        or 0xAC00 <= o <= 0xD7A3 or 0xF900 <= o <= 0xFAFF or 0xFE10 <= o <= 0xFE19
        or 0xFE30 <= o <= 0xFE6F or 0xFF00 <= o <= 0xFF60 or 0xFFE0 <= o <= 0xFFE6)


_ANSI_CSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")


def display_width(s: str) -> int:
    """Terminal columns used by *s* (no newlines expected); ANSI CSI sequences count 0, as the
    CLI strips them (jline ``stripAnsi``) before measuring."""
    if s.isascii() and s.isprintable():
        return len(s)
    if "\x1b" in s:
        s = _ANSI_CSI.sub("", s)
    return sum(_char_width(c) for c in s)


def max_line_width(s: str) -> int:
    if "\n" not in s:
        return display_width(s)
    return max(display_width(line) for line in s.split("\n"))


# ---------------------------------------------------------------------------------------------
# grid / clipboard

_SINGLE_LINE = str.maketrans({"\n": "\\n", "\r": "\\r", "\t": "\\t"})


def format_cell_text(value: Any, t: TrinoType, *, multiline: bool = False) -> str:
    """The Trino CLI text of one wire value, as the ALIGNED format prints it.

    Default (grid): one line: NULL -> ``NULL``, varbinary as one line of hex pairs, and newline,
    carriage return and tab shown as ``\\n``, ``\\r``, ``\\t``. ``multiline=True`` (clipboard)
    returns the CLI text unchanged (strings keep their newlines; nested varbinary 16 bytes/line).
    """
    if value is None:
        return "NULL"
    if multiline:
        return text_formatter(t, "NULL", HEX_LINES)(value)
    s = text_formatter(t, "NULL", HEX_FLAT)(value)
    if s.isprintable():
        return s
    return s.translate(_SINGLE_LINE)
