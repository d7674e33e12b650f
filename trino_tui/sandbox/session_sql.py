"""Session-dependent SQL values: `current_user`, `current_catalog`, `current_schema` and
`current_timezone()` replaced by literals of what the session says (DuckDB would answer its own
values, e.g. current_user = 'duckdb'). Pure; thread-safe.
"""

from __future__ import annotations

from typing import Protocol

from .sqltext import Token


class SessionView(Protocol):
    user: str
    catalog: str | None
    schema: str | None
    time_zone: str


def _literal(value: str | None) -> str:  # a CAST, not a bare literal: Trino types these unbounded varchar
    return "CAST(NULL AS VARCHAR)" if value is None else "CAST('" + value.replace("'", "''") + "' AS VARCHAR)"


def session_value_edits(sig: list[Token], session: SessionView, time_zone: str) -> list[tuple[int, int, str]]:
    """(start, end, replacement) edits for the session functions in *sig* (*time_zone*: the effective zone)."""
    values = {"current_user": session.user, "current_catalog": session.catalog, "current_schema": session.schema}
    edits: list[tuple[int, int, str]] = []
    n = len(sig)
    for i, tok in enumerate(sig):
        if tok.kind != "word" or (i > 0 and sig[i - 1].text == "."):
            continue
        low = tok.lower
        called = i + 2 < n and sig[i + 1].text == "(" and sig[i + 2].text == ")"
        if low in values and not (i + 1 < n and sig[i + 1].text == "("):
            edits.append((tok.start, tok.end, _literal(values[low])))
        elif low == "current_timezone" and called:
            edits.append((tok.start, sig[i + 2].end, _literal(time_zone)))
    return edits
