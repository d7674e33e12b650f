"""Trino literals and types DuckDB lacks, rewritten into DuckDB SQL that computes the same values.

Owns `literal_edits(sig)` -> (start, end, replacement) edits and `MARKER_TYPES`: DuckDB user types
(aliases) whose names survive in DuckDB's parse tree, so colnames can report the Trino type of a
top-level cast to them (char(n), varchar(n), ipaddress, interval year to month):
  DECIMAL '1.50'                     -> CAST('1.50' AS DECIMAL(3,2))          (Trino's p and s)
  TIME '12:34:56 +05:30'             -> TIMETZ '12:34:56+05:30'
  TIMESTAMP '... +01:00'             -> the offset written without the space DuckDB rejects
  TIMESTAMP '...05.123456789'        -> CAST('...' AS trino_timestamp_9)      (fine_datetime.py)
  INTERVAL '2-3' YEAR TO MONTH       -> CAST(INTERVAL '27 months' AS trino_interval_ym)
  INTERVAL '1 02:03:04.5' DAY TO SECOND -> INTERVAL '1 days 02:03:04.5'
  CAST(x AS JSON)                    -> to_json(x)
  char(n) / varchar(n) / ipaddress   -> trino_char_n / trino_varchar_n / trino_ipaddress
  AS time(p) / timestamp(p) [with time zone] -> trino_time_p / trino_timestamp_p / ..tz_p (casts)
Pure; thread-safe.
"""

from __future__ import annotations

import re

from .sql_errors import at
from .sqltext import Token, string_value
from .fine_datetime import TAIL_MARKER, TAIL_MARKER_USE
from .zoned_literals import ZONE_MARKER, ZONE_MARKER_USE, marker_zone

MARKER_TYPES = {"trino_ipaddress": "VARCHAR", "trino_interval_ym": "INTERVAL"}
_MARKER = re.compile(r"^trino_(char|varchar|time|timestamp|timetz|timestamptz)_(\d+)$")
_MARKER_BASE = {"char": "VARCHAR", "varchar": "VARCHAR", "time": "TIME", "timestamp": "TIMESTAMP", "timetz": "TIMETZ",
                "timestamptz": "TIMESTAMPTZ"}
_MARKER_TEXT = {"char": "char({})", "varchar": "varchar({})", "time": "time({})", "timestamp": "timestamp({})",
                "timetz": "time({}) with time zone", "timestamptz": "timestamp({}) with time zone"}
_OFFSET_GAP = re.compile(r"(\d)\s+([+-]\d{1,2}(?::?\d{2})?)\s*$")
_TIME_WITH_OFFSET = re.compile(r"^\s*\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*[+-]\d{1,2}(?::?\d{2})?\s*$")
_YM = re.compile(r"^\s*([+-]?)(\d+)(?:-(\d+))?\s*$")
_DS = re.compile(r"^\s*([+-]?)(\d+)\s+(\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)\s*$")
_UNITS = ("year", "month", "day", "hour", "minute", "second")


def marker_trino_type(type_name: str) -> str | None:
    """The Trino type text a marker type stands for (None: not a marker)."""
    low = type_name.lower()
    if low == "trino_ipaddress":
        return "ipaddress"
    if low == "trino_interval_ym":
        return "interval year to month"
    tail = TAIL_MARKER.match(low)
    if tail:
        return f"{tail.group(1)}({int(tail.group(2))})"
    zoned = marker_zone(low)
    if zoned is not None:
        return f"timestamp({zoned[0]}) with time zone" if zoned[0] is not None else "timestamp with time zone"
    m = _MARKER.match(low)
    return _MARKER_TEXT[m.group(1)].format(int(m.group(2))) if m else None


_MARKER_USE = re.compile(r"\btrino_(?:char|varchar|time|timestamp|timetz|timestamptz)_\d+\b|\b" + ZONE_MARKER_USE
                         + r"\b|\b" + TAIL_MARKER_USE + r"\b")


