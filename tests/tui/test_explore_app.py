"""Exploration inside TrinoTuiApp (Pilot): the newcomer's first query, browser → insert a name,
autocomplete in the app editor, history recorded and pasted, Run all stopping at the first failure,
editor keys, theme, screenshot without ~/Downloads, remembered browser and editor text; the context
line following USE against the sandbox."""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager

import pytest

from trino_tui.explore.workspace import Workspace
from trino_tui.tui.app import SANDBOX_SQL, TrinoTuiApp
from trino_tui.tui.clipboard import MemoryClipboard
from trino_tui.tui.widgets.catalog_tree import CatalogBrowser
from trino_tui.tui.widgets.context_line import ContextLine
from trino_tui.tui.widgets.editor import SqlEditor

from ..explore.fakes import tpch_runner
from .explore_host import child, complete_lineitem_then_where, expand_path
from .conftest import FakeClient, FakeQuery, failed, int_batches, make_columns, make_settings
from .test_app_pilot import wait_until

COLS = make_columns(("n", "bigint"), ("label", "varchar"))


def fake_client(fail: str | None = None) -> FakeClient:
    def factory(sql):
        if fail is not None and sql == fail:
            return FakeQuery(COLS, [], error=failed("line 1:1: boom", 1, 1))
        return FakeQuery(COLS, int_batches(3, 3))
    return FakeClient(factory)


def make_app(client, tmp_path, sql=None, **kw):
    ws = kw.pop("workspace", None) or Workspace(lambda cfg: tpch_runner(), state_dir=tmp_path / "state")
    app = TrinoTuiApp(make_settings(catalog="tpch", schema="tiny"), initial_sql=sql,
                      client_factory=lambda cfg: client, clipboard=kw.pop("clipboard", MemoryClipboard()),
                      workspace=ws, **kw)
    app.animation_level = "none"
    return app


@asynccontextmanager
async def running(tmp_path, sql=None, client=None, **kw):
    """The app (``make_app``) running at 140x45: yields (app, pilot)."""
    app = make_app(client or fake_client(), tmp_path, sql=sql, **kw)
    async with app.run_test(size=(140, 45)) as pilot:
        yield app, pilot


async def idle(pilot, app):
    for _ in range(4):
        await pilot.pause()
        conn = app.workspace._conn
        if conn is not None:
            assert conn.pool.wait_idle(5)
    await pilot.pause()


def test_a_newcomer_typing_into_the_fresh_editor_gets_their_own_query_run(tmp_path):
    client = fake_client()

    async def scenario():
        app = make_app(client, tmp_path, sql=SANDBOX_SQL)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press(*"SELECT", "space", "4", "2")
            editor = app.query_one(SqlEditor)
            assert editor.text == SANDBOX_SQL + "SELECT 42"  # below the sample, never inside it
            await pilot.press("ctrl+j")
            client.wait_query(1)
            await wait_until(pilot, lambda: app.query_status == "finished", what="finished")
            assert client.executed == ["SELECT 42"]

    asyncio.run(scenario())


def test_browser_expand_to_columns_and_insert_a_name_at_the_cursor(tmp_path):
    async def scenario():
        async with running(tmp_path, "SELECT * FROM ") as (app, pilot):
            browser = app.query_one(CatalogBrowser)
            assert not browser.display
            await pilot.press("ctrl+b")
            await idle(pilot, app)
            assert browser.display and app.workspace.pref("browser") is True
            tree = browser.tree
            line = await expand_path(tree.root, ("tpch", "tiny", "lineitem"), lambda _node: idle(pilot, app))
            assert [str(c.label) for c in line.children][:2] == ["· orderkey  bigint", "· partkey  bigint"]
            tree.move_cursor(line)
            await pilot.press("i")
            await pilot.pause()
            editor = app.query_one(SqlEditor)
            assert editor.text == "SELECT * FROM tpch.tiny.lineitem" and editor.has_focus

    asyncio.run(scenario())


def test_autocomplete_in_the_app_editor(tmp_path):
    async def scenario():
        async with running(tmp_path, "") as (app, pilot):
            editor = app.query_one(SqlEditor)
            assert await complete_lineitem_then_where(pilot, editor, lambda: idle(pilot, app)) == ["lineitem"]
            assert editor.has_focus and editor.completion.popup.items[0].label == "orderkey"
            await pilot.press("enter")
            assert editor.text == "SELECT * FROM tpch.tiny.lineitem WHERE orderkey"
            await pilot.press("tab")  # no popup: Tab leaves the editor, as F1 and the README say
            assert not editor.has_focus

    asyncio.run(scenario())


def test_history_records_each_statement_and_pastes_from_the_screen(tmp_path):
    client = fake_client()

    async def scenario():
        async with running(tmp_path, "select 7", client) as (app, pilot):
            await pilot.press("ctrl+j")
            await wait_until(pilot, lambda: app.query_status == "finished", what="finished")
            entry = app.workspace.history.entries()[0]
            assert (entry.sql, entry.state, entry.rows, entry.user, entry.catalog) == (
                "select 7", "finished", 3, "test", "tpch")
            saved = Workspace(lambda cfg: tpch_runner(), state_dir=tmp_path / "state").saved_buffer()
            assert saved.text == "select 7"  # saved after each statement, not only on quit
            editor = app.query_one(SqlEditor)
            editor.load_text("")
            await pilot.press("ctrl+r")
            await pilot.pause()
            await pilot.press("enter")
            await pilot.pause()
            assert editor.text == "select 7"

    asyncio.run(scenario())


