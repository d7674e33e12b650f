"""Trino-style query errors for the sandbox engine.

Owns: `TrinoError` (what Engine.execute raises), the subset of Trino's StandardErrorCode the
sandbox uses, helpers that attach "line L:C: " locations, and `from_duckdb`, which turns any
DuckDB exception into a TrinoError (never lets a raw DuckDB error escape). Thread-safe (pure).
"""

from __future__ import annotations

import re
from typing import Callable, Union

from .error_causes import Cause, causes_for

# name -> (code, type) as in io.trino.spi.StandardErrorCode
ERROR_CODES: dict[str, tuple[int, str]] = {
    "GENERIC_USER_ERROR": (0, "USER_ERROR"),
    "SYNTAX_ERROR": (1, "USER_ERROR"),
    "USER_CANCELED": (3, "USER_ERROR"),
    "PERMISSION_DENIED": (4, "USER_ERROR"),
    "NOT_FOUND": (5, "USER_ERROR"),
    "FUNCTION_NOT_FOUND": (6, "USER_ERROR"),
    "INVALID_FUNCTION_ARGUMENT": (7, "USER_ERROR"),
    "DIVISION_BY_ZERO": (8, "USER_ERROR"),
    "INVALID_CAST_ARGUMENT": (9, "USER_ERROR"),
    "OPERATOR_NOT_FOUND": (10, "USER_ERROR"),
    "ALREADY_EXISTS": (12, "USER_ERROR"),
    "NOT_SUPPORTED": (13, "USER_ERROR"),
    "INVALID_SESSION_PROPERTY": (14, "USER_ERROR"),
    "CONSTRAINT_VIOLATION": (16, "USER_ERROR"),
    "UNKNOWN_TRANSACTION": (20, "USER_ERROR"),
    "NOT_IN_TRANSACTION": (21, "USER_ERROR"),
    "READ_ONLY_VIOLATION": (23, "USER_ERROR"),
    "AUTOCOMMIT_WRITE_CONFLICT": (25, "USER_ERROR"),
    "UNSUPPORTED_ISOLATION_LEVEL": (26, "USER_ERROR"),
    "NUMERIC_VALUE_OUT_OF_RANGE": (19, "USER_ERROR"),
    "SUBQUERY_MULTIPLE_ROWS": (28, "USER_ERROR"),
    "TYPE_NOT_FOUND": (43, "USER_ERROR"),
    "CATALOG_NOT_FOUND": (44, "USER_ERROR"),
    "SCHEMA_NOT_FOUND": (45, "USER_ERROR"),
    "TABLE_NOT_FOUND": (46, "USER_ERROR"),
    "COLUMN_NOT_FOUND": (47, "USER_ERROR"),
    "ROLE_NOT_FOUND": (48, "USER_ERROR"),
    "TABLE_ALREADY_EXISTS": (50, "USER_ERROR"),
    "MISSING_CATALOG_NAME": (56, "USER_ERROR"),
    "MISSING_SCHEMA_NAME": (57, "USER_ERROR"),
    "TYPE_MISMATCH": (58, "USER_ERROR"),
    "INVALID_LITERAL": (59, "USER_ERROR"),
    "AMBIGUOUS_NAME": (62, "USER_ERROR"),
    "EXPRESSION_NOT_AGGREGATE": (73, "USER_ERROR"),
    "INVALID_ARGUMENTS": (76, "USER_ERROR"),
    "INVALID_PARAMETER_USAGE": (80, "USER_ERROR"),
    "GENERIC_INTERNAL_ERROR": (65536, "INTERNAL_ERROR"),
    "EXCEEDED_TIME_LIMIT": (131075, "INSUFFICIENT_RESOURCES"),
    "EXCEEDED_LOCAL_MEMORY_LIMIT": (131079, "INSUFFICIENT_RESOURCES"),
}



def memory_exceeded(limit: str) -> TrinoError:
    """Trino's error for a query over its memory budget (the server itself keeps running)."""
    return TrinoError("EXCEEDED_LOCAL_MEMORY_LIMIT", f"Query exceeded per-node memory limit of {limit}")

PARSING_EXCEPTION = "io.trino.sql.parser.ParsingException"
SEMANTIC_EXCEPTION = "io.trino.spi.TrinoException"


