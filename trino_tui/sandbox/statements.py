"""Trino statements the sandbox handles itself (DuckDB has no equivalent): USE, SET/RESET SESSION,
SHOW CATALOGS/SCHEMAS/TABLES/COLUMNS/SESSION, DESCRIBE, EXPLAIN; plus the session property list.

Owns: `parse_statement` (significant tokens -> a `Parsed` description with offsets for error
locations) and `SESSION_PROPERTIES`. It decides *what* a statement is; engine.py executes it.
Pure; thread-safe.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .sql_errors import TrinoError, at
from .sqltext import Token, string_value


@dataclass(frozen=True)
class SessionProperty:
    name: str
    type: str          # boolean | integer | varchar
    default: str
    description: str


SESSION_PROPERTIES: dict[str, SessionProperty] = {p.name: p for p in (
    SessionProperty("spooling_enabled", "boolean", "true", "Enable spooling protocol for the query"),
    SessionProperty("spooling_initial_segment_size", "varchar", "8MB", "Initial size of spooled segments"),
    SessionProperty("spooling_max_segment_size", "varchar", "16MB", "Maximum size of spooled segments"),
    SessionProperty("spooling_inlining_enabled", "boolean", "true", "Allow inlining of small segments"),
    SessionProperty("spooling_inlining_max_size", "varchar", "128kB", "Maximum size of inlined data"),
    SessionProperty("spooling_inlining_max_rows", "integer", "1000", "Maximum rows of inlined data"),
    SessionProperty("query_max_run_time", "varchar", "100.00d", "Maximum run time of a query (includes the queueing time)"),
    SessionProperty("query_max_execution_time", "varchar", "100.00d", "Maximum execution time of a query"),
)}


# hidden properties (not listed by SHOW SESSION): SET TIME ZONE stores the zone as time_zone_id
HIDDEN_PROPERTIES = frozenset({"time_zone_id"})


def check_property(name: str, value: str) -> str:
    """Validate a session property assignment; returns the normalised value or raises."""
    if name in HIDDEN_PROPERTIES:
        return value
    prop = SESSION_PROPERTIES.get(name)
    if prop is None:
        raise TrinoError("INVALID_SESSION_PROPERTY", f"Session property '{name}' does not exist")
    if prop.type == "boolean":
        if value.lower() not in ("true", "false"):
            raise TrinoError("INVALID_SESSION_PROPERTY",
                             f"Session property '{name}' has invalid value '{value}': must be true or false")
        return value.lower()
    if prop.type == "integer":
        try:
            return str(int(value))
        except ValueError:
            raise TrinoError("INVALID_SESSION_PROPERTY",
                             f"Session property '{name}' has invalid value '{value}': must be an integer") from None
    return value


@dataclass
class Parsed:
    """A recognised Trino statement. `names`: identifier values with `offset` of the first name
    token; `text_offset`: where the wrapped statement starts (EXPLAIN)."""

    kind: str                 # use | set_session | reset_session | show_catalogs | show_schemas |
                              # show_tables | show_columns | show_session | explain | unsupported
    names: list[str] = field(default_factory=list)
    offset: int = 0
    value: str | None = None
    like: str | None = None
    text_offset: int = 0


_UNSUPPORTED_FIRST = {
    "grant", "revoke", "deny", "call", "commit", "rollback", "start", "prepare", "execute", "deallocate",
    "analyze", "merge", "refresh", "comment", "truncate", "alter", "pragma", "attach", "detach", "copy",
    "install", "load", "export", "import", "checkpoint", "vacuum", "summarize", "pivot", "unpivot",
}


_STARTERS = ("ALTER", "ANALYZE", "CALL", "COMMENT", "COMMIT", "CREATE", "DEALLOCATE", "DELETE", "DENY", "DESC",
             "DESCRIBE", "DROP", "EXECUTE", "EXPLAIN", "GRANT", "INSERT", "MERGE", "PREPARE", "REFRESH", "RESET",
             "REVOKE", "ROLLBACK", "SET", "SHOW", "START", "TRUNCATE", "UPDATE", "USE", "WITH")
_QUERY_STARTERS = frozenset({"select", "values", "table", "(", "from"} | {s.lower() for s in _STARTERS}) | \
    _UNSUPPORTED_FIRST


def check_statement_shape(sig: list[Token], sql: str) -> None:
    """Trino's parser errors for an unknown first keyword and for a FROM/JOIN missing its relation."""
    first = sig[0]
    if first.lower not in _QUERY_STARTERS:
        expecting = ", ".join(f"'{s}'" for s in _STARTERS) + ", <query>"
        raise at("SYNTAX_ERROR", f"mismatched input '{first.text}'. Expecting: {expecting}", sql, first.start,
                 failure_type="io.trino.sql.parser.ParsingException")
    if len(sig) > 1 and sig[-1].lower in ("from", "join"):
        raise at("SYNTAX_ERROR", "mismatched input '<EOF>'. Expecting: '(', 'JSON_TABLE', 'LATERAL', 'TABLE', "
                 "'UNNEST', <identifier>", sql, len(sql), failure_type="io.trino.sql.parser.ParsingException")


