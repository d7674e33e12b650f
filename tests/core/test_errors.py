"""core.errors.describe: one wording and one exit code per failure family."""

from __future__ import annotations

import pytest

from trino_tui.client import (
    AuthenticationError, ConfigError, HttpError, QueryCancelled, QueryFailed, SegmentExpired, TrinoConnectionError,
)
from trino_tui.core.errors import ExitCode, describe


def test_query_failure_has_name_message_location_and_caret() -> None:
    exc = QueryFailed("COLUMN_NOT_FOUND", "USER_ERROR", 47, "Column 'x' cannot be resolved", 2, 8, "20260101_1")
    r = describe(exc, sql="SELECT\nSELECT x FROM t")
    assert r.message == "Query 20260101_1 failed: COLUMN_NOT_FOUND: Column 'x' cannot be resolved at line 2:8"
    assert r.lines() == [r.message, "LINE 2: SELECT x FROM t", "               ^"]
    assert (r.kind, r.exit_code, r.line, r.column, r.error_name) == ("query", 1, 2, 8, "COLUMN_NOT_FOUND")


def test_location_already_in_the_message_is_not_repeated() -> None:
    exc = QueryFailed("SYNTAX_ERROR", None, None, "line 1:8: mismatched input", 1, 8, None)
    assert describe(exc, query_id="q9").message == "Query q9 failed: SYNTAX_ERROR: line 1:8: mismatched input"


@pytest.mark.parametrize("exc, expected, code", [
    (TrinoConnectionError("connection refused"), "Cannot connect to http://h:9: connection refused", ExitCode.CONNECTION),
    (TrinoConnectionError("Cannot connect to http://h:9: unknown host"), "Cannot connect to http://h:9: unknown host",
     ExitCode.CONNECTION),
    (TrinoConnectionError("Cannot reach http://h:9: timed out"), "Cannot connect to http://h:9: timed out", ExitCode.CONNECTION),
    (AuthenticationError("401 Unauthorized"), "Authentication failed: 401 Unauthorized", ExitCode.CONNECTION),
    (ConfigError("--downloaders: must be at least 1 (got 0)"),
     "Invalid configuration: --downloaders: must be at least 1 (got 0)", ExitCode.USAGE),
    (QueryCancelled("x"), "Query q1 was cancelled", ExitCode.FAILED),
    (SegmentExpired("gone", index=3), "Query q1 failed: segment 3: gone", ExitCode.FAILED),
    (HttpError(500, "HTTP 500 from coordinator"), "Query q1 failed: HTTP 500 from coordinator", ExitCode.FAILED),
    (BrokenPipeError(32, "Broken pipe"), "Error writing output: the reader closed the pipe", ExitCode.BROKEN_PIPE),
    (PermissionError(13, "Permission denied", "/out.csv"), "Error writing output: Permission denied (/out.csv)",
     ExitCode.FAILED),
    (ValueError("bad\nthing"), "Unexpected error: ValueError: bad thing", ExitCode.FAILED),
])
def test_each_family_has_one_line_and_an_exit_code(exc, expected, code) -> None:
    r = describe(exc, server="http://h:9", query_id="q1")
    assert r.message == expected and r.exit_code == code and "\n" not in r.message
