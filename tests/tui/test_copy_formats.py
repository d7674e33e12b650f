"""Copy a selection as CSV, TSV, Markdown, JSON (the export writers' bytes) or SQL INSERTs (typed
literals, NULL, quotes, nested values), and through the app's "y" prompt."""

from __future__ import annotations

import asyncio
import io

import pytest

from trino_tui.export import create_writer
from trino_tui.tui.clipboard import MemoryClipboard
from trino_tui.tui.copy_formats import copy_as, sql_literal
from trino_tui.tui.screens.prompt import ChoicePrompt
from trino_tui.tui.widgets.grid import ResultGrid

from tests.core.fakes import FakeBatch
from tests.tui.conftest import FakeClient, FakeQuery, make_columns
from tests.tui.test_app_pilot import make_app, wait_until

COLS = make_columns(("n", "bigint"), ("s", "varchar"), ("d", "date"), ("a", "array(integer)"), ("x", "double"))
ROWS = [[1, "it's", "2020-01-02", [1, 2], 1.5], [None, "NULL", None, None, "NaN"]]


def test_writer_formats_are_the_export_bytes():
    for fmt, writer in (("csv", "CSV_HEADER"), ("tsv", "TSV_HEADER"), ("markdown", "MARKDOWN"), ("json", "JSON_ARRAY")):
        out = io.BytesIO()
        w = create_writer(writer, out, COLS)
        w.write_rows([list(r) for r in ROWS])
        w.close()
        assert copy_as(fmt, COLS, ROWS) == out.getvalue().decode().rstrip("\n")
    assert copy_as("csv", COLS, ROWS).splitlines()[0] == '"n","s","d","a","x"'
    assert '"s":"NULL"' in copy_as("json", COLS, ROWS) and '"n":null' in copy_as("json", COLS, ROWS)
    with pytest.raises(ValueError):
        copy_as("xml", COLS, ROWS)


def test_sql_inserts():
    assert copy_as("sql", COLS, ROWS) == (
        'INSERT INTO result ("n", "s", "d", "a", "x") VALUES\n'
        "(1, 'it''s', DATE '2020-01-02', CAST(JSON '[1, 2]' AS array(integer)), 1.5),\n"
        "(NULL, 'NULL', NULL, NULL, nan());")
    t = make_columns(("b", "boolean"), ("v", "varbinary"), ("ts", "timestamp(3) with time zone"),
                     ("dec", "decimal(10,2)"))
    assert [sql_literal(v, c.type) for v, c in zip([True, "AAE=", "2020-01-01 00:00:00.000 UTC", "12.30"], t)] == [
        "TRUE", "X'0001'", "TIMESTAMP '2020-01-01 00:00:00.000 UTC'", "12.30"]


def test_copy_as_through_the_app():
    client = FakeClient(lambda sql: FakeQuery(COLS, [FakeBatch(0, ROWS)]))
    clip = MemoryClipboard()

    async def scenario():
        app = make_app(client, sql="select * from t", clipboard=clip)
        async with app.run_test(size=(120, 30)) as pilot:
            await pilot.press("ctrl+j")
            await wait_until(pilot, lambda: app.query_status == "finished")
            app.query_one(ResultGrid).focus()
            await pilot.press("shift+down", "shift+right", "y")
            assert isinstance(app.screen, ChoicePrompt)
            await pilot.click("#choice-sql")
            await wait_until(pilot, lambda: bool(clip.items), what="copied")
            assert clip.items[-1] == ('INSERT INTO result ("n", "s") VALUES\n(1, \'it\'\'s\'),\n(NULL, \'NULL\');')
            await pilot.press("y")
            await pilot.click("#choice-markdown")
            await wait_until(pilot, lambda: len(clip.items) == 2)
            assert clip.items[-1].splitlines()[0].startswith("|")

    asyncio.run(scenario())


def test_help_lists_the_grid_tool_keys():
    from textual.binding import Binding

    from trino_tui.tui.app import TrinoTuiApp
    from trino_tui.tui.screens.help import help_markdown

    text = help_markdown(b for b in TrinoTuiApp.BINDINGS if isinstance(b, Binding))
    for needle in ("| ctrl+g | Query details |", "| ctrl+l | Plan |", "re-run on Trino", "n / N",
                   "SQL INSERTs", "freeze the columns"):
        assert needle in text
