"""core.run.StatementRun: one run loop → typed outcomes; cancel/stop in every phase; bounded close."""

from __future__ import annotations

import threading

import pytest

from trino_tui.client import AuthenticationError, QueryFailed, SegmentCorrupt, TrinoConnectionError
from trino_tui.core.run import Cancelled, Failed, Finished, StatementRun, Stopped

from tests.core.fakes import FakeClient, ListSink, Script, columns


def run(script: Script, sink: ListSink | None = None, **kw):
    client = FakeClient(script)
    sink = sink or ListSink()
    r = StatementRun(client, "SELECT 1", sink, server="http://h:1", **kw)
    return r, r.run(), sink, client


def test_finished_delivers_every_row_in_order_and_ends_the_sink() -> None:
    r, out, sink, client = run(Script(batches=[[[1], [2]], [[3]]], update_type="SELECT",
                                      warnings=[{"message": "slow\nquery"}]))
    assert isinstance(out, Finished) and out.status == "finished" and out.complete
    assert (out.rows, out.query_id, out.update_type, out.warnings) == (3, "q1", "SELECT", ("slow query",))
    assert sink.rows == [[1], [2], [3]] and sink.ended and sink.columns == columns("a")
    assert client.queries[0].calls == ["close"] and client.queries[0].closed_with == 2.0
    assert r.outcome is out and not r.running


def test_statement_without_output_begins_with_no_columns() -> None:
    _, out, sink, _ = run(Script(columns=[], update_type="CREATE TABLE"))
    assert isinstance(out, Finished) and sink.columns == [] and sink.ended and out.update_type == "CREATE TABLE"


@pytest.mark.parametrize("exc, kind, code, text", [
    (QueryFailed("SYNTAX_ERROR", "USER_ERROR", 1, "mismatched input 'x'", 1, 8, "q1"), "query", 1,
     "Query q1 failed: SYNTAX_ERROR: mismatched input 'x' at line 1:8"),
    (TrinoConnectionError("connection refused"), "connection", 3, "Cannot connect to http://h:1: connection refused"),
    (AuthenticationError("Authentication failed: bad password"), "auth", 3, "Authentication failed: bad password"),
])
def test_failures_before_columns_are_described_once(exc, kind, code, text) -> None:
    _, out, sink, client = run(Script(error=exc))
    assert isinstance(out, Failed) and out.error.kind == kind and out.error.exit_code == code
    assert out.error.message == text and sink.columns is None and not sink.ended
    assert "close" in client.queries[0].calls


def test_failure_mid_stream_keeps_the_row_count_and_does_not_end_the_sink() -> None:
    _, out, sink, _ = run(Script(batches=[[[1]], [[2]]], error=SegmentCorrupt("bad zstd frame", index=1), fail_after=1))
    assert isinstance(out, Failed) and out.rows == 1 and not sink.ended
    assert out.error.message == "Query q1 failed: segment 1: bad zstd frame" and out.error.kind == "segment"


def test_sink_error_cancels_the_query() -> None:
    _, out, _, client = run(Script(batches=[[[1]], [[2]]]), ListSink(fail_on_write=BrokenPipeError()))
    assert isinstance(out, Failed) and out.error.exit_code == 141
    assert client.queries[0].calls[0] == "cancel"


def test_execute_error_is_a_failed_outcome() -> None:
    client = FakeClient(execute_error=TrinoConnectionError("Cannot connect to http://127.0.0.1:9: connection refused"))
    out = StatementRun(client, "SELECT 1", ListSink(), server="http://127.0.0.1:9").run()
    assert isinstance(out, Failed) and out.error.message == "Cannot connect to http://127.0.0.1:9: connection refused"
    assert out.query_id == ""


def test_cancel_before_start_never_executes() -> None:
    client = FakeClient()
    r = StatementRun(client, "SELECT 1", ListSink())
    r.cancel()
    assert isinstance(r.run(), Cancelled) and client.executed == []


@pytest.mark.parametrize("phase", ["columns", "streaming"])
@pytest.mark.parametrize("action", ["cancel", "stop"])
def test_cancel_and_stop_in_any_phase_from_another_thread(phase: str, action: str) -> None:
    gate = threading.Event()  # never set: only cancel/stop can release the query
    script = Script(batches=[[[1]], [[2]]], gate_columns=gate if phase == "columns" else None,
                    gate_batch=gate if phase == "streaming" else None)
    client = FakeClient(script)
    sink = ListSink()
    done = threading.Event()
    outcomes = []
    r = StatementRun(client, "SELECT 1", sink).start(lambda o: (outcomes.append(o), done.set()))
    wait_for = (lambda: client.queries) if phase == "columns" else (lambda: sink.rows)
    while not wait_for():
        threading.Event().wait(0.001)
    getattr(r, action)()
    assert done.wait(5)
    out = outcomes[0]
    expected_rows = 0 if phase == "columns" else 1
    assert out.rows == expected_rows
    if action == "stop":
        assert isinstance(out, Stopped)
        assert sink.ended == (sink.columns is not None)  # rows kept: a begun sink is completed
    else:
        assert isinstance(out, Cancelled) and not sink.ended
    assert client.queries[0].calls[0] == action
    assert r.close(1.0)


def test_cancel_requested_during_execute_is_applied_to_the_new_query() -> None:
    client = FakeClient(Script(batches=[[[1]]]))
    r = StatementRun(client, "SELECT 1", ListSink(), on_query=lambda q: r.cancel())
    assert isinstance(r.run(), Cancelled) and client.queries[0].calls[0] == "cancel"


def test_close_joins_within_its_bound_even_if_the_query_hangs() -> None:
    gate = threading.Event()

    class Stuck(FakeClient):
        def execute(self, sql, *, listener=None):
            gate.wait()  # a client that ignores the contract and blocks
            return super().execute(sql)

    r = StatementRun(Stuck(), "SELECT 1", ListSink()).start()
    assert r.close(0.05) is False  # bounded: returns though the thread is stuck
    gate.set()
    assert r.close(5.0) is True


def test_keyboard_interrupt_cancels_and_closes_then_propagates() -> None:
    class Interrupting(ListSink):
        def write(self, batch):
            raise KeyboardInterrupt

    client = FakeClient(Script(batches=[[[1]]]))
    with pytest.raises(KeyboardInterrupt):
        StatementRun(client, "SELECT 1", Interrupting()).run()
    assert client.queries[0].calls == ["cancel", "close"]
