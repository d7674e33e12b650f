"""HeadlessRunner against fake clients: statement loop, exit codes, messages, atomic output, interrupts."""

from __future__ import annotations

import io
import os

import pytest

from trino_tui.client.errors import (
    AuthenticationError,
    QueryFailed,
    SegmentExpired,
    TrinoConnectionError,
)
from trino_tui.headless.interrupt import InterruptGuard
from trino_tui.headless.progress import ProgressReporter
from trino_tui.headless.runner import ExitCode, HeadlessOptions, HeadlessRunner
from trino_tui.statements import split_statements
from tests.headless.fakes import FakeClient, FakeQuery, LineWriter


def run(client, script: str, *, guard=None, **opts):
    stdout, stderr = io.BytesIO(), io.StringIO()
    console = ProgressReporter(stderr, tty=False, enabled=False)
    options = HeadlessOptions(server="http://coord:8080", **opts)
    with (guard or InterruptGuard(install=False)) as g:
        runner = HeadlessRunner(client, options, stdout=stdout, console=console, guard=g, writer_factory=LineWriter)
        code = runner.run(split_statements(script))
    return code, stdout.getvalue().decode(), stderr.getvalue()


def test_statements_run_in_order_and_stream_every_batch() -> None:
    q1 = FakeQuery("", update_type="USE")
    q2 = FakeQuery("", update_type="SET SESSION")
    q3 = FakeQuery("", columns=["a"], pages=[[[1], [2]], [[3]]])
    client = FakeClient(q1, q2, q3)
    code, out, err = run(client, "USE tpch.tiny; SET SESSION x = 'a;b'; SELECT a FROM t", output_format="TSV")
    assert code == ExitCode.OK
    assert client.executed == ["USE tpch.tiny", "SET SESSION x = 'a;b'", "SELECT a FROM t"]
    assert out == "# TSV a\n[1]\n[2]\n[3]\n# end\n"
    assert q3.pages == [[], []]  # written batches are emptied at once (memory stays bounded)
    assert err == "USE\nSET SESSION\n"
    assert q1.closed and q2.closed and q3.closed


def test_update_count_is_reported_on_stderr() -> None:
    code, out, err = run(FakeClient(FakeQuery("", update_type="INSERT", update_count=5)), "INSERT INTO t VALUES 1")
    assert (code, out, err) == (0, "", "INSERT: 5 rows\n")


def test_query_failure_stops_the_loop_with_message_and_caret() -> None:
    failed = QueryFailed("SYNTAX_ERROR", "USER_ERROR", 1, "line 2:1: mismatched input 'FORM'", 2, 1,
                         "20261121_000000_00002_fake0")
    client = FakeClient(FakeQuery("", columns=["a"], pages=[[[1]]]), FakeQuery("", fail_at=-1, error=failed), FakeQuery(""))
    code, out, err = run(client, "SELECT 1; SELECT *\nFORM nation; SELECT 3")
    assert code == ExitCode.FAILED
    assert len(client.executed) == 2  # the third statement never ran
    assert err.splitlines() == [
        "Query 20261121_000000_00002_fake0 failed: SYNTAX_ERROR: line 2:1: mismatched input 'FORM'",
        "LINE 2: FORM nation",
        "        ^",
    ]


@pytest.mark.parametrize("exc, code, first_line", [
    (TrinoConnectionError("connection refused"), 3, "Error connecting to http://coord:8080: connection refused"),
    (TrinoConnectionError("Cannot reach coord:8080: ConnectError: refused"), 3,
     "Error connecting to http://coord:8080: ConnectError: refused"),
    (AuthenticationError("401 Unauthorized"), 3, "Authentication failed: 401 Unauthorized"),
    (AuthenticationError("Authentication failed: bad password"), 3, "Authentication failed: bad password"),
])
def test_connection_failures_exit_3(exc, code, first_line) -> None:
    rc, out, err = run(FakeClient(exc), "SELECT 1")
    assert rc == code and err.splitlines() == [first_line]


def test_segment_error_mid_stream_to_stdout_is_one_line() -> None:
    q = FakeQuery("", columns=["a"], pages=[[[1]], [[2]]], fail_at=1, error=SegmentExpired("gone", index=3))
    code, out, err = run(FakeClient(q), "SELECT a FROM t")
    assert code == 1
    assert err == "Query 20261121_000000_00001_fake0 failed: segment 3: gone\n"