def marker_names(text: str) -> list[str]:
    """The parametric marker types an edit's replacement text uses."""
    return _MARKER_USE.findall(text)


def marker_ddl(type_name: str) -> str | None:
    """CREATE TYPE statement for a marker type (None: not a marker)."""
    if ZONE_MARKER.match(type_name):
        return f"CREATE TYPE {type_name} AS TIMESTAMPTZ"
    tail = TAIL_MARKER.match(type_name)
    if tail:
        return f"CREATE TYPE {type_name} AS {'TIME' if tail.group(1) == 'time' else 'TIMESTAMP_NS'}"
    m = _MARKER.match(type_name)
    base = MARKER_TYPES.get(type_name) or (_MARKER_BASE[m.group(1)] if m else None)
    if m and m.group(1) == "timestamp" and int(m.group(2)) > 6:
        base = "TIMESTAMP_NS"
    return f"CREATE TYPE {type_name} AS {base}" if base else None


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _decimal(tok: Token, sql: str) -> str:
    text = string_value(tok).strip()
    m = re.fullmatch(r"[+-]?(\d*)(?:\.(\d*))?", text)
    if not m or not (m.group(1) or m.group(2)):
        raise at("INVALID_LITERAL", f"'{text}' is not a valid DECIMAL literal", sql, tok.start)
    whole = m.group(1).lstrip("0")
    scale = len(m.group(2) or "")
    precision = max(1, len(whole) + scale)
    if precision > 38:
        raise at("INVALID_LITERAL", f"'{text}' is not a valid DECIMAL literal", sql, tok.start)
    return f"CAST({_quote(text)} AS DECIMAL({precision},{scale}))"


def _interval(sig: list[Token], i: int, sql: str) -> tuple[int, str] | None:
    """(index of the last token, replacement) for INTERVAL 'x' <unit> [TO <unit>] at sig[i]."""
    if i + 2 >= len(sig) or sig[i + 1].kind != "string" or sig[i + 2].lower not in _UNITS:
        return None
    text, start = string_value(sig[i + 1]), sig[i + 2].lower
    end_unit, last = start, i + 2
    if i + 4 < len(sig) and sig[i + 3].lower == "to" and sig[i + 4].lower in _UNITS:
        end_unit, last = sig[i + 4].lower, i + 4
    if start in ("year", "month"):
        m = _YM.match(text)
        if not m or (end_unit != start and (start, end_unit) != ("year", "month")):
            raise at("INVALID_LITERAL", f"'{text}' is not a valid INTERVAL literal", sql, sig[i + 1].start)
        if end_unit == "month" and start == "year":
            months = int(m.group(2)) * 12 + int(m.group(3) or 0)
        elif start == "year":
            months = int(m.group(2)) * 12
        else:
            months = int(m.group(2))
        sign = "-" if m.group(1) == "-" else ""
        return last, f"CAST(INTERVAL '{sign}{months} months' AS trino_interval_ym)"
    if (start, end_unit) == ("day", "second"):
        m = _DS.match(text)
        if not m:
            raise at("INVALID_LITERAL", f"'{text}' is not a valid INTERVAL literal", sql, sig[i + 1].start)
        body = f"{m.group(2)} days {m.group(3)}"
        return last, f"(-INTERVAL '{body}')" if m.group(1) == "-" else f"INTERVAL '{body}'"
    return None


def _json_cast(sig: list[Token], i: int) -> list[tuple[int, int, str]]:
    """CAST(x AS JSON) at sig[i] -> to_json(x): Trino turns the value into JSON ('abc' -> "abc"),
    DuckDB would parse a string as JSON text."""
    if i + 1 >= len(sig) or sig[i + 1].text != "(":
        return []
    depth = 0
    for j in range(i + 1, len(sig)):
        depth += {"(": 1, ")": -1}.get(sig[j].text, 0)
        if depth == 0:
            break
    else:
        return []
    if j - 2 <= i + 1 or sig[j - 2].lower != "as" or sig[j - 1].lower != "json":
        return []
    return [(sig[i].start, sig[i + 1].end, "to_json("), (sig[j - 2].start, sig[j - 1].end, "")]


