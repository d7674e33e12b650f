"""The exploration widgets against the real sandbox (metadata through ClientRunner/StatementRun):
browse tpch → tiny → lineitem and see its columns; autocomplete lineitem, then a column after WHERE."""

from __future__ import annotations

import asyncio

import pytest

from trino_tui.explore.connection import ExploreConnection
from trino_tui.explore.runner import ClientRunner
from trino_tui.tui.widgets.catalog_tree import CatalogBrowser

from .explore_host import BrowserHost, CompletingEditor, CompletionHost


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


def named(node, name):
    return next(c for c in node.children if c.data is not None and c.data.meta is not None
                and c.data.meta.name == name)


def test_browse_to_lineitem_columns_and_insert(conn):
    async def scenario():
        app = BrowserHost(conn.loader)
        async with app.run_test(size=(80, 50)) as pilot:
            tree = app.query_one(CatalogBrowser).tree
            await settle(pilot, conn, lambda: any(str(c.label) == "▣ tpch" for c in tree.root.children), "catalogs")
            tpch = named(tree.root, "tpch")
            tpch.expand()
            await settle(pilot, conn, lambda: any(str(c.label) == "▤ tiny" for c in tpch.children), "schemas")
            tiny = named(tpch, "tiny")
            tiny.expand()
            await settle(pilot, conn, lambda: any(str(c.label) == "▦ lineitem" for c in tiny.children), "tables")
            line = named(tiny, "lineitem")
            line.expand()
            await settle(pilot, conn, lambda: len(line.children) == 16, "columns")
            assert str(line.children[0].label) == "· orderkey  bigint"
            tree.focus()
            tree.move_cursor(line)
            await pilot.press("i")
            await pilot.pause()
            assert [(a.action, a.text) for a in app.actions] == [("insert", "tpch.tiny.lineitem")]

    asyncio.run(scenario())


def test_autocomplete_lineitem_then_a_column(conn):
    async def scenario():
        app = CompletionHost(conn)
        async with app.run_test(size=(100, 30)) as pilot:
            ed = app.query_one(CompletingEditor)
            ed.focus()
            ed.insert("SELECT * FROM tpch.tiny.line")
            await pilot.press("i")
            await settle(pilot, conn, lambda: ed.completion.visible and not ed.completion.result.pending, "tables")
            assert [c.label for c in ed.completion.popup.items] == ["lineitem"]
            await pilot.press("tab")
            await pilot.press("space", "W", "H", "E", "R", "E", "space")
            await settle(pilot, conn, lambda: ed.completion.visible and not ed.completion.result.pending, "columns")
            cols = [c for c in ed.completion.popup.items if c.kind == "column"]
            assert len(cols) == 16 and (cols[0].label, cols[0].detail) == ("orderkey", "bigint  lineitem")  # ordinal order
            await pilot.press("s", "h", "i", "p", "d")
            await pilot.pause()
            assert ed.completion.popup.selected.label == "shipdate"
            await pilot.press("enter")
            assert ed.text == "SELECT * FROM tpch.tiny.lineitem WHERE shipdate"

    asyncio.run(scenario())
