"""CompletionEngine: contexts (relations, dotted names, columns, aliases), ranking, case, quoting,
and never blocking on metadata that is still loading."""

from __future__ import annotations

import pytest

from trino_tui.explore.catalog import CatalogLoader
from trino_tui.explore.completion import CompletionEngine
from trino_tui.explore.functions import FunctionCatalog
from trino_tui.explore.keywords import FALLBACK_FUNCTIONS
from trino_tui.explore.ranking import match_score
from trino_tui.explore.sqlscan import cursor_context, references, tokens
from trino_tui.explore.tasks import TaskPool

from .fakes import FakeRunner, tpch_runner


@pytest.fixture
def engine():
    runner = tpch_runner()
    runner.responses["SHOW FUNCTIONS"] = [["count", "bigint", "", "aggregate", True, ""],
                                          ["count", "bigint", "T", "aggregate", True, ""],
                                          ["lower", "varchar", "varchar", "scalar", True, ""]]
    pool = TaskPool(2)
    loader = CatalogLoader(runner, pool=pool)
    functions = FunctionCatalog(runner, pool)
    eng = CompletionEngine(loader, functions, defaults=lambda: ("tpch", "tiny"))
    yield eng
    loader.close()


def settle(engine, text, offset=None):
    """Ask until nothing is pending (each ask requests what is missing, loaded in the background)."""
    offset = len(text) if offset is None else offset
    for _ in range(6):
        res = engine.complete(text, offset)
        if not res.pending:
            return res
        assert engine.loader.wait_idle()
    raise AssertionError("completion stayed pending")


def labels(res):
    return [c.label for c in res.items]


def test_first_answer_comes_from_the_cache_and_requests_the_rest(engine):
    res = engine.complete("SELECT * FROM tpch.tiny.linei", 29)
    assert res.pending and res.items == ()  # nothing cached yet, nothing waited for
    res = settle(engine, "SELECT * FROM tpch.tiny.linei")
    assert labels(res) == ["lineitem"]
    assert res.items[0].kind == "table" and res.start == len("SELECT * FROM tpch.tiny.") and res.prefix == "linei"


def test_relation_context_offers_catalogs_schemas_and_default_tables(engine):
    res = settle(engine, "SELECT * FROM ")
    got = labels(res)
    assert {"tpch", "memory", "system", "lineitem", "orders", "sf1", "tiny"} <= set(got)
    assert got.index("lineitem") < got.index("tiny") < got.index("tpch")  # tables, schemas, catalogs
    assert labels(settle(engine, "SELECT * FROM tpch.")) == ["information_schema", "sf1", "tiny"]
    assert labels(settle(engine, "SELECT * FROM tiny.ord")) == ["orders"]  # schema of the default catalog
    assert labels(settle(engine, "SELECT * FROM a JOIN tpch.tiny.cus")) == ["customer"]
    assert "nation" in labels(settle(engine, "SELECT * FROM orders, na"))
    assert labels(settle(engine, "INSERT INTO tpch.tiny.ord")) == ["orders"]


def test_columns_of_referenced_tables_after_where(engine):
    res = settle(engine, "SELECT * FROM tpch.tiny.lineitem WHERE ")
    cols = [c for c in res.items if c.kind == "column"]
    assert [c.label for c in cols] == ["orderkey", "partkey", "quantity", "shipdate"]
    assert res.items[0].kind == "column" and cols[0].detail.startswith("bigint")
    res = settle(engine, "SELECT * FROM tpch.tiny.lineitem WHERE ship")
    assert labels(res)[0] == "shipdate"


def test_columns_through_aliases_and_table_names(engine):
    sql = "SELECT l.  FROM tpch.tiny.lineitem AS l JOIN orders o ON o.orderkey = l.orderkey"
    assert labels(settle(engine, sql, len("SELECT l."))) == ["orderkey", "partkey", "quantity", "shipdate"]
    sql2 = "SELECT o.tot FROM tpch.tiny.lineitem l JOIN orders o ON true"
    assert labels(settle(engine, sql2, len("SELECT o.tot"))) == ["totalprice"]
    sql3 = "SELECT lineitem.qu FROM lineitem"
    assert labels(settle(engine, sql3, len("SELECT lineitem.qu"))) == ["quantity"]
    res = settle(engine, "SELECT  FROM lineitem l", len("SELECT "))
    assert any(c.kind == "alias" and c.label == "l" for c in res.items)


