"""Bad input is a clear one-line message and exit 2, never "Unexpected error" (issue 9 item 8, 11)."""

from __future__ import annotations

import io

import pytest

from trino_tui.cli import main
from trino_tui.core.args import parse_args
from trino_tui.headless.main import MAX_SQL_BYTES, run_headless

# Nothing listens on port 9; a run that got past validation would fail with exit 3 instead of 2.
OFFLINE = ["--server", "http://127.0.0.1:9", "--client-request-timeout", "1s"]

BAD_FLAGS = [
    (["--request-timeout", "inf"], "invalid duration 'inf'"),
    (["--client-request-timeout", "nan"], "invalid duration 'nan'"),
    (["--request-timeout", "1e300"], "invalid duration '1e300': at most 7 days"),
    (["--request-timeout=-5s"], "must be positive"),
    (["--server", "http://[::1"], "invalid server URL 'http://[::1': Invalid IPv6 URL"),
    (["--server", "http://[::1]:99999"], "bad port"),
    (["--server", "ftp://x"], "expected http(s)://host[:port]"),
    (["--user", "bøb"], "user must be printable ASCII"),
    (["--user", "a\r\nb"], "user must not contain line breaks"),
    (["--catalog", "tpch\r\nX-Evil: 1"], "catalog must not contain line breaks"),
    (["--catalog", "c", "--schema", "ti\nny"], "schema must not contain line breaks"),
    (["--timezone", "UTC\r\n"], "timezone must not contain line breaks"),
    (["--source", "s\x00"], "source must be printable ASCII"),
    (["--client-tags", "a,b\x7f"], "client_tags must be printable ASCII"),
    (["--session", "na\rme=1"], "session property name must be printable ASCII"),
    (["--extra-header", "X-A: 1\r\nX-B: 2"], "X-A must not contain line breaks"),
    (["--extra-header", "X-A: café"], "X-A must be printable ASCII"),
]


@pytest.mark.parametrize("argv, fragment", BAD_FLAGS, ids=[" ".join(a) for a, _ in BAD_FLAGS])
def test_bad_flag_values_exit_2_with_one_line(capsys, argv, fragment) -> None:
    assert main([*OFFLINE, *argv, "-e", "SELECT 1"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and fragment in err, err
    assert err.startswith("Invalid configuration: ") and "Unexpected error" not in err, err


def test_session_values_may_hold_any_text() -> None:
    assert parse_args(["--session", "query_label=grüße, résumé"]).session == ["query_label=grüße, résumé"]


def _run(argv: list[str], stdin: io.TextIOBase) -> tuple[int, str]:
    err = io.StringIO()
    code = run_headless(parse_args([*OFFLINE, *argv]), stdin=stdin, stdout=io.BytesIO(), stderr=err, env={})
    return code, err.getvalue()


def _binary_stdin(data: bytes) -> io.TextIOWrapper:
    """A stdin like the real one: text decoded with surrogateescape over a byte buffer."""
    return io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", errors="surrogateescape")


BAD_SQL = [
    ("stdin bytes", [], _binary_stdin(b"SELECT '\xff'"), "SQL on stdin is not valid UTF-8 (byte 8: b'\\xff')"),
    ("stdin text", [], io.StringIO("SELECT '\udcff'"), "SQL on stdin is not valid UTF-8 (byte 8: b'\\xff')"),
    ("stdin huge", [], _binary_stdin(b" " * (MAX_SQL_BYTES + 1)), "SQL on stdin is larger than 16 MiB"),
    ("execute", ["-e", "SELECT '\udcff'"], io.StringIO(), "SQL given to --execute is not valid UTF-8 (byte 8"),
    ("execute lone surrogate", ["-e", "SELECT '\ud800'"], io.StringIO(), "SQL given to --execute is not valid UTF-8"),
    ("file /dev/zero", ["-f", "/dev/zero"], io.StringIO(), "SQL in /dev/zero is larger than 16 MiB"),
]


@pytest.mark.parametrize("argv, stdin, fragment", [c[1:] for c in BAD_SQL], ids=[c[0] for c in BAD_SQL])
def test_unreadable_sql_exits_2_with_one_line(argv, stdin, fragment) -> None:
    code, err = _run(argv, stdin)
    assert (code, err.count("\n")) == (2, 1), err
    assert fragment in err and "Unexpected error" not in err, err


def test_non_utf8_file_exits_2(tmp_path) -> None:
    script = tmp_path / "bad.sql"
    script.write_bytes(b"SELECT 1;\nSELECT '\xc3('")
    code, err = _run(["-f", str(script)], io.StringIO())
    assert (code, err) == (2, f"SQL in {script} is not valid UTF-8 (byte 18: b'\\xc3')\n")


def test_sql_up_to_the_cap_is_read(tmp_path) -> None:
    script = tmp_path / "big.sql"
    script.write_bytes(b" " * (MAX_SQL_BYTES - 1) + b";")  # blank statements only: nothing is sent
    code, err = _run(["-f", str(script)], io.StringIO())
    assert (code, err) == (0, "")


@pytest.mark.parametrize("env, fragment", [
    ({"TRINO_SERVER": "http://[::1"}, "Invalid IPv6 URL"),
    ({"TRINO_USER": "bøb"}, "user must be printable ASCII"),
    ({"TRINO_USER": "a\r\nb"}, "user must not contain line breaks"),
], ids=["TRINO_SERVER", "TRINO_USER non-ASCII", "TRINO_USER CRLF"])
def test_bad_environment_values_exit_2_with_one_line(env, fragment) -> None:
    argv = ["--client-request-timeout", "1s", "-e", "SELECT 1"] + ([] if "TRINO_SERVER" in env else OFFLINE[:2])
    err = io.StringIO()
    code = run_headless(parse_args(argv), stdin=io.StringIO(), stdout=io.BytesIO(), stderr=err, env=env)
    assert (code, err.getvalue().count("\n")) == (2, 1), err.getvalue()
    assert err.getvalue().startswith("Invalid configuration: ") and fragment in err.getvalue()


@pytest.mark.parametrize("sql, count", [
    (" " * MAX_SQL_BYTES, 0),                                                 # blank
    ("SELECT '" + "x" * (MAX_SQL_BYTES - 20) + "'", 1),                       # one huge literal
    ("SELECT 1;\n" * 400_000, 400_000),                                      # many statements (4 MB)
    ("INSERT INTO t VALUES " + "(1, 'a'), " * 400_000 + "(2, 'b')", 1),        # one long statement (4 MB)
], ids=["blank", "literal", "many statements", "long insert"])
def test_splitting_large_sql_takes_linear_time(sql, count) -> None:
    import time

    from trino_tui.core.statements import split_statements

    started = time.process_time()
    stmts = split_statements(sql)
    elapsed = time.process_time() - started
    assert len(stmts) == count
    assert elapsed < 3.0, f"{elapsed:.1f} s CPU"  # a bound (linear, mostly at C speed: ~0.2-1.5 s), not a benchmark
    if count > 1:
        assert stmts[-1].line == count and stmts[-1].text == "SELECT 1"
