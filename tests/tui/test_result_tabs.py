"""One result per statement (Pilot, fake client): each run gets a tab that keeps its rows; switching
tab shows that result and its query's record in the pipeline panel; only the last N tabs hold rows
and an evicted one says so; closing a tab closes its row store; the bound policy on its own."""

from __future__ import annotations

import asyncio

from trino_tui.tui.app import TrinoTuiApp
from trino_tui.tui.clipboard import MemoryClipboard
from trino_tui.tui.result_tabs import ResultTab, evictions
from trino_tui.tui.widgets.editor import SqlEditor
from trino_tui.tui.widgets.grid import ResultGrid
from trino_tui.tui.widgets.pipeline_panel import PipelinePanel
from trino_tui.tui.widgets.tab_strip import TabStrip

from .conftest import FakeClient, FakeQuery, failed, int_batches, make_columns, make_settings
from .fake_snapshots import failed_snapshot, finished_snapshot, mid_query_snapshot
from .test_app_pilot import wait_until

COLS = make_columns(("n", "bigint"), ("label", "varchar"))
SNAPS = {"SELECT 1": finished_snapshot(segments=2), "SELECT 2": mid_query_snapshot(), "SELECT 3": failed_snapshot()}


def _client() -> FakeClient:
    def factory(sql):
        rows = {"SELECT 1": 3, "SELECT 2": 5, "SELECT 3": 0}.get(sql, 2)
        if sql == "SELECT 3":
            return FakeQuery(COLS, [], error=failed("line 1:1: boom", 1, 1), snapshot=SNAPS[sql])
        return FakeQuery(COLS, int_batches(rows, 2), snapshot=SNAPS.get(sql))
    return FakeClient(factory)


def _app(client, **values) -> TrinoTuiApp:
    app = TrinoTuiApp(make_settings(**values), initial_sql="", client_factory=lambda cfg: client,
                      clipboard=MemoryClipboard())
    app.animation_level = "none"
    return app


async def _run(pilot, app, sql: str, n: int) -> None:
    editor = app.query_one(SqlEditor)
    editor.load_text(sql)
    await pilot.press("ctrl+j")
    await wait_until(pilot, lambda: len(app.result_tabs) == n and app.result_tabs[-1].status != "streaming",
                     what=f"{sql} done")


def test_each_statement_keeps_its_result_and_switching_shows_its_pipeline_record():
    client = _client()

    async def scenario():
        app = _app(client)
        async with app.run_test(size=(140, 45)) as pilot:
            for i, sql in enumerate(("SELECT 1", "SELECT 2", "SELECT 3"), 1):
                await _run(pilot, app, sql, i)
            tabs = app.result_tabs
            assert [t.status for t in tabs] == ["finished", "finished", "failed"]
            assert [len(t.store) for t in tabs[:2]] == [3, 5] and not any(t.store.closed for t in tabs[:2])
            strip = app.query_one("#result-tabs", TabStrip)
            assert strip.display and strip.active == 2 and "✗" in strip.labels[2]
            await pilot.press("f2")
            panel = app.query_one("#pipeline", PipelinePanel)
            assert panel._snapshot is SNAPS["SELECT 3"] and panel._outcome == "failed"
            await pilot.press("alt+pageup")  # previous result: SELECT 2's rows and record
            grid = app.query_one(ResultGrid)
            assert app.store is tabs[1].store and grid._store is tabs[1].store and grid._nrows == 5
            assert panel._snapshot is SNAPS["SELECT 2"] and app.query_status == "finished"
            await pilot.click("#result-tabs", offset=(2, 0))  # the first tab, by mouse
            await pilot.pause()
            assert app.store is tabs[0].store and panel._snapshot is SNAPS["SELECT 1"]
            assert grid.border_title.startswith("3 rows")
            await pilot.press("alt+pagedown", "alt+pagedown")
            assert "boom" in grid.border_title  # the failed statement's message comes back with its tab

    asyncio.run(scenario())


def test_only_the_last_n_results_hold_rows_and_an_evicted_one_says_so():
    client = _client()

    async def scenario():
        app = _app(client, result_tabs=2)
        async with app.run_test(size=(140, 45)) as pilot:
            await _run(pilot, app, "SELECT 1", 1)
            await _run(pilot, app, "SELECT 2", 2)
            held = app.result_tabs[0].store
            await _run(pilot, app, "SELECT 4", 3)
            first = app.result_tabs[0]
            assert held.closed and first.store is None and first.evicted and "evicted" in first.label
            assert [t.store is not None for t in app.result_tabs] == [False, True, True]
            await pilot.click("#result-tabs", offset=(2, 0))
            await pilot.pause()
            title = app.query_one(ResultGrid).border_title
            assert "evicted" in title and "3 rows dropped" in title and "only 2 results" in title

    asyncio.run(scenario())


def test_closing_a_tab_closes_its_store():
    client = _client()

    async def scenario():
        app = _app(client)
        async with app.run_test(size=(140, 45)) as pilot:
            await _run(pilot, app, "SELECT 1", 1)
            await _run(pilot, app, "SELECT 2", 2)
            second = app.result_tabs[1].store
            await pilot.press("alt+w")
            assert second.closed and len(app.result_tabs) == 1 and app.store is app.result_tabs[0].store
            assert not app.result_tabs[0].store.closed
            await pilot.press("alt+w")
            assert app.result_tabs == [] and app.store is None and app.query_status == "idle"

    asyncio.run(scenario())


class _Store:
    def __init__(self, nbytes: int) -> None:
        self.nbytes_compact, self.closed = nbytes, False


def _tab(i: int, nbytes: int) -> ResultTab:
    return ResultTab(i, i, f"SELECT {i}", store=_Store(nbytes))  # type: ignore[arg-type]


def test_evictions_keep_the_count_and_the_memory_bound_but_never_the_shown_or_running_tab():
    tabs = [_tab(i, 100) for i in range(5)]
    assert [t.number for t in evictions(tabs, limit=3, budget=10_000, keep=[])] == [0, 1]
    assert [t.number for t in evictions(tabs, limit=10, budget=250, keep=[])] == [0, 1, 2]
    assert [t.number for t in evictions(tabs, limit=3, budget=10_000, keep=[tabs[0]])] == [1, 2]
    assert evictions(tabs, limit=5, budget=500, keep=[]) == []


def test_a_replaced_run_keeps_its_rows_so_far_in_its_tab_marked_cancelled():
    held = {}

    def factory(sql):
        if sql == "SELECT slow":
            held["q"] = FakeQuery(COLS, int_batches(6, 2), gate_at=1)  # delivers 2 rows, then waits
            return held["q"]
        return FakeQuery(COLS, int_batches(1, 1))

    client = FakeClient(factory)

    async def scenario():
        app = _app(client)
        async with app.run_test(size=(140, 45)) as pilot:
            app.query_one(SqlEditor).load_text("SELECT slow")
            await pilot.press("ctrl+j")
            await wait_until(pilot, lambda: app.store is not None and len(app.store) == 2, what="first rows")
            assert held["q"].reached_gate.wait(5)
            await _run(pilot, app, "SELECT 9", 2)
            slow = app.result_tabs[0]
            await wait_until(pilot, lambda: slow.status == "cancelled", what="the replaced run's outcome")
            assert len(slow.store) == 2 and not slow.store.closed and "⊘" in slow.label
            await pilot.press("alt+pageup")
            assert app.store is slow.store and app.query_status == "cancelled"

    asyncio.run(scenario())