def test_keywords_follow_the_typed_case_and_functions_come_from_the_server(engine):
    res = settle(engine, "sel")
    assert res.items[0].text == "select" and res.items[0].kind == "keyword"
    assert settle(engine, "SEL").items[0].text == "SELECT"
    res = settle(engine, "SELECT cou")
    fn = [c for c in res.items if c.kind == "function"]
    assert [c.text for c in fn] == ["count"] and fn[0].detail == "bigint"
    assert engine.functions.loaded


def test_function_catalog_falls_back_when_show_functions_fails():
    runner = FakeRunner({"SHOW FUNCTIONS": RuntimeError("not supported")})
    pool = TaskPool(1)
    try:
        fc = FunctionCatalog(runner, pool)
        assert fc.names() == FALLBACK_FUNCTIONS
        pool.wait_idle(5)
        assert fc.loaded and fc.names() == FALLBACK_FUNCTIONS and fc.error == "not supported"
        assert runner.calls == ["SHOW FUNCTIONS"]  # loaded once, not on every keystroke
    finally:
        pool.close()


def test_names_needing_quotes_are_quoted_and_quoted_prefixes_complete(engine):
    res = settle(engine, "SELECT * FROM memory.default.Mix")
    assert [c.text for c in res.items] == ['"Mixed Case"']
    res = settle(engine, 'SELECT * FROM memory.default."Mix')
    assert [c.text for c in res.items] == ['"Mixed Case"'] and res.start == len("SELECT * FROM memory.default.")
    res = settle(engine, 'SELECT "Mixed Case".I FROM memory.default."Mixed Case"', len('SELECT "Mixed Case".I'))
    assert [c.text for c in res.items] == ['"Id"']


def test_fuzzy_after_prefix_and_nothing_inside_strings_or_comments(engine):
    res = settle(engine, "SELECT * FROM tpch.tiny.lneitm")
    assert labels(res) == ["lineitem"]
    res = settle(engine, "SELECT * FROM tpch.tiny.o")
    assert labels(res)[0] == "orders"  # prefix beats the fuzzy hits (c-o-lumn...)
    assert engine.complete("SELECT 'FROM tp", 15).items == ()
    assert engine.complete("SELECT 1 -- FROM tp", 19).items == ()
    assert engine.complete("SELECT 12", 9).items == ()


def test_statement_under_the_cursor_only(engine):
    text = "SELECT * FROM tpch.tiny.orders; SELECT  FROM tpch.tiny.lineitem"
    res = settle(engine, text, text.index("SELECT  FROM") + 7)
    cols = {c.label for c in res.items if c.kind == "column"}
    assert cols == {"orderkey", "partkey", "quantity", "shipdate"}


def test_ranking_and_scanner_units():
    assert match_score("li", "lineitem") < match_score("li", "solid")
    assert match_score("xz", "lineitem") is None
    assert match_score("lim", "lineitem") < match_score("lim", "l_i_m")  # fewer gaps first
    assert [t.kind for t in tokens("a.\"B\" 'x' 1 --c\n;")] == ["word", "punct", "qident", "string", "number", "punct"]
    ctx = cursor_context('SELECT * FROM a."b c".d', 23)
    assert ctx.parts == ("a", "b c") and ctx.prefix == "d" and ctx.relation
    refs = references(tokens("SELECT * FROM x.y AS p, z LEFT JOIN w q ON true WHERE 1 LIMIT 3"))
    assert [(r.parts, r.alias) for r in refs] == [(("x", "y"), "p"), (("z",), None), (("w",), "q")]
    refs = references(tokens("SELECT * FROM t LIMIT 3"))
    assert [(r.parts, r.alias) for r in refs] == [(("t",), None)]
