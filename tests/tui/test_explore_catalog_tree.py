"""Pilot tests of the catalog browser: lazy expand tpch → tiny → lineitem with columns and types,
actions on nodes, spinner and error nodes (retry), a slow catalog not blocking others, filter."""

from __future__ import annotations

import asyncio

import pytest

from trino_tui.explore.catalog import CatalogLoader
from trino_tui.tui.widgets.catalog_tree import node_sql

from ..explore.fakes import tpch_runner
from .explore_host import browsing, child, expand_path, labels


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


def test_expand_to_columns_and_insert_a_name(loader, runner):
    async def scenario():
        async with browsing(loader) as (app, pilot, browser):
            tree = browser.tree
            await settle(pilot, loader)
            assert labels(tree.root) == ["▣ memory", "▣ system", "▣ tpch"]
            assert runner.calls == ["SHOW CATALOGS"]  # nothing below the catalogs yet
            tpch = child(tree.root, "tpch")
            tpch.expand()
            await pilot.pause()
            assert labels(tpch) == ["⠿ loading…"] or labels(tpch)[0].startswith("▤")
            await settle(pilot, loader)
            line = await expand_path(tpch, ("tiny", "lineitem"), lambda _node: settle(pilot, loader))
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


def test_arrow_keys_open_and_close_levels_like_a_file_tree(loader, runner):
    async def scenario():
        async with browsing(loader) as (app, pilot, browser):
            tree = browser.tree
            await settle(pilot, loader)
            tree.focus()
            tpch = child(tree.root, "tpch")
            tree.move_cursor(tpch)
            await pilot.press("right")  # a closed node opens and its level loads
            await settle(pilot, loader)
            assert tpch.is_expanded and labels(tpch)[0].startswith("▤")
            await pilot.press("right")  # on an open node: to its first child
            assert tree.cursor_node is tpch.children[0]
            await pilot.press("left")   # a closed child: back to the parent
            assert tree.cursor_node is tpch
            await pilot.press("left")   # an open node closes
            assert not tpch.is_expanded and tree.cursor_node is tpch

    asyncio.run(scenario())


def test_error_node_and_retry_and_a_slow_catalog(loader, runner):
    runner.responses["SHOW SCHEMAS FROM system"] = RuntimeError("Access Denied: system")
    gate = runner.gate("SHOW SCHEMAS FROM memory")

    async def scenario():
        async with browsing(loader) as (app, pilot, browser):
            tree = browser.tree
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
        async with browsing(loader) as (app, pilot, browser):
            await settle(pilot, loader)
            child(browser.tree.root, "tpch").expand()
            await settle(pilot, loader)
            browser.action_focus_filter()
            await pilot.press("t", "i")
            await settle(pilot, loader)
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


def test_refresh_keeps_the_names_shown_until_different_ones_arrive(loader, runner):
    runner.responses["SHOW SCHEMAS FROM tpch"] = [["sf1"], ["tiny"]]

    async def scenario():
        async with browsing(loader) as (app, pilot, browser):
            tree = browser.tree
            await settle(pilot, loader)
            tpch = await expand_path(tree.root, ("tpch",), lambda _node: settle(pilot, loader))
            tiny = await expand_path(tpch, ("tiny",), lambda _node: settle(pilot, loader))
            before, tables = list(tpch.children), list(tiny.children)
            tree.focus()
            tree.move_cursor(tpch)
            await pilot.press("r")
            assert list(tpch.children) == before  # no spinner in their place while reloading
            await settle(pilot, loader)
            assert list(tpch.children) == before  # the same names came back: nothing rebuilt
            assert tiny.is_expanded and list(tiny.children) == tables  # the open schema asked again, unchanged
            assert sum("table_schema = 'tiny'" in c for c in runner.calls) == 2
            runner.responses["SHOW SCHEMAS FROM tpch"] = [["sf1"], ["sf100"], ["tiny"]]
            await pilot.press("r")
            await settle(pilot, loader)
            assert labels(tpch) == ["▤ sf1", "▤ sf100", "▤ tiny"]
            assert runner.calls.count("SHOW SCHEMAS FROM tpch") == 3

    asyncio.run(scenario())