class TrinoError(Exception):
    """A query failure as Trino reports it (QueryError fields). `message` already carries the
    "line L:C: " prefix when a location is known, as Trino's messages do. `runtime`: it happened
    while the planned statement ran (Trino then reports progress percentages)."""

    runtime = False

    def __init__(self, error_name: str, message: str, *, line: int | None = None,
                 column: int | None = None, failure_type: str = SEMANTIC_EXCEPTION,
                 causes: tuple[Cause, ...] | None = None) -> None:
        code, etype = ERROR_CODES[error_name]
        self.causes = causes_for(error_name, message, failure_type) if causes is None else causes
        self.error_name = error_name
        self.error_code = code
        self.error_type = etype
        self.line = line
        self.column = column
        self.failure_type = failure_type
        self.message = f"line {line}:{column}: {message}" if line is not None and column is not None else message
        super().__init__(self.message)


def line_col(sql: str, offset: int) -> tuple[int, int]:
    """1-based (line, column) of a 0-based character offset into `sql`."""
    offset = max(0, min(offset, len(sql)))
    line = sql.count("\n", 0, offset) + 1
    start = sql.rfind("\n", 0, offset) + 1
    return line, offset - start + 1


def at(error_name: str, message: str, sql: str, offset: int | None, **kw: str) -> TrinoError:
    """TrinoError located at a character offset of the user's SQL (None: no location)."""
    if offset is None:
        return TrinoError(error_name, message, **kw)
    line, col = line_col(sql, offset)
    return TrinoError(error_name, message, line=line, column=col, **kw)


# ---------------------------------------------------------------- DuckDB exceptions

_CONTEXT = re.compile(r"\n\s*LINE (\d+): (.*)\n( *)(\^+)\s*$", re.S)


def duckdb_offset(text: str, sql: str) -> int | None:
    """Character offset into `sql` of DuckDB's "LINE n: ...\\n   ^" error context, if any."""
    m = _CONTEXT.search(text)
    if not m:
        return None
    line_no = int(m.group(1))
    context = m.group(2)
    caret = len(m.group(3)) - len(f"LINE {line_no}: ")
    lines = sql.split("\n")
    if not 1 <= line_no <= len(lines):
        return None
    line = lines[line_no - 1]
    if context.startswith("..."):
        context, caret = context[3:], caret - 3
    if context.endswith("..."):
        context = context[:-3]
    where = line.find(context) if context else 0
    col = max(0, (where if where >= 0 else 0) + caret)
    return sum(len(x) + 1 for x in lines[: line_no - 1]) + min(col, len(line))


def _strip(text: str) -> str:
    """DuckDB message without the "Xxx Error: " prefix, hints and the LINE context."""
    text = _CONTEXT.sub("", text)
    text = re.sub(r"^[A-Za-z ]+ Error: ", "", text.strip())
    return text.split("\n", 1)[0].strip()


_LITERAL_VARCHAR = "varchar(?)"   # a string literal's type: varchar(its length), filled in by relocate
_DUCK_TYPE_NAMES = {"INTEGER_LITERAL": "integer", "STRING_LITERAL": _LITERAL_VARCHAR, "INT32": "INT", "INT64": "BIGINT",
                    "INT16": "SMALLINT", "INT8": "TINYINT", "INTEGER": "integer", "VARCHAR": "varchar",
                    "FLOAT": "real", "BLOB": "varbinary", "TIMESTAMP WITH TIME ZONE": "timestamp with time zone"}


def _trino_type_name(duck: str) -> str:
    return _DUCK_TYPE_NAMES.get(duck, duck.lower())


def _operator(m: re.Match[str]) -> tuple[str, str]:
    args = [_trino_type_name(a.strip()) for a in m.group(2).split(",")]
    op = m.group(1)
    if len(args) == 2 and not op.isalnum():
        return "TYPE_MISMATCH", f"Cannot apply operator: {args[0]} {op} {args[1]}"
    return "FUNCTION_NOT_FOUND", f"Unexpected parameters ({', '.join(args)}) for function {op}"


