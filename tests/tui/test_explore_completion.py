"""Pilot tests of editor autocomplete: table after FROM, then a column after WHERE; Tab/Enter
accept, Esc dismisses, arrows move; late metadata refreshes the open popup; typing never waits."""

from __future__ import annotations

import asyncio

import pytest

from trino_tui.explore.connection import ExploreConnection

from ..explore.fakes import tpch_runner
from .explore_host import complete_lineitem_then_where, completing


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
        async with completing(conn) as (pilot, ed):
            assert await complete_lineitem_then_where(pilot, ed, lambda: settle(pilot, conn)) == ["lineitem"]
            popup = ed.completion.popup
            items = popup.items
            assert ed.completion.visible and items[0].kind == "column"
            assert popup.region.y == ed.cursor_screen_offset.y + 1  # drawn under the cursor
            assert [c.label for c in items if c.kind == "column"] == ["orderkey", "partkey", "quantity", "shipdate"]
            await pilot.press("down", "enter")
            assert ed.text == "SELECT * FROM tpch.tiny.lineitem WHERE partkey"
            assert "\n" not in ed.text  # Enter accepted instead of breaking the line

    asyncio.run(scenario())


def test_escape_dismisses_and_keys_return_to_the_editor(conn):
    async def scenario():
        async with completing(conn) as (pilot, ed):
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
        try:
            async with completing(conn) as (pilot, ed):
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
