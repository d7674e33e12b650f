"""HeadlessRunner against fake clients: statement loop, exit codes, messages, atomic output, interrupts."""

from __future__ import annotations

import io
import os
import signal

import pytest

from trino_tui.client import (
    AuthenticationError,
    QueryFailed,
    RetryEvent,
    SegmentExpired,
    TrinoConnectionError,
)
from trino_tui.core.errors import ExitCode
from trino_tui.core.statements import split_statements
from trino_tui.headless.interrupt import InterruptGuard
from trino_tui.headless.progress import ProgressReporter, render_progress
from trino_tui.headless.runner import HeadlessOptions, HeadlessRunner
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
    (TrinoConnectionError("connection refused"), 3, "Cannot connect to http://coord:8080: connection refused"),
    (TrinoConnectionError("Cannot connect to http://coord:8080: connection refused"), 3,
     "Cannot connect to http://coord:8080: connection refused"),
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


def test_second_signal_while_submitting_exits_with_the_signal_code() -> None:
    guard = InterruptGuard(install=False)

    class Interrupting(FakeClient):
        def execute(self, sql, **kw):
            guard.interrupt(signal.SIGTERM)  # the run is watched: this one cancels it ...
            guard.interrupt(signal.SIGTERM)  # ... a second one raises KeyboardInterrupt

    code, _, err = run(Interrupting(), "SELECT 1", guard=guard)
    assert code == 143 and err == "Terminated\n"


@pytest.mark.parametrize("sig, code, reason", [(signal.SIGTERM, 143, "terminated"), (signal.SIGHUP, 129, "hangup")])
def test_sigterm_and_sighup_cancel_like_ctrl_c(tmp_path, sig, code, reason) -> None:
    guard = InterruptGuard(install=False)
    q = FakeQuery("", columns=["a"], pages=[[[1]], [[2]], [[3]]], on_page=lambda i: i == 1 and guard.interrupt(sig))
    target = tmp_path / "x.csv"
    rc, _, err = run(FakeClient(q), "SELECT a", guard=guard, output_file=str(target))
    assert (rc, err) == (code, f"Query {q.query_id} cancelled ({reason})\n")
    assert q.cancelled and q.closed and os.listdir(tmp_path) == []


def test_cancelled_on_the_server_is_a_failure_not_an_interrupt() -> None:
    q = FakeQuery("", columns=["a"], pages=[[[1]], [[2]]])
    q.on_page = lambda i: i == 1 and q.cancel()
    code, _, err = run(FakeClient(q), "SELECT a")
    assert (code, err) == (1, f"Query {q.query_id} was cancelled\n")


def test_ignore_errors_runs_every_statement_and_exits_1(tmp_path) -> None:
    failed = QueryFailed("TABLE_NOT_FOUND", "USER_ERROR", 46, "Table 'x' does not exist", None, None, "q2")
    client = FakeClient(FakeQuery("", fail_at=-1, error=failed), FakeQuery("", columns=["a"], pages=[[[1]]]))
    target = tmp_path / "out.csv"
    code, _, err = run(client, "SELECT * FROM x; SELECT 1", ignore_errors=True, output_file=str(target))
    assert code == 1 and len(client.executed) == 2 and "TABLE_NOT_FOUND" in err
    assert target.read_text() == "# CSV a\n[1]\n# end\n"  # what succeeded is kept


def test_connection_failure_is_not_ignored_by_ignore_errors() -> None:
    client = FakeClient(TrinoConnectionError("connection refused"), FakeQuery("", columns=["a"], pages=[[[1]]]))
    code, _, _ = run(client, "SELECT 1; SELECT 2", ignore_errors=True)
    assert code == 3 and len(client.executed) == 1


def test_pending_retry_shows_in_progress() -> None:
    retry = RetryEvent(phase="submit", attempt=2, delay=2.0, budget_left=97.0, reason="503", at=1.0)
    q = FakeQuery("", retry=retry)
    assert render_progress(q.snapshot())[0].endswith(", retrying in 2 s (97 s left)")


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
    assert q.cancelled

    class Buggy(LineWriter):
        def write_rows(self, rows):
            raise ValueError("writer bug")

    stdout, stderr = io.BytesIO(), io.StringIO()
    with InterruptGuard(install=False) as g:
        runner = HeadlessRunner(FakeClient(FakeQuery("", columns=["a"], pages=[[[1]]])), HeadlessOptions(debug=True),
                                stdout=stdout, console=ProgressReporter(stderr, tty=False, enabled=False), guard=g,
                                writer_factory=Buggy)
        code = runner.run(split_statements("SELECT 1"))
    err = stderr.getvalue()
    assert code == 1 and "Traceback (most recent call last)" in err and "ValueError: writer bug" in err
    assert err.splitlines()[-1] == "Unexpected error: ValueError: writer bug"


def test_progress_mode_prints_a_summary_line() -> None:
    code, _, err = run(FakeClient(FakeQuery("", columns=["a"], pages=[[[1]], [[2]]])), "SELECT 1", progress=True)
    assert code == 0 and err.startswith("Query 20261121_000000_00001_fake0 FINISHED: 2 rows in 1.00s")


def test_server_warnings_go_to_stderr() -> None:
    q = FakeQuery("", columns=["a"], pages=[[[1]]], warnings=[{"warningCode": {"code": 1, "name": "W"}, "message": "slow\nplan"}])
    code, out, err = run(FakeClient(q), "SELECT 1")
    assert (code, err) == (0, "WARNING: slow plan\n")


def test_error_in_a_10_mb_one_line_statement_prints_a_cut_context_line() -> None:
    sql = "SELECT '" + "x" * 10_000_000 + "' FORM t"
    column = sql.index("FORM") + 1
    failed = QueryFailed("SYNTAX_ERROR", "USER_ERROR", 1, f"line 1:{column}: mismatched input 'FORM'", 1, column, "q9")
    code, _, err = run(FakeClient(FakeQuery("", fail_at=-1, error=failed)), sql)
    lines = err.splitlines()
    assert code == 1 and len(lines) == 3 and len(err) < 600, [len(line) for line in lines]
    context, caret = lines[1], lines[2]
    assert context.startswith("LINE 1: ...xxx") and context.endswith("' FORM t")
    assert context[caret.index("^"):].startswith("FORM")  # the caret still points at the error