# DuckDB message pattern -> (Trino error name, message template with \1.. groups) or a function of
# the match; a None template keeps DuckDB's message (without its prefix and context)
_Rule = Union[tuple[str, "str | None"], Callable[[re.Match[str]], tuple[str, str]]]
_RULE_TABLE: list[tuple[str, _Rule]] = [
    (r'candidate function for the function call "([^"(]+)\(([^")]*)\)"', _operator),
    (r"No function matches the given name and argument types '([^'(]+)\(([^')]*)\)'", _operator),
    (r'(date|timestamp|time) field (?:format|value out of range): "([^"]*)"',
     ("INVALID_CAST_ARGUMENT", r"Value cannot be cast to \1: \2")),
    (r"Could not convert string '(.*)' to ([A-Z0-9_]+)",
     lambda m: ("INVALID_CAST_ARGUMENT", f"Cannot cast '{m.group(1)}' to {_DUCK_TYPE_NAMES.get(m.group(2), m.group(2))}")),
    (r"Type with name \"?([^\" !]+)\"? does not exist", lambda m: ("TYPE_NOT_FOUND", f"Unknown type: {m.group(1).lower()}")),
    (r'column "?([^" ]+)"? must appear in the GROUP BY clause',
     ("EXPRESSION_NOT_AGGREGATE", r"'\1' must be an aggregate expression or appear in GROUP BY clause")),
    (r'Referenced column "([^"]+)" not found', ("COLUMN_NOT_FOUND", r"Column '\1' cannot be resolved")),
    (r'Values list "[^"]*" does not have a column named "([^"]+)"', ("COLUMN_NOT_FOUND", r"Column '\1' cannot be resolved")),
    (r'Referenced table "([^"]+)" not found', ("COLUMN_NOT_FOUND", r"Column '\1' cannot be resolved")),
    (r"Table with name \"?([^\" ]+)\"? does not exist", ("TABLE_NOT_FOUND", r"Table '\1' does not exist")),
    (r"(?:Scalar|Aggregate|Table) Function with name ([^ ]+) does not exist",
     ("FUNCTION_NOT_FOUND", r"Function '\1' not registered")),
    (r"Division by zero", ("DIVISION_BY_ZERO", "Division by zero")),
    (r"^(?:INTERRUPT Error: )?Interrupted", ("USER_CANCELED", "Query was canceled")),
    (r"Ambiguous reference to column name \"([^\"]+)\"", ("AMBIGUOUS_NAME", r"Column '\1' is ambiguous")),
    (r"More than one row returned by a subquery", ("SUBQUERY_MULTIPLE_ROWS", "Scalar sub-query has returned multiple rows")),
    (r"already exists", ("TABLE_ALREADY_EXISTS", None)),
    (r"No function matches", ("FUNCTION_NOT_FOUND", None)),
    (r"Cannot compare values|Cannot mix values|No operator matches", ("TYPE_MISMATCH", None)),
]
_RULES = [(re.compile(pattern), rule) for pattern, rule in _RULE_TABLE]


def _apply(rule: _Rule, m: re.Match[str]) -> tuple[str, str]:
    if callable(rule):
        return rule(m)
    name, template = rule
    return name, _strip(m.string) if template is None else m.expand(template)


_ENGINE_INTERNALS = re.compile(r"\bBind[A-Z]\w+|\bBound[A-Z]\w*Expression\b")

_BY_CLASS = {
    "ParserException": "SYNTAX_ERROR",
    "ConversionException": "INVALID_CAST_ARGUMENT",
    "OutOfRangeException": "NUMERIC_VALUE_OUT_OF_RANGE",
    "BinderException": "GENERIC_USER_ERROR",
    "CatalogException": "GENERIC_USER_ERROR",
    "InvalidInputException": "GENERIC_USER_ERROR",
    "ConstraintException": "CONSTRAINT_VIOLATION",
    "PermissionException": "PERMISSION_DENIED",
    "NotImplementedException": "NOT_SUPPORTED",
    "InterruptException": "USER_CANCELED",
}


