"""Pilot tests of editor autocomplete: table after FROM, then a column after WHERE; Tab/Enter
accept, Esc dismisses, arrows move; late metadata refreshes the open popup; typing never waits."""

from __future__ import annotations

import asyncio

import pytest

from trino_tui.explore.connection import ExploreConnection

from ..explore.fakes import tpch_runner
from .explore_host import CompletionHost, CompletingEditor


@pytest.fixture
def conn():
    c = ExploreConnection(tpch_runner())
    yield c
    c.close()


async def settle(pilot, conn):
    for _ in range(4):
        await pilot.pause()
        assert conn.pool.wait_idle(5)
    await pilot.pause()


def test_table_then_column(conn):
    async def scenario():
        app = CompletionHost(conn)
        async with app.run_test(size=(100, 30)) as pilot:
            ed = app.query_one(CompletingEditor)
            ed.focus()
            ed.insert("SELECT * FROM tpch.tiny.line")
            await pilot.press("i")
            await settle(pilot, conn)
            popup = ed.completion.popup
            assert ed.completion.visible and [c.label for c in popup.items] == ["lineitem"]
            assert popup.region.y == ed.cursor_screen_offset.y + 1  # drawn under the cursor
            await pilot.press("tab")
            assert ed.text == "SELECT * FROM tpch.tiny.lineitem"
            assert not ed.completion.visible
            await pilot.press("space", "W", "H", "E", "R", "E", "space")
            await settle(pilot, conn)
            items = ed.completion.popup.items
            assert ed.completion.visible and items[0].kind == "column"
            assert [c.label for c in items if c.kind == "column"] == ["orderkey", "partkey", "quantity", "shipdate"]
            await pilot.press("down", "enter")
            assert ed.text == "SELECT * FROM tpch.tiny.lineitem WHERE partkey"
            assert "\n" not in ed.text  # Enter accepted instead of breaking the line

    asyncio.run(scenario())


def test_escape_dismisses_and_keys_return_to_the_editor(conn):
    async def scenario():
        app = CompletionHost(conn)
        async with app.run_test(size=(100, 30)) as pilot:
            ed = app.query_one(CompletingEditor)
            ed.focus()
            await pilot.press("s", "e", "l")
            await settle(pilot, conn)
            assert ed.completion.visible and ed.completion.popup.selected.text == "select"
            await pilot.press("escape")
            assert not ed.completion.visible
            await pilot.press("enter")
            assert ed.text == "sel\n"  # popup closed: Enter is the editor's again
            await pilot.press("ctrl+space")
            await settle(pilot, conn)
            assert ed.completion.visible  # forced open on an empty line
            ed.blur()
            await pilot.pause()
            assert not ed.completion.visible  # leaving the editor closes it

    asyncio.run(scenario())


def test_typing_while_metadata_loads_does_not_wait(conn):
    async def scenario():
        runner = conn.loader._runner
        gate = runner.gate("SHOW CATALOGS")
        app = CompletionHost(conn)
        try:
            async with app.run_test(size=(100, 30)) as pilot:
                ed = app.query_one(CompletingEditor)
                ed.focus()
                ed.insert("SELECT * FROM tp")
                await pilot.press("c")
                await pilot.pause()
                assert ed.text == "SELECT * FROM tpc"  # the keystroke landed while SHOW CATALOGS hangs
                assert ed.completion.result.pending
                gate.set()
                await settle(pilot, conn)  # the late answer refreshes the popup by itself
                assert ed.completion.visible and [c.label for c in ed.completion.popup.items] == ["tpch"]
                await pilot.press("h")
                await pilot.pause()
                assert not ed.completion.visible  # fully typed: nothing left to offer
        finally:
            gate.set()

    asyncio.run(scenario())
