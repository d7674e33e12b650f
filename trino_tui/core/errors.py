"""The one description of a failure: every front end shows the same words and exits the same way.

Owns ``ExitCode`` and ``describe(exc, ...) -> ErrorReport``. An ``ErrorReport`` has ONE line for
the user (``message``: a notification, the grid title, the first stderr line), optional context
lines (the Trino CLI's ``LINE n:`` + caret) and the exit code of a headless run. Wording:

    Query <id> failed: <ERROR_NAME>: <message> [at line L:C]   server-side failure (exit 1)
    Cannot connect to <server>: <reason>                          connection / TLS / timeout (exit 3)
    Authentication failed: <reason>                               HTTP 401 (exit 3)
    Invalid configuration: <reason>                               bad flag / profile / env (exit 2)
    Query <id> failed: segment <n>: <reason>                      spooled segment failure (exit 1)
    Query <id> was cancelled                                      (exit 1; 130 when interrupted)
    Error writing output: <reason>                                local I/O (exit 1; 141 broken pipe)
    Unexpected error: <Type>: <text>                              a bug (exit 1)

Pure functions over exceptions; thread-safe; no Textual.
"""

from __future__ import annotations

import enum
import re

from trino_tui.records import record
from trino_tui.client import (
    AuthenticationError,
    ConfigError,
    QueryCancelled,
    QueryFailed,
    SegmentError,
    TrinoConnectionError,
    TrinoTuiError,
)
from trino_tui.core.statements import error_context_lines

__all__ = ["ExitCode", "ErrorReport", "describe", "one_line"]


class ExitCode(enum.IntEnum):
    """Process exit status of a headless run (the TUI exits 0 or 2)."""

    OK = 0
    FAILED = 1
    USAGE = 2
    CONNECTION = 3
    INTERRUPTED = 130
    BROKEN_PIPE = 141


@record
class ErrorReport:
    """A described failure. ``kind`` names the family: query | connection | auth | config | segment |
    cancelled | output | broken_pipe | internal. ``line``/``column`` are 1-based inside the statement."""

    kind: str
    message: str
    exit_code: int
    error_name: str | None = None
    line: int | None = None
    column: int | None = None
    query_id: str | None = None
    context: tuple[str, ...] = ()

    def lines(self) -> list[str]:
        """The message followed by its context lines (what a terminal prints)."""
        return [self.message, *self.context]


def one_line(text: object) -> str:
    """Whitespace (newlines included) collapsed to single spaces."""
    return " ".join(str(text).split())


_LOCATION = re.compile(r"^line \d+:\d+\b")


def _query(query_id: str | None) -> str:
    return f"Query {query_id}" if query_id else "Query"


def _connection_reason(exc: BaseException, server: str) -> str:
    text = one_line(exc)
    for prefix in (f"Cannot connect to {server}: ", f"Cannot reach {server}: ", "Cannot connect: "):
        if server and text.startswith(prefix):
            return text[len(prefix):]
    return text


def describe(exc: BaseException, *, sql: str = "", server: str = "", query_id: str | None = None) -> ErrorReport:
    """The report for *exc* raised while running *sql* against *server* (both optional)."""
    if isinstance(exc, QueryFailed):
        qid = exc.query_id or query_id or None
        name = f"{exc.error_name}: " if exc.error_name else ""
        where = ""
        if exc.line and not _LOCATION.match(exc.message):
            where = f" at line {exc.line}:{exc.column or 1}"
        return ErrorReport("query", f"{_query(qid)} failed: {name}{exc.message}{where}", ExitCode.FAILED,
                           exc.error_name, exc.line, exc.column, qid,
                           tuple(error_context_lines(sql, exc.line, exc.column)))
    if isinstance(exc, AuthenticationError):
        text = one_line(exc)
        if not text.lower().startswith("authentication failed"):
            text = f"Authentication failed: {text}"
        return ErrorReport("auth", text, ExitCode.CONNECTION, query_id=query_id)
    if isinstance(exc, TrinoConnectionError):
        target = server or "the server"
        text = one_line(exc)
        message = text if text.startswith("Cannot connect to ") else f"Cannot connect to {target}: {_connection_reason(exc, server)}"
        return ErrorReport("connection", message, ExitCode.CONNECTION, query_id=query_id)
    if isinstance(exc, ConfigError):
        return ErrorReport("config", f"Invalid configuration: {one_line(exc)}", ExitCode.USAGE)
    if isinstance(exc, QueryCancelled):
        return ErrorReport("cancelled", f"{_query(query_id)} was cancelled", ExitCode.FAILED, query_id=query_id)
    if isinstance(exc, SegmentError):
        return ErrorReport("segment", f"{_query(query_id)} failed: {one_line(exc)}", ExitCode.FAILED, query_id=query_id)
    if isinstance(exc, TrinoTuiError):
        return ErrorReport("query", f"{_query(query_id)} failed: {one_line(exc)}", ExitCode.FAILED, query_id=query_id)
    if isinstance(exc, BrokenPipeError):
        return ErrorReport("broken_pipe", "Error writing output: the reader closed the pipe", ExitCode.BROKEN_PIPE)
    if isinstance(exc, OSError):
        reason = exc.strerror or one_line(exc) or type(exc).__name__
        where = f" ({exc.filename})" if getattr(exc, "filename", None) else ""
        return ErrorReport("output", f"Error writing output: {reason}{where}", ExitCode.FAILED)
    text = one_line(exc)
    detail = f"{type(exc).__name__}: {text}" if text else type(exc).__name__
    return ErrorReport("internal", f"Unexpected error: {detail}", ExitCode.FAILED, query_id=query_id)