def from_duckdb(exc: BaseException, sql: str, to_user_offset: Callable[[int], int] | None = None) -> TrinoError:
    """Translate a DuckDB exception raised for `sql` (the SQL DuckDB saw) into a TrinoError.
    `to_user_offset` maps offsets in `sql` back to the user's text; the location is rendered
    against `user_sql` lines by the caller via `relocate`."""
    text = str(exc)
    cls = type(exc).__name__
    if cls in ("OutOfMemoryException", "MemoryError"):
        return memory_exceeded("the sandbox's query memory limit")
    offset = duckdb_offset(text, sql)
    if cls == "ParserException":
        m = re.search(r'syntax error at or near "([^"]*)"', text)
        token = m.group(1) if m else None
        if token is None and "end of input" in text:
            token, offset = "<EOF>", len(sql.rstrip())
        message = f"mismatched input '{token}'" if token is not None else _strip(text)
        return _Located("SYNTAX_ERROR", message, offset, to_user_offset, PARSING_EXCEPTION)
    for pattern, rule in _RULES:
        m = pattern.search(text)
        if m:
            name, message = _apply(rule, m)
            return _Located(name, message, offset, to_user_offset)
    if cls == "InternalException" or "INTERNAL Error" in text or _ENGINE_INTERNALS.search(text):
        # an engine bug, or a message naming the engine's own internals: never show them
        return _Located("NOT_SUPPORTED", "This query uses a feature the sandbox cannot emulate", offset,
                        to_user_offset)
    name = _BY_CLASS.get(cls, "GENERIC_INTERNAL_ERROR")
    return _Located(name, _strip(text) or cls, offset, to_user_offset)


class _Located(TrinoError):
    """TrinoError whose location is still an offset; `relocate` turns it into line/column."""

    def __init__(self, name: str, message: str, offset: int | None,
                 to_user: Callable[[int], int] | None, failure_type: str = SEMANTIC_EXCEPTION) -> None:
        super().__init__(name, message, failure_type=failure_type)
        self.bare_message = message
        self.offset = None if offset is None else (to_user(offset) if to_user else offset)


def relocate(err: TrinoError, user_sql: str) -> TrinoError:
    """Return `err` with line/column computed against the user's SQL text (if it has an offset)."""
    if isinstance(err, _Located):
        offset = err.offset
        if offset is None and err.error_name in ("COLUMN_NOT_FOUND", "FUNCTION_NOT_FOUND") and "'" in err.bare_message:
            offset = _find_identifier(user_sql, err.bare_message.split("'")[1])
        message = err.bare_message
        if err.bare_message.startswith("Cannot apply operator: "):
            op = err.bare_message.split()[-2]
            offset = _find_operator(user_sql, op) if offset is None else offset
            message = _literal_lengths(message, user_sql, op)
        return at(err.error_name, message.replace(_LITERAL_VARCHAR, "varchar"), user_sql, offset,
                  failure_type=err.failure_type)
    return err


def _find_operator(sql: str, op: str) -> int | None:
    """Offset of the first `op` punctuation token (Trino locates operator type errors there)."""
    from .sqltext import tokenize
    return next((tok.start for tok in tokenize(sql) if tok.kind == "punct" and tok.text == op), None)


def _literal_lengths(message: str, sql: str, op: str) -> str:
    """'Cannot apply operator: integer + varchar(?)' with the string literal operands' lengths
    (Trino types 'a' as varchar(1)), read from the tokens around the first *op*."""
    from .sqltext import significant, string_value, tokenize
    sig = significant(tokenize(sql))
    i = next((k for k, t in enumerate(sig) if t.kind == "punct" and t.text == op), None)
    if i is None:
        return message
    head, _, operands = message.partition(": ")
    left, _, right = operands.partition(f" {op} ")
    sides = []
    for text, k in ((left, i - 1), (right, i + 1)):
        tok = sig[k] if 0 <= k < len(sig) else None
        if text == _LITERAL_VARCHAR and tok is not None and tok.kind == "string":
            text = f"varchar({len(string_value(tok))})"
        sides.append(text)
    return f"{head}: {sides[0]} {op} {sides[1]}"


def _find_identifier(sql: str, name: str) -> int | None:
    """Offset of the first identifier token `name` (DuckDB omits locations on multi-line SQL)."""
    from .sqltext import tokenize
    for tok in tokenize(sql):
        if tok.is_ident and tok.ident == name.lower():
            return tok.start
    return None
