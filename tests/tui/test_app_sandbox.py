"""Pilot tests driving the real app, client and pipeline against an in-process sandbox.

The sandbox is module-scoped (tests/tui/conftest.py); tests that slow it down with
``sandbox.configure(...)`` restore the knobs. Intermediate states are awaited as conditions.
"""

from __future__ import annotations

import asyncio
import socket

import pytest
from textual.keys import _character_to_key

from trino_tui.tui.app import TrinoTuiApp
from trino_tui.tui.clipboard import MemoryClipboard
from trino_tui.tui.screens.export_dialog import ExportDialog
from trino_tui.tui.widgets.editor import SqlEditor
from trino_tui.tui.widgets.grid import ResultGrid
from trino_tui.tui.widgets.pipeline_panel import PipelinePanel

from tests.tui.test_app_pilot import wait_until

LINEITEM_ROWS = 60175


@pytest.fixture
def slow_sandbox(sandbox):
    """The sandbox producing segments slowly (so a query is observably mid-stream)."""
    sandbox.configure(worker_pace=0.5)
    try:
        yield sandbox
    finally:
        sandbox.configure(worker_pace=0.0)


def make_app(config, sql: str = "", clipboard=None) -> TrinoTuiApp:
    app = TrinoTuiApp(config, initial_sql=sql, clipboard=clipboard or MemoryClipboard())
    app.animation_level = "none"
    return app


async def run_to_grid(pilot, *, status: str = "finished", timeout: float = 10.0) -> ResultGrid:
    """Run the editor's statement (ctrl+j) until the app's status is *status*; the grid, focused."""
    app = pilot.app
    await pilot.press("ctrl+j")
    await wait_until(pilot, lambda: app.query_status == status, timeout=timeout, what=status)
    grid = app.query_one(ResultGrid)
    grid.focus()
    await pilot.pause()
    return grid


async def type_text(pilot, text: str) -> None:
    await pilot.press(*[_character_to_key(ch) for ch in text])


def test_type_run_and_watch_rows_stream_in(client_settings, slow_sandbox):
    async def scenario():
        app = make_app(client_settings)
        async with app.run_test(size=(140, 44)) as pilot:
            await type_text(pilot, "SELECT * FROM lineitem")
            assert app.query_one(SqlEditor).text == "SELECT * FROM lineitem"
            await pilot.press("ctrl+j")
            grid = app.query_one(ResultGrid)
            await wait_until(pilot, lambda: 0 < grid.row_count < LINEITEM_ROWS, timeout=30,
                             what="some rows while streaming")
            assert grid.status == "streaming" and "so far" in str(grid.border_title)
            await wait_until(pilot, lambda: app.query_status == "finished", timeout=60, what="finished")
            assert grid.row_count == LINEITEM_ROWS
            assert "60,175 rows" in str(grid.border_title)

    asyncio.run(scenario())


def test_scroll_to_the_last_row_of_a_large_result(client_settings):
    async def scenario():
        app = make_app(client_settings, "SELECT orderkey, linenumber FROM lineitem")
        async with app.run_test(size=(100, 36)) as pilot:
            grid = await run_to_grid(pilot, timeout=60)
            await pilot.press("ctrl+end")
            await pilot.pause()
            assert grid.cursor[0] == LINEITEM_ROWS - 1
            top = int(grid.scroll_y)
            visible = grid.scrollable_content_region.height
            # row r is drawn on virtual line r + 2 (two header lines)
            assert top <= LINEITEM_ROWS - 1 + 2 < top + visible
            last = app.store.rows(LINEITEM_ROWS - 1, LINEITEM_ROWS)[0]
            shot = app.export_screenshot()
            assert f"{LINEITEM_ROWS:,}/{LINEITEM_ROWS:,}" in shot
            assert str(last[0]) in shot

    asyncio.run(scenario())


@pytest.mark.parametrize("key, status", [("ctrl+c", "cancelled"), ("f3", "stopped")])
def test_cancel_or_stop_mid_stream_against_the_server(client_settings, slow_sandbox, key, status):
    """ctrl+c cancels on the server, F3 stops; either way the rows so far stay browsable."""
    async def scenario():
        app = make_app(client_settings, "SELECT * FROM lineitem")
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("ctrl+j")
            grid = app.query_one(ResultGrid)
            await wait_until(pilot, lambda: grid.row_count > 0, timeout=30, what="first rows")
            await pilot.press(key)
            await wait_until(pilot, lambda: app.query_status == status, timeout=30, what=status)
            n = grid.row_count
            assert 0 < n < LINEITEM_ROWS and len(app.store) == n
            assert f"{status} after {n:,} rows" in str(grid.border_title)

    asyncio.run(scenario())


