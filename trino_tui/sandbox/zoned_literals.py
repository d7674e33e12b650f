"""TIMESTAMP WITH TIME ZONE values that keep their own zone (DuckDB's TIMESTAMPTZ keeps only the
instant): ``TIMESTAMP '2020-01-01 00:00:00 America/New_York'`` and ``x AT TIME ZONE 'Asia/Tokyo'``.

Owns the zone marker types ``trino_tstz_<p>_z<hex of the zone>`` (``trino_tstz_z<hex>``: the
precision DuckDB reports): DuckDB aliases of TIMESTAMPTZ whose names survive in the parse tree,
so a select item cast to one is typed timestamp(p) with time zone and rendered in that zone
(type_hints, rowjson). `zoned_edits(sig)` writes them. A zone travels with a select item that is
such a literal or AT TIME ZONE; through other expressions the value is shown in the session zone
(docs/sandbox.md). Pure; thread-safe.
"""

from __future__ import annotations

import re

from .sqltext import Token, string_value

ZONE_MARKER = re.compile(r"^trino_tstz_(?:(\d+)_)?z([0-9a-f]+)(?:_f(\d+))?$")
ZONE_MARKER_USE = r"trino_tstz_(?:\d+_)?z[0-9a-f]+(?:_f\d+)?"   # _f<digits>: beyond microseconds (fine_datetime)
_ZONED = re.compile(r"^\s*(\d{4}-\d{2}-\d{2}[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.(\d*))?)?)\s*"
                    r"([A-Za-z][A-Za-z0-9_/+-]*|[+-]\d{1,2}(?::?\d{2})?)\s*$")


def zone_marker(zone: str, precision: int | None, tail: str = "") -> str:
    p = "" if precision is None else f"{precision}_"
    return f"trino_tstz_{p}z{zone.encode().hex()}" + (f"_f{tail}" if tail else "")


def marker_zone(type_name: str) -> tuple[int | None, str, str] | None:
    """(precision or None, zone, fraction digits beyond microseconds) of a zone marker type name."""
    m = ZONE_MARKER.match(type_name.lower())
    if not m:
        return None
    return (int(m.group(1)) if m.group(1) is not None else None), bytes.fromhex(m.group(2)).decode(), m.group(3) or ""


def _offset(zone: str) -> str:
    """'+1' / '+0100' / '+01:00' -> '+01:00' (Trino writes offsets as ±HH:MM)."""
    m = re.fullmatch(r"([+-])(\d{1,2}):?(\d{2})?", zone)
    return f"{m.group(1)}{int(m.group(2)):02d}:{m.group(3) or '00'}" if m else zone


def _zone_label(zone: str) -> str:
    return "UTC" if zone.upper() in ("UTC", "Z", "GMT", "UT") else _offset(zone)


def zoned_literal(text: str) -> tuple[str, int, str, str] | None:
    """(DuckDB TIMESTAMPTZ text, precision, zone label, digits beyond microseconds) of a zoned
    TIMESTAMP literal; None when the literal has no zone."""
    m = _ZONED.match(text)
    if not m:
        return None
    zone = _zone_label(m.group(3))
    digits = len(m.group(2) or "")
    value = m.group(1)[:len(m.group(1)) - max(0, digits - 6)]
    return f"{value}{zone if zone[0] in '+-' else ' ' + zone}", digits, zone, (m.group(2) or "")[6:]


def _cast_to_timestamp(sig: list[Token], i: int) -> bool:
    """sig[i:i+2] is the whole operand of CAST(... AS timestamp[(p)]) (no time zone)."""
    after = [t.lower for t in sig[i + 2:i + 4]]
    if i < 2 or sig[i - 1].text != "(" or sig[i - 2].lower != "cast" or after != ["as", "timestamp"]:
        return False
    rest = sig[i + 4:i + 8]
    close = 3 if [t.text for t in rest[:3]] == ["(", rest[1].text if len(rest) > 1 else "", ")"] else 0
    return len(rest) > close and rest[close].text == ")"


def zoned_edits(sig: list[Token]) -> list[tuple[int, int, str]]:
    """Edits for zoned TIMESTAMP literals and ``AT TIME ZONE '<zone>'`` (offsets into the SQL)."""
    edits: list[tuple[int, int, str]] = []
    for i, tok in enumerate(sig):
        nxt = sig[i + 1] if i + 1 < len(sig) else None
        if tok.kind == "word" and tok.lower == "timestamp" and nxt is not None and nxt.kind == "string":
            found = zoned_literal(string_value(nxt))
            if found is not None and _cast_to_timestamp(sig, i):   # Trino keeps the local date-time
                edits.append((nxt.start, nxt.end, "'" + _ZONED.match(string_value(nxt)).group(1) + "'"))  # type: ignore[union-attr]
            elif found is not None:
                value, p, zone, tail = found
                text = "'" + value.replace("'", "''") + "'"
                edits.append((tok.start, nxt.end, f"CAST(TIMESTAMPTZ {text} AS {zone_marker(zone, p, tail)})"))
        elif tok.kind == "word" and tok.lower == "at" and [t.lower for t in sig[i + 1:i + 3]] == ["time", "zone"] \
                and i + 3 < len(sig) and sig[i + 3].kind == "string":
            zone = _zone_label(string_value(sig[i + 3]).strip())
            before = zoned_literal(string_value(sig[i - 1])) if i >= 2 and sig[i - 1].kind == "string" \
                and sig[i - 2].lower == "timestamp" else None
            edits.append((tok.start, sig[i + 3].end, f"::{zone_marker(zone, before[1] if before else None)}"))
    return edits
