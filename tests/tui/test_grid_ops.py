"""grid_ops: filters parse and mean the same in place and on Trino, sorting is typed with NULLs
last, the pushdown SQL, quick search with wrap-around; ToolWorker replaces and cancels jobs."""

from __future__ import annotations

import threading

import pytest

from trino_tui.tui.grid_ops import (
    FilterSpec, SortSpec, ViewSpec, apply_local, derived_names, parse_filter, pushdown_sql, search_rows,
)
from trino_tui.tui.tool_worker import ToolWorker

from tests.tui.conftest import make_columns

COLS = make_columns(("n", "bigint"), ("price", "decimal(10,2)"), ("name", "varchar"), ("ok", "boolean"))
ROWS = [
    [3, "10.50", "Bob", True],
    [1, "9.99", "alice", False],
    [None, "100.00", "NULL", None],
    [2, None, None, True],
    [10, "2.00", "carol", False],
]


def test_parse_filter_forms():
    assert parse_filter("abc", 2, "name") == FilterSpec(2, "name", "contains", "abc")
    assert parse_filter(">= 5", 0, "n") == FilterSpec(0, "n", ">=", "5")
    assert parse_filter("<>x", 2, "name").op == "!="
    assert parse_filter("null", 0, "n").op == "is null"
    assert parse_filter("!null", 0, "n").op == "is not null"
    with pytest.raises(ValueError):
        parse_filter("  ", 0, "n")
    with pytest.raises(ValueError):
        parse_filter(">", 0, "n")


def test_sort_is_typed_and_nulls_last_both_ways():
    asc = apply_local(ROWS, COLS, ViewSpec(sort=SortSpec(0, "n")))
    assert [r[0] for r in asc] == [1, 2, 3, 10, None]  # numeric, not text order ("10" < "2")
    desc = apply_local(ROWS, COLS, ViewSpec(sort=SortSpec(1, "price", True)))
    assert [r[1] for r in desc] == ["100.00", "10.50", "9.99", "2.00", None]  # decimals as numbers
    by_name = apply_local(ROWS, COLS, ViewSpec(sort=SortSpec(2, "name")))
    assert [r[2] for r in by_name] == ["Bob", "NULL", "alice", "carol", None]


def test_null_is_not_the_string_null():
    is_null = apply_local(ROWS, COLS, ViewSpec((FilterSpec(2, "name", "is null"),)))
    assert [r[0] for r in is_null] == [2]
    text = apply_local(ROWS, COLS, ViewSpec((FilterSpec(2, "name", "=", "NULL"),)))
    assert [r[0] for r in text] == [None]
    contains = apply_local(ROWS, COLS, ViewSpec((FilterSpec(2, "name", "contains", "nul"),)))
    assert [r[2] for r in contains] == ["NULL"]  # a NULL never "contains" text


def test_comparisons_and_combined_filters():
    spec = ViewSpec((parse_filter("> 2", 0, "n"), parse_filter("!= false", 3, "ok")), SortSpec(0, "n"))
    assert apply_local(ROWS, COLS, spec) == [[3, "10.50", "Bob", True]]
    assert [r[0] for r in apply_local(ROWS, COLS, ViewSpec((parse_filter("<= 10.5", 1, "price"),)))] == [3, 1, 10]
    assert [r[2] for r in apply_local(ROWS, COLS, ViewSpec((parse_filter("BO", 2, "name"),)))] == ["Bob"]
    with pytest.raises(ValueError):
        apply_local(ROWS, COLS, ViewSpec((parse_filter("> abc", 0, "n"),)))


def test_cancelled_apply_returns_none():
    assert apply_local(ROWS, COLS, ViewSpec(sort=SortSpec(0, "n")), cancelled=lambda: True) is None


def test_pushdown_sql_wraps_the_statement():
    spec = ViewSpec((parse_filter("o'k", 2, "name"), parse_filter(">= 3", 0, "n"), FilterSpec(1, "price", "is null")),
                    SortSpec(1, "price", True))
    sql = pushdown_sql("select * from t;", COLS, spec)
    assert sql == (
        'SELECT * FROM (\nselect * from t\n) AS t ("n", "price", "name", "ok")\n'
        "WHERE strpos(lower(CAST(\"name\" AS varchar)), 'o''k') > 0 AND \"n\" >= 3 AND \"price\" IS NULL\n"
        'ORDER BY "price" DESC NULLS LAST')
    with pytest.raises(ValueError):
        pushdown_sql("select 1", COLS, ViewSpec((FilterSpec(0, "n", "=", "1; drop table x"),)))
    dup = make_columns(("x", "bigint"), ("x", "bigint"), ("", "bigint"))
    assert derived_names(dup) == ["x", "x_2", "_col2"]


def test_search_forward_backward_and_wraps():
    rows = [[i, f"name {i}"] for i in range(10_000)]
    cols = make_columns(("n", "bigint"), ("s", "varchar"))

    def read(a, b):
        return rows[a:b]

    assert search_rows(read, len(rows), cols, "name 7", (0, 0), True) == (7, 1)
    assert search_rows(read, len(rows), cols, "name 7", (7, 1), True) == (70, 1)
    assert search_rows(read, len(rows), cols, "NAME 9999", (5000, 0), True, block=100) == (9999, 1)
    assert search_rows(read, len(rows), cols, "name 3", (2, 0), False, block=100) == (3999, 1)  # wraps to the end
    assert search_rows(read, len(rows), cols, "42", (0, 0), True) == (42, 0)
    assert search_rows(read, len(rows), cols, "zzz", (0, 0), True) is None
    only = [[1, "x"], [2, "needle"]]
    assert search_rows(lambda a, b: only[a:b], 2, cols, "needle", (1, 1), True) == (1, 1)  # wraps onto itself


def test_tool_worker_replaces_and_cancels():
    got: list = []
    done = threading.Event()
    release = threading.Event()
    worker = ToolWorker(lambda key, token, result, error: (got.append((key, result, error)), done.set()))
    worker.start()
    try:
        def slow(cancelled):
            release.wait(5)
            return "stale" if not cancelled() else None

        worker.submit("view", slow)
        worker.submit("view", lambda cancelled: "newest")  # replaces: the slow one is told to stop
        release.set()
        assert done.wait(5) and worker.wait_idle(5)
        assert got == [("view", "newest", None)]
        worker.submit("x", lambda cancelled: 1 / 0)
        assert worker.wait_idle(5)
        assert got[-1] == ("x", None, "division by zero")
    finally:
        assert worker.close(2)
