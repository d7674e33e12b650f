"""The loader's statements against the real sandbox, through ClientRunner and the client API:
catalogs -> schemas -> tables -> columns, server-side search, and a failing level."""

from __future__ import annotations

import pytest

from trino_tui.explore.catalog import CatalogLoader
from trino_tui.explore.runner import ClientRunner


@pytest.fixture
def loader(sandbox):
    from trino_tui.client import ClientConfig, TrinoClient

    config = ClientConfig(server=sandbox.url, user="explore-test")
    runner = ClientRunner(lambda: TrinoClient(config))
    ld = CatalogLoader(runner, key=sandbox.url)
    yield ld
    ld.close()
    runner.close()


def load(ld, path):
    ld.request(path)
    assert ld.wait_idle(30)
    lvl = ld.level(path)
    assert lvl.state == "loaded", lvl.error
    return lvl.children


def test_tpch_tiny_lineitem_columns(loader):
    assert "tpch" in [n.name for n in load(loader, ())]
    assert "tiny" in [n.name for n in load(loader, ("tpch",))]
    tables = load(loader, ("tpch", "tiny"))
    assert "lineitem" in [n.name for n in tables] and all(n.kind == "table" for n in tables)
    cols = load(loader, ("tpch", "tiny", "lineitem"))
    assert ("orderkey", "bigint") in [(c.name, c.detail) for c in cols]
    assert len(cols) == 16


def test_server_search_finds_tables_of_unloaded_schemas(loader):
    load(loader, ())
    loader.search("lineit", catalogs=["tpch"])
    assert loader.wait_idle(30)
    _, results = loader.search_results()
    assert results[0].state == "loaded", results[0].error
    assert ("tpch", "tiny", "lineitem") in [h.path for h in results[0].children]


def test_a_missing_catalog_is_an_error_level(loader):
    loader.request(("nope",))
    assert loader.wait_idle(30)
    lvl = loader.level(("nope",))
    assert lvl.state == "error" and "nope" in lvl.error and "\n" not in lvl.error


def test_client_runner_reuses_one_client_per_thread_and_closes_them(sandbox):
    from trino_tui.client import ClientConfig, TrinoClient

    made = []

    def factory():
        made.append(TrinoClient(ClientConfig(server=sandbox.url, user="explore-test")))
        return made[-1]

    runner = ClientRunner(factory)
    assert runner("SELECT 1") == [[1]]
    assert runner("SELECT 2") == [[2]]
    assert len(made) == 1  # the same thread reuses its client
    with pytest.raises(Exception, match="SYNTAX_ERROR|mismatched"):
        runner("SELEC 1")
    assert runner("SELECT 3") == [[3]]  # a failed statement leaves the client usable
    runner.close()
    from trino_tui.explore.runner import MetadataError

    with pytest.raises(MetadataError):
        import threading

        err = []
        t = threading.Thread(target=lambda: err.append(_call(runner)))
        t.start()
        t.join(10)
        raise err[0]


def _call(runner):
    try:
        runner("SELECT 4")
    except Exception as exc:  # noqa: BLE001
        return exc
    return AssertionError("a closed runner ran a statement")
