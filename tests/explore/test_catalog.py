"""CatalogLoader: lazy levels, cache, refresh, per-level errors/slowness, background search."""

from __future__ import annotations

import threading

import pytest

from trino_tui.explore.catalog import CatalogLoader, Change
from trino_tui.explore.metadata import MetaNode, level_sql, search_sql

from .fakes import FakeRunner, tpch_runner


@pytest.fixture
def loader():
    runner = tpch_runner()
    ld = CatalogLoader(runner, key="test")
    ld.runner_for_test = runner  # type: ignore[attr-defined]
    yield ld
    ld.close()


def test_levels_load_lazily_one_statement_each(loader):
    runner = loader.runner_for_test
    assert loader.level(()).state == "unloaded"
    assert runner.calls == []  # peeking never loads
    assert loader.request(()).state == "loading"
    assert loader.wait_idle()
    root = loader.level(())
    assert root.state == "loaded"
    assert [n.name for n in root.children] == ["memory", "system", "tpch"]
    assert runner.calls == ["SHOW CATALOGS"]  # no schema listed before it is asked for
    loader.request(("tpch",))
    loader.wait_idle()
    loader.request(("tpch", "tiny"))
    loader.wait_idle()
    loader.request(("tpch", "tiny", "lineitem"))
    loader.wait_idle()
    cols = loader.level(("tpch", "tiny", "lineitem")).children
    assert [(c.name, c.detail, c.kind) for c in cols][:2] == [("orderkey", "bigint", "column"),
                                                             ("partkey", "bigint", "column")]
    assert len(runner.calls) == 4


def test_cached_levels_are_not_reloaded_and_refresh_reloads_the_subtree(loader):
    runner = loader.runner_for_test
    for p in [(), ("tpch",), ("tpch", "tiny")]:
        loader.request(p)
        loader.wait_idle()
    loader.request(("tpch",))
    loader.wait_idle()
    assert runner.calls.count("SHOW SCHEMAS FROM tpch") == 1
    loader.refresh(("tpch",))
    loader.wait_idle()
    assert runner.calls.count("SHOW SCHEMAS FROM tpch") == 2
    assert loader.level(("tpch", "tiny")).state == "unloaded"  # below the refreshed path: forgotten
    assert loader.level(()).state == "loaded"  # above: kept


def test_a_failing_catalog_becomes_an_error_level_and_others_load():
    runner = tpch_runner()
    runner.responses["SHOW SCHEMAS FROM system"] = RuntimeError("Access Denied: Cannot show schemas\nmore")
    ld = CatalogLoader(runner)
    try:
        ld.request(("system",))
        ld.request(("tpch",))
        ld.wait_idle()
        err = ld.level(("system",))
        assert err.state == "error" and err.error == "Access Denied: Cannot show schemas more"
        assert ld.level(("tpch",)).state == "loaded"
    finally:
        ld.close()


def test_a_slow_catalog_does_not_block_another():
    runner = tpch_runner()
    gate = runner.gate("SHOW SCHEMAS FROM memory")
    ld = CatalogLoader(runner, workers=2)
    done = threading.Event()
    ld.add_listener(lambda ch: done.set() if ch.path == ("tpch",) else None)
    try:
        ld.request(("memory",))
        ld.request(("tpch",))
        assert done.wait(5)
        assert ld.level(("tpch",)).state == "loaded"
        assert ld.level(("memory",)).state == "loading"
    finally:
        gate.set()
        ld.close()


def test_listeners_hear_each_change_and_can_be_removed(loader):
    seen: list[Change] = []
    remove = loader.add_listener(seen.append)
    loader.request(())
    loader.wait_idle()
    remove()
    loader.request(("tpch",))
    loader.wait_idle()
    assert seen == [Change(())]


def test_stale_load_after_refresh_is_dropped():
    runner = tpch_runner()
    gate = runner.gate("SHOW CATALOGS")
    ld = CatalogLoader(runner, workers=2)
    try:
        ld.request(())
        runner.responses["SHOW CATALOGS"] = [["fresh"]]
        del runner.gates["SHOW CATALOGS"]
        fresh = threading.Event()
        ld.add_listener(lambda ch: fresh.set())
        ld.refresh(())
        assert fresh.wait(5)
        assert [n.name for n in ld.level(()).children] == ["fresh"]
        runner.responses["SHOW CATALOGS"] = [["stale"]]
        gate.set()  # the first (superseded) load answers now; it must not win
        ld.wait_idle()
        assert [n.name for n in ld.level(()).children] == ["fresh"]
    finally:
        gate.set()
        ld.close()


def test_tables_fall_back_to_show_tables_and_views_are_marked():
    runner = FakeRunner({"SHOW TABLES FROM tpch.tiny": [["nation"]]})
    ld = CatalogLoader(runner)
    try:
        ld.request(("tpch", "tiny"))
        ld.wait_idle()
        assert [n.name for n in ld.level(("tpch", "tiny")).children] == ["nation"]
    finally:
        ld.close()
    ld = CatalogLoader(tpch_runner())
    try:
        ld.request(("memory", "default"))
        ld.wait_idle()
        kinds = {n.name: n.kind for n in ld.level(("memory", "default")).children}
        assert kinds == {"Mixed Case": "table", "v_all": "view"}
        assert ld.find(("memory", "default", "Mixed Case")).qualified == 'memory.default."Mixed Case"'
    finally:
        ld.close()


def test_loaded_matches_and_server_search():
    runner = tpch_runner()
    runner.handler = lambda sql: [["tiny", "lineitem", "BASE TABLE"]] if "tpch.information_schema" in sql else []
    ld = CatalogLoader(runner)
    try:
        for p in [(), ("tpch",)]:
            ld.request(p)
            ld.wait_idle()
        assert [n.path for n in ld.loaded_matches("TIN")] == [("tpch", "tiny")]
        got: list[Change] = []
        ld.add_listener(got.append)
        ld.match("stem")  # on the match thread, announced as a change
        ld.wait_idle()
        assert ld.matches() == ("stem", (MetaNode("catalog", ("system",)),)) and Change((), "matches") in got
        ld.search("line_")
        ld.wait_idle()
        text, results = ld.search_results()
        assert text == "line_" and [r.path for r in results] == [("memory",), ("system",), ("tpch",)]
        tpch = results[-1]
        assert tpch.state == "loaded" and [h.path for h in tpch.children] == [("tpch", "tiny", "lineitem")]
        assert Change(("tpch",), "search") in got
        assert search_sql("tpch", "line_") in runner.calls
        assert r"'%line\_%' ESCAPE '\'" in search_sql("tpch", "line_")
        ld.search("")
        assert ld.search_results() == ("", [])
    finally:
        ld.close()


def test_level_sql_quotes_names():
    assert level_sql(("my cat",)) == 'SHOW SCHEMAS FROM "my cat"'
    assert level_sql(("c", "s", "select")) == 'SHOW COLUMNS FROM c.s."select"'
    assert "table_schema = 'it''s'" in level_sql(("c", "it's"))