def test_run_all_runs_in_order_and_stops_at_the_first_failure(tmp_path):
    client = fake_client(fail="select 2")

    async def scenario():
        async with running(tmp_path, "select 1;\nselect 2;\nselect 3;\n", client) as (app, pilot):
            await pilot.press("f9")
            await wait_until(pilot, lambda: app.query_status == "failed", what="failed")
            await pilot.pause()
            assert client.executed == ["select 1", "select 2"]
            states = [e.state for e in app.workspace.history.entries()]
            assert states == ["failed", "finished"]
            # a selection of two statements runs both (not silently only the first)
            editor = app.query_one(SqlEditor)
            editor.load_text("select 1;\nselect 3;\n")
            editor.select_all()
            await pilot.press("ctrl+j")
            await wait_until(pilot, lambda: len(client.executed) == 4 and app.query_status == "finished",
                             what="both ran")
            assert client.executed[2:] == ["select 1", "select 3"]

    asyncio.run(scenario())


def test_editor_keys_theme_and_screenshot(tmp_path, monkeypatch):
    clip = MemoryClipboard()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("platformdirs.user_downloads_path", lambda: tmp_path / "no-such-Downloads")

    async def scenario():
        async with running(tmp_path, "select 1;\nselect 2;", clipboard=clip) as (app, pilot):
            editor = app.query_one(SqlEditor)
            await pilot.press("ctrl+home")
            assert editor.cursor_location == (0, 0)
            await pilot.press("ctrl+end")
            assert editor.cursor_location == (1, 9)
            await pilot.press("ctrl+a")
            assert editor.selected_text == "select 1;\nselect 2;"
            await pilot.press("f7")  # the app's "copy row", never the editor's select-all
            await pilot.pause()
            assert editor.theme == "monokai"
            app.theme = "textual-light"
            await pilot.pause()
            assert editor.theme == "github_light"
            app.action_screenshot()
            await pilot.pause()
            assert list(tmp_path.glob("*.svg"))

    asyncio.run(scenario())


def test_browser_visibility_and_editor_text_come_back_on_the_next_start(tmp_path):
    async def first():
        async with running(tmp_path) as (app, pilot):
            await pilot.press(*"select", "space", "9")
            await pilot.press("ctrl+b")
            await pilot.pause()
            await app.action_quit()

    async def second():
        async with running(tmp_path) as (app, pilot):
            await pilot.pause()
            editor = app.query_one(SqlEditor)
            assert editor.text == "select 9" and editor.cursor_location == (0, 8)
            assert app.query_one(CatalogBrowser).display

    asyncio.run(first())
    asyncio.run(second())


def test_context_line_follows_use_on_the_sandbox(client_settings, tmp_path):
    ws = Workspace(lambda cfg: tpch_runner(), state_dir=tmp_path / "state")

    async def scenario():
        app = TrinoTuiApp(client_settings, initial_sql="USE tpch.sf1", clipboard=MemoryClipboard(), workspace=ws)
        app.animation_level = "none"
        async with app.run_test(size=(160, 45)) as pilot:
            line = app.query_one(ContextLine)
            assert "in tpch.tiny" in line.text
            await pilot.press("ctrl+j")
            await wait_until(pilot, lambda: app.query_status == "finished", timeout=30, what="USE finished")
            assert "in tpch.sf1" in line.text and "protocol " in line.text
            assert ws.history.entries()[0].schema == "sf1"

    asyncio.run(scenario())


def test_browser_preview_describe_and_copy_act_on_the_app(tmp_path):
    client = fake_client()
    clip = MemoryClipboard()

    async def scenario():
        async with running(tmp_path, "", client, clipboard=clip) as (app, pilot):
            await pilot.press("ctrl+b")
            await idle(pilot, app)
            browser = app.query_one(CatalogBrowser)
            tree = browser.tree
            tiny = await expand_path(tree.root, ("tpch", "tiny"), lambda _node: idle(pilot, app))
            tree.move_cursor(child(tiny, "orders"))
            await pilot.press("p")
            await wait_until(pilot, lambda: app.query_status == "finished", what="preview")
            await pilot.press("d")
            await wait_until(pilot, lambda: len(client.executed) == 2 and app.query_status == "finished", what="describe")
            assert client.executed == ["SELECT * FROM tpch.tiny.orders LIMIT 100", "DESCRIBE tpch.tiny.orders"]
            await pilot.press("c")
            await pilot.pause()
            assert clip.items == ["tpch.tiny.orders"]
            await pilot.press("ctrl+b")
            assert not browser.display and app.query_one(SqlEditor).has_focus

    asyncio.run(scenario())


def test_the_client_stack_is_imported_on_the_metadata_pool_a_moment_after_start(tmp_path, monkeypatch):
    import threading

    from trino_tui.tui import explore_actions

    seen: list[threading.Thread] = []
    monkeypatch.setattr(explore_actions, "_import_client", lambda: seen.append(threading.current_thread()))

    async def scenario():
        async with running(tmp_path, "") as (app, pilot):
            app._explore_warm()  # what the WARM_AFTER timer calls
            assert app.workspace._conn.pool.wait_idle(5)
            assert seen and threading.main_thread() not in seen

    asyncio.run(scenario())