def test_output_file_is_atomic_success_and_failure(tmp_path) -> None:
    target = tmp_path / "out.csv"
    code, _, _ = run(FakeClient(FakeQuery("", columns=["a"], pages=[[[1]]])), "SELECT 1", output_file=str(target))
    assert code == 0 and target.read_text() == "# CSV a\n[1]\n# end\n"

    target2 = tmp_path / "fail.csv"
    q = FakeQuery("", columns=["a"], pages=[[[1]], [[2]]], fail_at=1, error=SegmentExpired("expired", index=1))
    code, _, err = run(FakeClient(q), "SELECT a", output_file=str(target2))
    assert code == 1 and "expired" in err
    assert sorted(os.listdir(tmp_path)) == ["out.csv"]  # no target, no temp file


def test_failure_in_a_later_statement_discards_the_whole_file(tmp_path) -> None:
    target = tmp_path / "out.csv"
    failed = QueryFailed("TABLE_NOT_FOUND", "USER_ERROR", 46, "Table 'x' does not exist", 1, 15, "q2")
    client = FakeClient(FakeQuery("", columns=["a"], pages=[[[1]]]), FakeQuery("", fail_at=-1, error=failed))
    code, _, err = run(client, "SELECT 1; SELECT * FROM x", output_file=str(target))
    assert code == 1 and "TABLE_NOT_FOUND" in err
    assert os.listdir(tmp_path) == []


def test_interrupt_cancels_the_query_first_and_exits_130(tmp_path) -> None:
    guard = InterruptGuard(install=False)
    q = FakeQuery("", columns=["a"], pages=[[[1]], [[2]], [[3]]], on_page=lambda i: i == 1 and guard.interrupt())
    target = tmp_path / "x.csv"
    code, _, err = run(FakeClient(q), "SELECT a; SELECT b", guard=guard, output_file=str(target))
    assert code == ExitCode.INTERRUPTED
    assert q.cancelled and q.closed
    assert err == f"Query {q.query_id} cancelled (interrupted)\n"
    assert os.listdir(tmp_path) == []


def test_interrupt_without_a_running_query_exits_130() -> None:
    guard = InterruptGuard(install=False)

    class Interrupting(FakeClient):
        def execute(self, sql, **kw):
            guard.interrupt()

    code, _, err = run(Interrupting(), "SELECT 1", guard=guard)
    assert code == 130 and err == "Interrupted\n"


def test_broken_pipe_cancels_quietly() -> None:
    class Closed(LineWriter):
        def write_rows(self, rows):
            raise BrokenPipeError

    q = FakeQuery("", columns=["a"], pages=[[[1]]])
    stdout, stderr = io.BytesIO(), io.StringIO()
    with InterruptGuard(install=False) as g:
        runner = HeadlessRunner(FakeClient(q), HeadlessOptions(), stdout=stdout,
                                console=ProgressReporter(stderr, tty=False, enabled=False), guard=g, writer_factory=Closed)
        code = runner.run(split_statements("SELECT 1"))
    assert (code, stderr.getvalue(), q.cancelled) == (141, "", True)


def test_unexpected_error_is_one_line_unless_debug() -> None:
    q = FakeQuery("", columns=["a"], pages=[[[1]]], fail_at=0, error=ValueError("boom"))
    code, _, err = run(FakeClient(q), "SELECT 1")
    assert code == 1 and err == "Unexpected error: ValueError: boom (run with --debug for the traceback)\n"
    q = FakeQuery("", columns=["a"], pages=[[[1]]], fail_at=0, error=ValueError("boom"))
    code, _, err = run(FakeClient(q), "SELECT 1", debug=True)
    assert code == 1 and "Traceback (most recent call last)" in err and q.cancelled


def test_progress_mode_prints_a_summary_line() -> None:
    code, _, err = run(FakeClient(FakeQuery("", columns=["a"], pages=[[[1]], [[2]]])), "SELECT 1", progress=True)
    assert code == 0 and err.startswith("Query 20261121_000000_00001_fake0 FINISHED: 2 rows in 1.00s")


def test_server_warnings_go_to_stderr() -> None:
    q = FakeQuery("", columns=["a"], pages=[[[1]]], warnings=[{"warningCode": {"code": 1, "name": "W"}, "message": "slow\nplan"}])
    code, out, err = run(FakeClient(q), "SELECT 1")
    assert (code, err) == (0, "WARNING: slow plan\n")
