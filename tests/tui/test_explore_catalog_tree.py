"""Pilot tests of the catalog browser: lazy expand tpch → tiny → lineitem with columns and types,
actions on nodes, spinner and error nodes (retry), a slow catalog not blocking others, filter."""

from __future__ import annotations

import asyncio

import pytest

from trino_tui.explore.catalog import CatalogLoader
from trino_tui.tui.widgets.catalog_tree import CatalogBrowser, node_sql

from ..explore.fakes import tpch_runner
from .explore_host import BrowserHost


@pytest.fixture
def runner():
    return tpch_runner()


@pytest.fixture
def loader(runner):
    ld = CatalogLoader(runner, workers=3)
    yield ld
    ld.close()


async def settle(pilot, loader):
    for _ in range(3):
        await pilot.pause()
        assert loader.wait_idle(5)
    await pilot.pause()


def child(node, name):
    for c in node.children:
        if c.data is not None and c.data.meta is not None and c.data.meta.name == name:
            return c
    raise AssertionError(f"{name} not under {node.label}: {[str(c.label) for c in node.children]}")


def labels(node):
    return [str(c.label) for c in node.children]


def test_expand_to_columns_and_insert_a_name(loader, runner):
    async def scenario():
        app = BrowserHost(loader)
        async with app.run_test(size=(80, 40)) as pilot:
            browser = app.query_one(CatalogBrowser)
            tree = browser.tree
            await settle(pilot, loader)
            assert labels(tree.root) == ["▣ memory", "▣ system", "▣ tpch"]
            assert runner.calls == ["SHOW CATALOGS"]  # nothing below the catalogs yet
            tpch = child(tree.root, "tpch")
            tpch.expand()
            await pilot.pause()
            assert labels(tpch) == ["⠿ loading…"] or labels(tpch)[0].startswith("▤")
            await settle(pilot, loader)
            tiny = child(tpch, "tiny")
            tiny.expand()
            await settle(pilot, loader)
            line = child(tiny, "lineitem")
            line.expand()
            await settle(pilot, loader)
            assert labels(line)[:2] == ["· orderkey  bigint", "· partkey  bigint"]
            tree.focus()
            tree.move_cursor(line)
            await pilot.press("i")
            await pilot.pause()
            assert [(a.action, a.text) for a in app.actions] == [("insert", "tpch.tiny.lineitem")]
            await pilot.press("p", "d", "s", "c")
            await pilot.pause()
            assert [(a.action, a.sql) for a in app.actions[1:]] == [
                ("preview", "SELECT * FROM tpch.tiny.lineitem LIMIT 100"),
                ("describe", "DESCRIBE tpch.tiny.lineitem"),
                ("show_create", "SHOW CREATE TABLE tpch.tiny.lineitem"),
                ("copy", None)]

    asyncio.run(scenario())


def test_error_node_and_retry_and_a_slow_catalog(loader, runner):
    runner.responses["SHOW SCHEMAS FROM system"] = RuntimeError("Access Denied: system")
    gate = runner.gate("SHOW SCHEMAS FROM memory")

    async def scenario():
        app = BrowserHost(loader)
        async with app.run_test(size=(80, 40)) as pilot:
            tree = app.query_one(CatalogBrowser).tree
            await settle(pilot, loader)
            memory, system, tpch = (child(tree.root, n) for n in ("memory", "system", "tpch"))
            memory.expand()
            system.expand()
            tpch.expand()
            for _ in range(20):
                await pilot.pause()
                if labels(system)[0].startswith("✗") and labels(tpch)[0].startswith("▤"):
                    break
            assert labels(memory) == ["⠿ loading…"]  # still waiting on its server answer
            assert labels(system) == ["✗ Access Denied: system (enter: retry)"]
            assert labels(tpch) == ["▤ information_schema", "▤ sf1", "▤ tiny"]  # not held up by memory
            runner.responses["SHOW SCHEMAS FROM system"] = [["runtime"]]
            tree.focus()
            tree.move_cursor(system.children[0])
            await pilot.press("enter")
            gate.set()
            await settle(pilot, loader)
            assert labels(system) == ["▤ runtime"]
            assert labels(memory) == ["▤ default", "▤ information_schema"]

    try:
        asyncio.run(scenario())
    finally:
        gate.set()


def test_filter_narrows_loaded_names_and_searches_the_server(loader, runner):
    runner.handler = lambda sql: ([["sf1", "lineitem", "BASE TABLE"], ["tiny", "lineitem", "BASE TABLE"]]
                                  if "tpch.information_schema.tables WHERE lower" in sql else [])

    async def scenario():
        app = BrowserHost(loader)
        async with app.run_test(size=(80, 40)) as pilot:
            browser = app.query_one(CatalogBrowser)
            await settle(pilot, loader)
            child(browser.tree.root, "tpch").expand()
            await settle(pilot, loader)
            browser.action_focus_filter()
            await pilot.press("t", "i")
            await pilot.pause()
            assert browser.results.display and not browser.tree.display
            assert "▤ tpch.tiny" in labels(browser.results.root)  # loaded name, at once
            await pilot.press("backspace", "backspace", "l", "i", "n", "e")
            await settle(pilot, loader)
            got = labels(browser.results.root)
            assert "▦ tpch.sf1.lineitem" in got and "▦ tpch.tiny.lineitem" in got  # from the server search
            hit = next(c for c in browser.results.root.children if str(c.label) == "▦ tpch.tiny.lineitem")
            hit.expand()
            await settle(pilot, loader)
            assert labels(hit)[0] == "· orderkey  bigint"
            browser.query_one("#catalog-filter").value = ""
            await pilot.pause()
            assert browser.tree.display and not browser.results.display

    asyncio.run(scenario())


def test_node_sql_for_each_kind():
    from trino_tui.explore.metadata import MetaNode

    col = MetaNode("column", ("c", "s", "t", "select"), "bigint")
    assert node_sql("preview", col) == 'SELECT "select" FROM c.s.t LIMIT 100'
    assert node_sql("show_create", MetaNode("view", ("c", "s", "v"))) == "SHOW CREATE VIEW c.s.v"
    assert node_sql("show_create", MetaNode("schema", ("c", "s"))) == "SHOW CREATE SCHEMA c.s"
    assert node_sql("describe", MetaNode("catalog", ("c",))) is None


def test_a_big_level_is_added_in_chunks_and_capped(runner):
    from trino_tui.tui.widgets import catalog_tree

    runner.responses["SHOW SCHEMAS FROM tpch"] = [[f"s{i:04d}"] for i in range(catalog_tree.MAX_CHILDREN + 5)]
    loader = CatalogLoader(runner)

    async def scenario():
        app = BrowserHost(loader)
        async with app.run_test(size=(80, 40)) as pilot:
            tree = app.query_one(CatalogBrowser).tree
            await settle(pilot, loader)
            tpch = child(tree.root, "tpch")
            tpch.expand()
            await settle(pilot, loader)
            browser = app.query_one(CatalogBrowser)
            browser._show_level(tpch, loader.level(("tpch",)))  # synchronously: only the first chunk
            assert len(tpch.children) == catalog_tree.CHUNK
            for _ in range(40):
                await pilot.pause()
                if len(tpch.children) == catalog_tree.MAX_CHILDREN + 1:
                    break
            assert len(tpch.children) == catalog_tree.MAX_CHILDREN + 1
            assert str(tpch.children[-1].label) == "… 5 more: type in the filter"

    try:
        asyncio.run(scenario())
    finally:
        loader.close()
