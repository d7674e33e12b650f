"""QueryRunner + CoalescingBridge without a UI: outcomes, ordering, cancel/stop, rate bound."""

from __future__ import annotations

import pytest

import queue

from trino_tui.core.rowstore import RowStore
from trino_tui.tui.bridge import CoalescingBridge
from trino_tui.tui.messages import QueryDone, QueryProgress, ResultStarted
from trino_tui.core.run import Failed
from trino_tui.tui.runner import QueryRunner

from tests.tui.conftest import FakeClient, FakeQuery, failed, int_batches


class Inbox:
    """Collects posted messages; ``wait_for`` blocks on a queue (no sleeps)."""

    def __init__(self) -> None:
        self.q: queue.Queue = queue.Queue()
        self.seen: list = []

    def post(self, msg) -> bool:
        self.q.put(msg)
        return True

    def wait_for(self, kind, timeout: float = 10.0):
        for m in self.seen:
            if isinstance(m, kind):
                return m
        while True:
            m = self.q.get(timeout=timeout)
            self.seen.append(m)
            if isinstance(m, kind):
                return m


def _runner(client, inbox, gen=1, previous=None):
    return QueryRunner(client, "select 1", generation=gen, post=inbox.post, store_factory=RowStore,
                       previous=previous).start()


def test_runner_fills_store_and_finishes(fake_columns):
    client = FakeClient(lambda sql: FakeQuery(fake_columns, int_batches(5000, 700)))
    inbox = Inbox()
    r = _runner(client, inbox)
    store = inbox.wait_for(ResultStarted).store
    done = inbox.wait_for(QueryDone)
    r.close()
    assert done.outcome.status == "finished" and done.outcome.rows == 5000
    assert len(store) == 5000 and store.rows(4999, 5000) == [[4999, "row 4999"]]
    assert client.queries[0].closed
    # the last progress message before Done carries the final row count
    progress = [m for m in inbox.seen if isinstance(m, QueryProgress)]
    assert progress and progress[-1].rows == 5000
    assert inbox.seen.index(progress[-1]) < inbox.seen.index(done)
    store.close()


@pytest.mark.parametrize("action, gate_at, status", [("cancel", 3, "cancelled"), ("stop", 4, "stopped")])
def test_cancel_or_stop_mid_stream_reports_the_rows_so_far(fake_columns, action, gate_at, status):
    client = FakeClient(lambda sql: FakeQuery(fake_columns, int_batches(1000, 100), gate_at=gate_at))
    inbox = Inbox()
    r = _runner(client, inbox)
    assert client.wait_query().reached_gate.wait(10)
    getattr(r, action)()
    done = inbox.wait_for(QueryDone)
    r.close()
    assert done.outcome.status == status and done.outcome.rows == gate_at * 100
    query = client.queries[0]
    assert (query.cancelled if action == "cancel" else query.stop_requested).is_set()


def test_failure_carries_location_and_one_line_message(fake_columns):
    client = FakeClient(lambda sql: FakeQuery(fake_columns, [], error=failed("bad\nthing", 2, 7)))
    inbox = Inbox()
    r = _runner(client, inbox)
    done = inbox.wait_for(QueryDone)
    r.close()
    o = done.outcome
    assert isinstance(o, Failed) and (o.error.line, o.error.column) == (2, 7)
    assert o.error.message == "Query q1 failed: SYNTAX_ERROR: bad thing at line 2:7"


def test_unexpected_exception_becomes_one_line(fake_columns):
    def boom(sql):
        raise RuntimeError("connection\nreset")

    inbox = Inbox()
    r = _runner(FakeClient(boom), inbox)
    done = inbox.wait_for(QueryDone)
    r.close()
    assert done.outcome.status == "failed"
    assert done.outcome.error.message == "Unexpected error: RuntimeError: connection reset"


def test_new_runner_cancels_and_joins_the_previous_one(fake_columns):
    client = FakeClient(lambda sql: FakeQuery(fake_columns, int_batches(1000, 100), gate_at=2))
    inbox = Inbox()
    first = _runner(client, inbox, gen=1)
    assert client.wait_query().reached_gate.wait(10)
    first.cancel()
    second = _runner(client, inbox, gen=2, previous=first)
    # the second query must not start before the first is done
    done1 = inbox.wait_for(QueryDone)
    assert done1.generation == 1 and done1.outcome.status == "cancelled"
    q2 = client.wait_query(2)
    q2.gate.set()
    second.close()
    assert second.outcome.status in ("finished", "cancelled")
    assert not first.running


def test_cancel_before_start_never_executes(fake_columns):
    client = FakeClient(lambda sql: FakeQuery(fake_columns, int_batches(10, 5)))
    inbox = Inbox()
    r = QueryRunner(client, "y", generation=2, post=inbox.post, store_factory=RowStore)
    r.cancel()
    r.start()
    r.close()
    assert r.outcome.status == "cancelled" and client.executed == []


def test_bridge_coalesces_bursts():
    posted: list[int] = []
    counter = iter(range(10**9))
    bridge = CoalescingBridge(posted.append, lambda: next(counter), min_interval=0.05, idle_interval=60)
    bridge.start()
    for _ in range(100_000):
        bridge.notify()
    bridge.close()
    # 100k notifications collapse into a handful of messages; the final one is always posted
    assert 1 <= len(posted) <= 10 and bridge.posted == len(posted)


def test_bridge_posts_final_message_even_without_notifications():
    posted: list[str] = []
    bridge = CoalescingBridge(posted.append, lambda: "snap", idle_interval=60).start()
    bridge.close()
    assert posted == ["snap"]


def test_progress_messages_are_rate_bounded_while_streaming(fake_columns):
    import time

    client = FakeClient(lambda sql: FakeQuery(fake_columns, int_batches(200_000, 50)))  # 4000 batches
    inbox = Inbox()
    t0 = time.monotonic()
    r = _runner(client, inbox)
    done = inbox.wait_for(QueryDone)
    elapsed = time.monotonic() - t0
    r.close()
    assert done.outcome.rows == 200_000
    progress = sum(isinstance(m, QueryProgress) for m in inbox.seen)
    # ≤ 20/s from the bridge, plus the immediate first-rows message and the final one
    assert 1 <= progress <= elapsed / 0.05 + 3 and progress < 4000