def test_error_moves_the_cursor_to_the_servers_location(client_settings):
    sql = "SELECT 1;\n\nSELECT nationkey,\n       nope\nFROM nation;\n"

    async def scenario():
        app = make_app(client_settings, sql)
        async with app.run_test(size=(120, 40)) as pilot:
            editor = app.query_one(SqlEditor)
            editor.move_cursor((4, 2))
            await pilot.press("ctrl+j")
            await wait_until(pilot, lambda: app.query_status == "failed", timeout=30)
            # Trino says line 2, column 8 of the statement -> editor row 3, column 7
            assert editor.cursor_location == (3, 7)
            grid = app.query_one(ResultGrid)
            assert grid.status == "failed"
            assert any("Column 'nope' cannot be resolved" in str(n.message) for n in app._notifications)

    asyncio.run(scenario())


def test_export_result_to_a_file(client_settings, tmp_path):
    target = tmp_path / "nation.csv"

    async def scenario():
        app = make_app(client_settings, "SELECT nationkey, name FROM nation ORDER BY nationkey")
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("ctrl+j")
            await wait_until(pilot, lambda: app.query_status == "finished", timeout=30)
            await pilot.press("f4")
            await wait_until(pilot, lambda: isinstance(app.screen, ExportDialog))
            dialog = app.screen
            dialog.query_one("#export-path").value = str(target)
            await pilot.click("#export-go")
            await wait_until(pilot, lambda: dialog.result is not None, timeout=30, what="export done")
            assert dialog.result.error is None

    asyncio.run(scenario())
    lines = target.read_text().splitlines()
    assert lines[0] == '"nationkey","name"' and lines[1] == '"0","ALGERIA"' and len(lines) == 26


def test_copy_selection_from_a_real_result(client_settings):
    clip = MemoryClipboard()

    async def scenario():
        app = make_app(client_settings, "SELECT nationkey, name FROM nation ORDER BY nationkey", clipboard=clip)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("ctrl+j")
            await wait_until(pilot, lambda: app.query_status == "finished", timeout=30)
            app.query_one(ResultGrid).focus()
            await pilot.press("shift+down", "shift+right", "f8")
            assert clip.items == ["nationkey\tname\n0\tALGERIA\n1\tARGENTINA"]

    asyncio.run(scenario())


def test_pipeline_panel_shows_the_live_query(client_settings):
    async def scenario():
        app = make_app(client_settings, "SELECT * FROM lineitem")
        async with app.run_test(size=(160, 50)) as pilot:
            await pilot.press("f2")
            await pilot.press("ctrl+j")
            await wait_until(pilot, lambda: app.query_status == "finished", timeout=60)
            panel = app.query_one(PipelinePanel)
            await wait_until(pilot, lambda: panel.snapshot is not None and panel.snapshot.finished, timeout=10)
            snap = panel.snapshot
            assert snap.rows_delivered == LINEITEM_ROWS and snap.protocol == "spooled"
            assert snap.segments_spooled > 0

    asyncio.run(scenario())


def test_app_started_sandbox_queues_a_run_until_ready_and_stops_on_exit(monkeypatch):
    """``--sandbox``: the app starts its own sandbox; ctrl+j pressed during start-up runs once it is up."""
    import threading

    from trino_tui.core.settings import SANDBOX_DEFAULTS, resolve
    from trino_tui.sandbox import Sandbox, SandboxConfig

    placeholder = resolve({}, env={}, overrides={"server": "http://127.0.0.1"}, defaults=SANDBOX_DEFAULTS)
    release = threading.Event()  # holds the sandbox start-up until ctrl+j has been pressed
    real_start = Sandbox.start

    def gated_start(self):
        assert release.wait(60), "test never released the sandbox start-up"
        return real_start(self)

    monkeypatch.setattr(Sandbox, "start", gated_start)

    async def scenario():
        app = TrinoTuiApp(placeholder, sandbox_config=SandboxConfig(port=0), clipboard=MemoryClipboard(),
                          initial_sql="SELECT name FROM tpch.tiny.nation ORDER BY name")
        app.animation_level = "none"
        async with app.run_test(size=(120, 40)) as pilot:
            started_ready = app._sandbox_ready
            await pilot.press("ctrl+j")
            release.set()
            await wait_until(pilot, lambda: app.query_status == "finished", timeout=120, what="queued run")
            assert app.query_one(ResultGrid).row_count == 25
            assert app.config.server.startswith("http://127.0.0.1:") and app.config.catalog == "tpch"
            url = app.config.server
        return started_ready, url

    started_ready, url = asyncio.run(scenario())
    assert started_ready is False
    host, port = url.removeprefix("http://").split(":")
    with pytest.raises(OSError):  # the sandbox was stopped on exit: nothing listens any more
        socket.create_connection((host, int(port)), timeout=5).close()
