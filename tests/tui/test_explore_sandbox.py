"""The exploration widgets against the real sandbox (metadata through ClientRunner/StatementRun):
browse tpch → tiny → lineitem and see its columns; autocomplete lineitem, then a column after WHERE."""

from __future__ import annotations

import asyncio

import pytest

from trino_tui.explore.connection import ExploreConnection
from trino_tui.explore.runner import ClientRunner

from .explore_host import browsing, complete_lineitem_then_where, completing, expand_path, level_shown


@pytest.fixture
def conn(sandbox):
    from trino_tui.client import ClientConfig, TrinoClient

    config = ClientConfig(server=sandbox.url, user="explore", catalog="tpch", schema="tiny")
    c = ExploreConnection(ClientRunner(lambda: TrinoClient(config)), key=sandbox.url)
    yield c
    c.close()


async def settle(pilot, conn, cond, what):
    for _ in range(50):
        await pilot.pause()
        if cond():
            return
        assert conn.pool.wait_idle(30)
    raise AssertionError(f"never: {what}")


def test_browse_to_lineitem_columns_and_insert(conn):
    async def scenario():
        async with browsing(conn.loader, size=(80, 50)) as (app, pilot, browser):
            tree = browser.tree
            await settle(pilot, conn, lambda: level_shown(tree.root), "catalogs")
            line = await expand_path(tree.root, ("tpch", "tiny", "lineitem"),
                                     lambda node: settle(pilot, conn, lambda: level_shown(node), node.label))
            assert len(line.children) == 16 and str(line.children[0].label) == "· orderkey  bigint"
            tree.focus()
            tree.move_cursor(line)
            await pilot.press("i")
            await pilot.pause()
            assert [(a.action, a.text) for a in app.actions] == [("insert", "tpch.tiny.lineitem")]

    asyncio.run(scenario())


def test_autocomplete_lineitem_then_a_column(conn):
    async def scenario():
        async with completing(conn) as (pilot, ed):
            popup_ready = lambda: settle(pilot, conn, lambda: ed.completion.visible and not ed.completion.result.pending,  # noqa: E731
                                         "popup")
            assert await complete_lineitem_then_where(pilot, ed, popup_ready) == ["lineitem"]
            cols = [c for c in ed.completion.popup.items if c.kind == "column"]
            assert len(cols) == 16 and (cols[0].label, cols[0].detail) == ("orderkey", "bigint  lineitem")  # ordinal order
            await pilot.press("s", "h", "i", "p", "d")
            await pilot.pause()
            assert ed.completion.popup.selected.label == "shipdate"
            await pilot.press("enter")
            assert ed.text == "SELECT * FROM tpch.tiny.lineitem WHERE shipdate"

    asyncio.run(scenario())


def test_metadata_clients_run_few_pipeline_threads(sandbox):
    """The browser's lookups use small clients (2 downloaders, 1 decoder), same server and user,
    and still answer through the real pipeline."""
    from trino_tui.client import ClientConfig

    from trino_tui.tui.explore_actions import default_metadata_runner

    config = ClientConfig(server=sandbox.url, user="explore", catalog="tpch", schema="tiny")
    runner = default_metadata_runner(config)
    try:
        assert runner("SELECT name FROM tpch.tiny.region ORDER BY regionkey")[0] == ["AFRICA"]
        client = runner._client()
        assert (client.config.downloaders, client.config.decoders) == (2, 1)
        assert (client.config.server, client.config.user) == (config.server, config.user)
    finally:
        runner.close()
