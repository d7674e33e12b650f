"""Pilot tests of the context line (repaints on change) and the history screen (search, paste, run)."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

from textual.app import App, ComposeResult

from trino_tui.explore.context import context_from
from trino_tui.explore.history import HistoryEntry, HistoryStore
from trino_tui.tui.screens.history import HistoryScreen
from trino_tui.tui.widgets.context_line import ContextLine


class Host(App):
    def __init__(self) -> None:
        super().__init__()
        self.animation_level = "none"
        self.results: list = []

    def compose(self) -> ComposeResult:
        yield ContextLine(id="ctx")


def test_context_line_shows_and_follows_the_session():
    async def scenario():
        app = Host()
        async with app.run_test(size=(120, 10)) as pilot:
            line = app.query_one(ContextLine)
            config = SimpleNamespace(server="http://127.0.0.1:8080", user="ann", catalog="tpch", schema="tiny",
                                     session_properties={})
            line.show(context_from(config))
            await pilot.pause()
            assert "127.0.0.1:8080" in str(line.render()) and "tpch.tiny" in str(line.render())
            line.show(context_from(config, SimpleNamespace(user="ann", catalog="tpch", schema="sf1",
                                                           properties={"query_max_run_time": "1h"}),
                                   encoding="json+zstd", ran=True))
            await pilot.pause()
            rendered = str(line.render())
            assert "tpch.sf1" in rendered and "query_max_run_time=1h" in rendered
            assert "spooled json+zstd" in rendered

    asyncio.run(scenario())


def test_history_screen_search_paste_and_run(tmp_path):
    store = HistoryStore(tmp_path / "history.jsonl")
    for i, sql in enumerate(["SELECT 1", "SELECT * FROM nation", "SHOW CATALOGS"]):
        store.append(HistoryEntry(sql=sql, started=1_700_000_000 + i, state="finished", rows=i))

    async def scenario():
        app = Host()
        async with app.run_test(size=(120, 30)) as pilot:
            app.push_screen(HistoryScreen(store), app.results.append)
            await pilot.pause()
            screen = app.screen
            assert [e.sql for e in screen.entries] == ["SHOW CATALOGS", "SELECT * FROM nation", "SELECT 1"]
            await pilot.press("down", "enter")
            await pilot.pause()
            assert app.results == [("paste", "SELECT * FROM nation")]
            app.push_screen(HistoryScreen(store), app.results.append)
            await pilot.pause()
            await pilot.press("n", "a", "t")
            await pilot.pause()
            assert [e.sql for e in app.screen.entries] == ["SELECT * FROM nation"]
            await pilot.press("ctrl+r")
            await pilot.pause()
            app.push_screen(HistoryScreen(store), app.results.append)
            await pilot.pause()
            await pilot.press("escape")
            await pilot.pause()
            assert app.results[1:] == [("run", "SELECT * FROM nation"), None]

    asyncio.run(scenario())