def test_catalog_tree_lines_read_as_the_stock_tree_draws_them(loader):
    from textual.widgets import Tree

    async def scenario():
        async with browsing(loader) as (app, pilot, browser):
            tree = browser.tree
            await settle(pilot, loader)
            await expand_path(tree.root, ("tpch", "tiny", "lineitem"), lambda _node: settle(pilot, loader))
            tree.focus()
            tree.cursor_line = 3
            await pilot.pause()
            style = tree.rich_style
            width = tree.size.width
            for y in range(len(tree._tree_lines)):
                ours = tree._render_line(y, 0, width, style)
                tree._clear_line_cache()
                stock = Tree._render_line(tree, y, 0, width, style)
                assert ours.text == stock.text, y
                cells = lambda strip: [(ch, seg.style) for seg in strip for ch in seg.text]  # noqa: E731
                assert cells(ours) == cells(stock), y  # the same colours and mouse targets (line, node, toggle)
            assert "└─" in tree._render_line(len(tree._tree_lines) - 1, 0, width, style).text
            assert any("bigint" in tree._render_line(y, 0, width, style).text for y in range(len(tree._tree_lines)))

    asyncio.run(scenario())


def test_node_sql_for_each_kind():
    from trino_tui.explore.metadata import MetaNode

    col = MetaNode("column", ("c", "s", "t", "select"), "bigint")
    assert node_sql("preview", col) == 'SELECT "select" FROM c.s.t LIMIT 100'
    assert node_sql("show_create", MetaNode("view", ("c", "s", "v"))) == "SHOW CREATE VIEW c.s.v"
    assert node_sql("show_create", MetaNode("schema", ("c", "s"))) == "SHOW CREATE SCHEMA c.s"
    assert node_sql("describe", MetaNode("catalog", ("c",))) is None


def test_a_10000_schema_level_adds_one_page_and_the_filter_scans_off_the_ui_thread(runner):
    import threading

    from trino_tui.tui.widgets.catalog_tree import PAGE

    runner.responses["SHOW SCHEMAS FROM tpch"] = [[f"s{i:05d}"] for i in range(10_000)]
    loader = CatalogLoader(runner)
    scans: list[threading.Thread] = []
    scan = loader.loaded_matches
    loader.loaded_matches = lambda *a: (scans.append(threading.current_thread()), scan(*a))[1]  # type: ignore

    async def scenario():
        async with browsing(loader) as (app, pilot, browser):
            tree = browser.tree
            await settle(pilot, loader)
            added: list[object] = []
            add_node = tree._add_node
            tree._add_node = lambda *a, **k: (added.append(a), add_node(*a, **k))[1]  # type: ignore
            tpch = child(tree.root, "tpch")
            tpch.expand()
            await settle(pilot, loader)
            assert len(added) <= PAGE + 2  # the spinner, one page and the "more" node: never the whole level
            assert len(tpch.children) == PAGE + 1 and labels(tpch)[:2] == ["▤ s00000", "▤ s00001"]
            assert labels(tpch)[-1] == "… 9,900 more (enter: next 100)"
            assert not tree.show_horizontal_scrollbar  # the hint fits the sidebar: no scrollbar (a relayout) for it
            tree.focus()
            tree.move_cursor(tpch.children[-1])
            await pilot.press("enter")  # the "more" node gives way to the next page
            assert len(tpch.children) == 2 * PAGE + 1 and labels(tpch)[PAGE] == "▤ s00100"
            assert labels(tpch)[-1] == "… 9,800 more (enter: next 100)"
            browser.action_focus_filter()
            await pilot.press(*"s0999")
            await settle(pilot, loader)
            got = labels(browser.results.root)
            assert got[:2] == ["▤ tpch.s09990", "▤ tpch.s09991"] and browser.shown_filter == "s0999"
            assert scans and threading.main_thread() not in scans  # matched on the loader's match thread

    try:
        asyncio.run(scenario())
    finally:
        loader.close()