def _truncating(sig: list[Token], as_index: int, length: int) -> list[tuple[int, int, str]]:
    """Zero-width edits making ``CAST(x AS varchar(n))`` cut x to n characters, as Trino does
    (``CAST(left(CAST(x AS VARCHAR), n) AS ...)``); none when the CAST is not found."""
    depth = 0
    for k in range(as_index - 1, 0, -1):
        depth += {")": 1, "(": -1}.get(sig[k].text, 0)
        if depth < 0:
            if sig[k - 1].lower in ("cast", "try_cast"):
                return [(sig[k].end, sig[k].end, "left(CAST("),
                        (sig[as_index].start, sig[as_index].start, f"AS VARCHAR), {length}) ")]
            return []
    return []


def literal_edits(sig: list[Token], sql: str) -> list[tuple[int, int, str]]:
    """Edits for the literals and types listed in the module docstring (offsets into *sql*)."""
    edits: list[tuple[int, int, str]] = []
    n = len(sig)
    i = 0
    while i < n:
        tok, low = sig[i], sig[i].lower
        nxt = sig[i + 1] if i + 1 < n else None
        if tok.kind != "word" or (i > 0 and sig[i - 1].text == "."):
            i += 1
            continue
        if low == "cast":
            edits += _json_cast(sig, i)
        if low == "decimal" and nxt is not None and nxt.kind == "string":
            edits.append((tok.start, nxt.end, _decimal(nxt, sql)))
            i += 2
            continue
        if low == "time" and nxt is not None and nxt.kind == "string" and _TIME_WITH_OFFSET.match(string_value(nxt)):
            value = re.sub(r"^(\d{1,2}:\d{2})(?=[+-])", r"\1:00", re.sub(r"\s+", "", string_value(nxt)))  # 10:00 -> 10:00:00
            edits.append((tok.start, nxt.end, f"TIMETZ {_quote(value)}"))
            i += 2
            continue
        if low == "timestamp" and nxt is not None and nxt.kind == "string" and _OFFSET_GAP.search(string_value(nxt)):
            edits.append((nxt.start, nxt.end, _quote(_OFFSET_GAP.sub(r"\1\2", string_value(nxt)))))
            i += 2
            continue
        if low == "interval":
            found = _interval(sig, i, sql)
            if found is not None:
                edits.append((tok.start, sig[found[0]].end, found[1]))
                i = found[0] + 1
                continue
        if low in ("char", "varchar", "time", "timestamp") and i + 3 < n and sig[i + 1].text == "(" \
                and sig[i + 2].kind == "number" and sig[i + 3].text == ")" and i > 0 and sig[i - 1].lower == "as":
            last, name = i + 3, low
            if [t.lower for t in sig[i + 4:i + 7]] == ["with", "time", "zone"] and low in ("time", "timestamp"):
                last, name = i + 6, low + "tz"
            p = int(sig[i + 2].text)
            if low in ("time", "timestamp") and p > 12:
                raise at("INVALID_LITERAL", f"{low.upper()} precision must be in range [0, 12]: {p}", sql, sig[i + 2].start)
            edits.append((tok.start, sig[last].end, f"trino_{name}_{p}"))
            if low in ("char", "varchar"):
                edits += _truncating(sig, i - 1, p)
            i = last + 1
            continue
        if low == "char" and i > 0 and sig[i - 1].lower == "as" and (nxt is None or nxt.text != "("):
            edits.append((tok.start, tok.end, "trino_char_1"))
        elif low == "ipaddress" and (nxt is None or nxt.text != "("):
            edits.append((tok.start, tok.end, "trino_ipaddress"))
        i += 1
    return edits