def _name(sig: list[Token], i: int, sql: str) -> tuple[list[str], int, int]:
    """Dotted name at sig[i] -> (lower-cased parts, offset, next index)."""
    if i >= len(sig) or not sig[i].is_ident:
        where = sig[i].start if i < len(sig) else len(sql)
        got = sig[i].text if i < len(sig) else "<EOF>"
        raise at("SYNTAX_ERROR", f"mismatched input '{got}'. Expecting: <identifier>", sql, where,
                 failure_type="io.trino.sql.parser.ParsingException")
    parts = [sig[i].ident.lower()]
    start = sig[i].start
    i += 1
    while i + 1 < len(sig) and sig[i].text == "." and sig[i + 1].is_ident:
        parts.append(sig[i + 1].ident.lower())
        i += 2
    return parts, start, i


def _expect_end(sig: list[Token], i: int, sql: str) -> None:
    if i < len(sig):
        raise at("SYNTAX_ERROR", f"mismatched input '{sig[i].text}'. Expecting: <EOF>", sql, sig[i].start,
                 failure_type="io.trino.sql.parser.ParsingException")


def _like(sig: list[Token], i: int, sql: str) -> tuple[str | None, int]:
    if i < len(sig) and sig[i].lower == "like" and i + 1 < len(sig) and sig[i + 1].kind == "string":
        return string_value(sig[i + 1]), i + 2
    return None, i


def parse_statement(sig: list[Token], sql: str) -> Parsed | None:
    """Recognise a Trino-only statement; None means "a query/DML for DuckDB"."""
    w = [t.lower for t in sig[:3]]
    first = w[0]
    if first == "use":
        names, off, i = _name(sig, 1, sql)
        _expect_end(sig, i, sql)
        return Parsed("use", names, off)
    if first in ("set", "reset") and len(w) > 1 and w[1] == "session":
        names, off, i = _name(sig, 2, sql)
        if first == "reset":
            _expect_end(sig, i, sql)
            return Parsed("reset_session", names, off)
        if i >= len(sig) or sig[i].text != "=":
            got = sig[i].text if i < len(sig) else "<EOF>"
            raise at("SYNTAX_ERROR", f"mismatched input '{got}'. Expecting: '=', '.'", sql,
                     sig[i].start if i < len(sig) else len(sql), failure_type="io.trino.sql.parser.ParsingException")
        rest = sig[i + 1:]
        if len(rest) == 1 and rest[0].kind == "string":
            value = string_value(rest[0])
        elif len(rest) == 1 and rest[0].kind in ("number", "word"):
            value = rest[0].text
        elif len(rest) == 2 and rest[0].text == "-" and rest[1].kind == "number":
            value = "-" + rest[1].text
        else:
            where = rest[0].start if rest else len(sql)
            raise at("SYNTAX_ERROR", "mismatched input. Expecting: <literal>", sql, where,
                     failure_type="io.trino.sql.parser.ParsingException")
        return Parsed("set_session", names, off, value=value, text_offset=rest[0].start)  # Trino locates errors at the value
    if first in ("describe", "desc"):
        names, off, i = _name(sig, 1, sql)
        _expect_end(sig, i, sql)
        return Parsed("show_columns", names, off)
    if first == "explain":
        i = 1
        while i < len(sig) and sig[i].lower in ("analyze", "verbose"):
            i += 1
        if i < len(sig) and sig[i].text == "(":
            while i < len(sig) and sig[i].text != ")":
                i += 1
            i += 1
        if i >= len(sig):
            raise at("SYNTAX_ERROR", "mismatched input '<EOF>'", sql, len(sql),
                     failure_type="io.trino.sql.parser.ParsingException")
        return Parsed("explain", text_offset=sig[i].start)
    if first == "show":
        return _parse_show(sig, sql)
    if first in _UNSUPPORTED_FIRST or (first == "set" and w[1:2] != ["session"]):
        return Parsed("unsupported", [sig[0].text.upper()] + ([sig[1].text.upper()] if len(sig) > 1 else []))
    return None


def _parse_show(sig: list[Token], sql: str) -> Parsed:
    what = sig[1].lower if len(sig) > 1 else ""
    if what == "catalogs":
        like, i = _like(sig, 2, sql)
        _expect_end(sig, i, sql)
        return Parsed("show_catalogs", like=like)
    if what in ("schemas", "tables"):
        i = 2
        names: list[str] = []
        off = sig[1].start
        if i < len(sig) and sig[i].lower in ("from", "in"):
            names, off, i = _name(sig, i + 1, sql)
        like, i = _like(sig, i, sql)
        _expect_end(sig, i, sql)
        return Parsed(f"show_{what}", names, off, like=like)
    if what == "columns":
        if len(sig) < 3 or sig[2].lower not in ("from", "in"):
            raise at("SYNTAX_ERROR", "mismatched input. Expecting: 'FROM', 'IN'", sql,
                     sig[2].start if len(sig) > 2 else len(sql), failure_type="io.trino.sql.parser.ParsingException")
        names, off, i = _name(sig, 3, sql)
        like, i = _like(sig, i, sql)
        _expect_end(sig, i, sql)
        return Parsed("show_columns", names, off, like=like)
    if what == "stats" and len(sig) > 3 and sig[2].lower == "for" and sig[3].is_ident:
        names, off, i = _name(sig, 3, sql)
        _expect_end(sig, i, sql)
        return Parsed("show_stats", names, off)
    if what == "create" and len(sig) > 2 and sig[2].lower == "table":
        names, off, i = _name(sig, 3, sql)
        _expect_end(sig, i, sql)
        return Parsed("show_create_table", names, off)
    if what in ("session", "functions"):
        like, i = _like(sig, 2, sql)
        _expect_end(sig, i, sql)
        return Parsed(f"show_{what}", like=like)
    return Parsed("unsupported", ["SHOW"] + ([sig[1].text.upper()] if len(sig) > 1 else []))
