"""time(p) / timestamp(p) literals finer than DuckDB holds (TIME: microseconds, TIMESTAMP_NS:
nanoseconds; Trino goes to picoseconds, p 0-12), emulated exactly where the value is a literal.

Owns `fine_edits(sig)`:
  * ``CAST(TIME|TIMESTAMP '<literal>' AS time(p)|timestamp(p))`` is folded here with Trino's
    rounding (half up, carrying into seconds, days; a time wraps at midnight);
  * a literal with more digits than DuckDB holds becomes a marker cast
    ``trino_time_<p>_f<tail>`` / ``trino_timestamp_<p>_f<tail>``: DuckDB holds the leading digits,
    the marker carries the rest, and a select item that is such a literal is shown with all of
    them (TrinoType.fraction_tail, rowjson).
`check_tails(duck_sql, types)` fails with NOT_SUPPORTED when such a literal is used anywhere else
(its extra digits would silently be lost). Pure; thread-safe.
"""

from __future__ import annotations

import datetime as dt
import re

from .sql_errors import TrinoError
from .sqltext import Token, string_value

TAIL_MARKER = re.compile(r"^trino_(time|timestamp)_(\d+)_f(\d+)$")
TAIL_MARKER_USE = r"trino_(?:time|timestamp)_\d+_f\d+"
_HELD = {"time": 6, "timestamp": 9}
_TIME = re.compile(r"^\s*(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d{1,12}))?\s*$")
_TIMESTAMP = re.compile(r"^\s*(\d{4}-\d{2}-\d{2})[ T](\d{1,2}):(\d{2}):(\d{2})(?:\.(\d{1,12}))?\s*$")
_PICOS = 10 ** 12


def _parse(kind: str, text: str) -> tuple[dt.date | None, int] | None:
    """(date or None, picoseconds since midnight) of a TIME / TIMESTAMP literal without zone."""
    m = (_TIME if kind == "time" else _TIMESTAMP).match(text)
    if not m:
        return None
    g = m.groups()
    day = dt.date.fromisoformat(g[0]) if kind == "timestamp" else None
    h, mi, s, frac = g[-4:] if kind == "timestamp" else g
    return day, ((int(h) * 60 + int(mi)) * 60 + int(s)) * _PICOS + int((frac or "").ljust(12, "0") or 0)


def _format(kind: str, day: dt.date | None, picos: int, p: int) -> str:
    secs, frac = divmod(picos, _PICOS)
    h, rest = divmod(secs, 3600)
    text = f"{h:02d}:{rest // 60:02d}:{rest % 60:02d}" + (f".{str(frac).zfill(12)[:p]}" if p else "")
    return f"{day.isoformat()} {text}" if day is not None else text


def rounded(kind: str, text: str, p: int) -> str | None:
    """*text* rounded half up to p fraction digits as Trino casts it (None: not a plain literal)."""
    parsed = _parse(kind, text)
    if parsed is None:
        return None
    day, picos = parsed
    unit = 10 ** (12 - p)
    picos = (picos + unit // 2) // unit * unit
    carry, picos = divmod(picos, 86400 * _PICOS)
    if day is not None:
        day += dt.timedelta(days=carry)
    return _format(kind, day, picos, p)


def _literal_sql(kind: str, text: str, p: int) -> str:
    """DuckDB SQL for a literal of exactly p digits (a marker cast; a tail marker beyond DuckDB)."""
    if p <= _HELD[kind]:
        return f"CAST('{text}' AS trino_{kind}_{p})"
    cut = len(text) - (p - _HELD[kind])
    return f"CAST('{text[:cut]}' AS trino_{kind}_{p}_f{text[cut:]})"


def _digits(text: str) -> int:
    m = re.search(r"\.(\d+)\s*$", text)
    return len(m.group(1)) if m else 0


def fine_edits(sig: list[Token]) -> list[tuple[int, int, str]]:
    """Edits for the literals and casts named in the module docstring (offsets into the SQL)."""
    edits: list[tuple[int, int, str]] = []
    for i, tok in enumerate(sig):
        kind = tok.lower if tok.kind == "word" else ""
        if kind not in _HELD or i + 1 >= len(sig) or sig[i + 1].kind != "string" or (i and sig[i - 1].text == "."):
            continue
        text = string_value(sig[i + 1]).strip()
        if _parse(kind, text) is None:
            continue
        cast = [t.text.lower() for t in sig[i - 2:i]] == ["cast", "("] and \
            [t.lower for t in sig[i + 2:i + 4]] == ["as", kind] and i + 7 < len(sig) + 1 and \
            [t.text for t in sig[i + 4:i + 5]] == ["("] and sig[i + 5].kind == "number" and \
            [t.text for t in sig[i + 6:i + 8]] == [")", ")"]
        if cast and int(sig[i + 5].text) <= 12:
            p = int(sig[i + 5].text)
            edits.append((sig[i - 2].start, sig[i + 7].end, _literal_sql(kind, rounded(kind, text, p) or text, p)))
        elif _digits(text) > 6:   # beyond DuckDB's TIME / TIMESTAMP: TIMESTAMP_NS or a tail marker
            edits.append((tok.start, sig[i + 1].end, _literal_sql(kind, text, _digits(text))))
    return edits


def tail_of(type_name: str) -> tuple[str, int, str] | None:
    """(kind, precision, tail digits) of a tail marker type name."""
    m = TAIL_MARKER.match(type_name.lower())
    return (m.group(1), int(m.group(2)), m.group(3)) if m else None


def check_tails(duck_sql: str, shown: int) -> None:
    """NOT_SUPPORTED unless every tail-marker literal in *duck_sql* is one of the *shown* select items."""
    used = len(re.findall(r"\b(?:" + TAIL_MARKER_USE + r"|trino_tstz_\d+_z[0-9a-f]+_f\d+)\b", duck_sql))
    if used > shown:
        raise TrinoError("NOT_SUPPORTED", "The sandbox holds TIME and TIMESTAMP WITH TIME ZONE to microseconds and "
                         "TIMESTAMP to nanoseconds: a literal with more fraction digits can only be selected as it is")
