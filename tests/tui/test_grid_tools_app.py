"""Grid tools through the app (Pilot, fake client): sort/filter in place with the title saying so,
clear restores the original, pushdown offered for partial results re-runs the wrapped statement,
quick search with n/N, row numbers, frozen columns and resizing."""

from __future__ import annotations

import asyncio

from trino_tui.tui.grid_ops import LOCAL_LIMIT
from trino_tui.tui.widgets.grid import ResultGrid
from trino_tui.tui.screens.prompt import ChoicePrompt, TextPrompt

from tests.core.fakes import FakeBatch
from tests.tui.conftest import FakeClient, FakeQuery, make_columns
from tests.tui.test_app_pilot import make_app, wait_until
from tests.tui.test_app_sandbox import run_to_grid

COLS = make_columns(("n", "bigint"), ("label", "varchar"), ("note", "varchar"))
SQL = "select n, label, note from t"


def _rows(total: int) -> list[list]:
    return [[(i * 7) % total, f"row {i}", None if i % 3 == 0 else ("NULL" if i % 3 == 1 else "x")]
            for i in range(total)]


def _client(total: int = 50, gate_at=None):
    rows = _rows(total)
    batches = [FakeBatch(s, rows[s:s + 20]) for s in range(0, total, 20)]
    return FakeClient(lambda sql: FakeQuery(COLS, batches, gate_at=gate_at if sql.startswith("select") else None))


def _texts(grid: ResultGrid, y: int) -> str:
    return grid.render_line(y).text




def in_app(scenario, *, client=None, size=(120, 30)) -> None:
    """Run ``scenario(app, pilot, grid, client)`` once SQL has finished in the app (grid focused)."""
    client = client or _client()

    async def run() -> None:
        app = make_app(client, sql=SQL)
        async with app.run_test(size=size) as pilot:
            await scenario(app, pilot, await run_to_grid(pilot), client)

    asyncio.run(run())


def test_sort_filter_in_place_and_clear():
    async def scenario(app, pilot, grid, client):
        original = app.store
        await pilot.press("s")
        await wait_until(pilot, lambda: app.store is not original and not app._tools.busy, what="sorted")
        assert app.store.rows(0, 3) == [[0, "row 0", None], [1, "row 43", "NULL"], [2, "row 36", None]]
        assert "sorted by n ↑ (in place, of 50 held rows)" in str(grid.border_title)
        await pilot.press("s")  # again: descending
        await wait_until(pilot, lambda: "↓" in str(grid.border_title), what="descending")
        assert app.store.rows(0, 1)[0][0] == 49
        # filter the note column: is null vs the string 'NULL'
        grid.cursor = (0, 2)
        await pilot.press("f")
        assert isinstance(app.screen, TextPrompt)
        await pilot.press(*"null", "enter")
        await wait_until(pilot, lambda: "note is null" in str(grid.border_title), what="filtered")
        assert len(app.store) == 17 and all(r[2] is None for r in app.store.rows(0, 17))
        assert "17 rows" in str(grid.border_title)
        await pilot.press("x")
        await wait_until(pilot, lambda: app.store is original, what="restored")
        assert not grid.tool_note and len(app.store) == 50 and not original.closed
        grid.cursor = (0, 2)
        await pilot.press("f", *"= NULL", "enter")
        await wait_until(pilot, lambda: len(app.store) == 17 and app.store is not original)
        assert all(r[2] == "NULL" for r in app.store.rows(0, 17))
        assert client.executed == [SQL]  # nothing was re-run

    in_app(scenario)


def test_sorting_twice_on_a_column_keeps_the_cursor_there_and_descends():
    async def scenario(app, pilot, grid, client):
        grid.cursor = (7, 1)
        await pilot.press("s")
        await wait_until(pilot, lambda: "label ↑ (in place" in str(grid.border_title), what="ascending")
        assert grid.cursor == (0, 1)
        await pilot.press("s")
        await wait_until(pilot, lambda: "label ↓ (in place" in str(grid.border_title), what="descending")
        assert app.store.rows(0, 1)[0][1] == "row 9"
        await pilot.press("s")
        await wait_until(pilot, lambda: not grid.tool_note, what="unsorted")

    in_app(scenario)


def test_partial_result_offers_pushdown_to_trino():
    client = _client(gate_at=1)

    async def scenario():
        app = make_app(client, sql="select n, label, note from t;")
        async with app.run_test(size=(120, 30)) as pilot:
            await pilot.press("ctrl+j")
            assert client.wait_query().reached_gate.wait(10)
            await pilot.press("f3")  # stop: rows so far kept, the result is partial
            await wait_until(pilot, lambda: app.query_status == "stopped")
            grid = app.query_one(ResultGrid)
            grid.focus()
            grid.cursor = (0, 1)
            await pilot.press("s")
            await wait_until(pilot, lambda: isinstance(app.screen, ChoicePrompt), what="offer")
            await pilot.press("enter")  # "Run on Trino" has the focus
            await wait_until(pilot, lambda: len(client.executed) == 2 and app.query_status == "finished")
            assert client.executed[1] == ('SELECT * FROM (\nselect n, label, note from t\n) AS t ("n", "label", "note")'
                                          '\nORDER BY "label" ASC NULLS LAST')
            assert "sorted by label ↑ — on Trino (re-run)" in str(grid.border_title)
            # the next tool action wraps the original statement again, with both clauses
            grid.cursor = (0, 0)
            await pilot.press("f", *"> 3", "enter")
            assert "WHERE" not in client.executed[-1]
            await wait_until(pilot, lambda: not app._tools.busy and "n > 3" in str(grid.border_title))
            # finished and small now: in place, on the pushed result
            assert len(app.store) == 46 and len(client.executed) == 2
            # a statement typed by the user forgets the tools
            await pilot.press("ctrl+j")
            await wait_until(pilot, lambda: len(client.executed) == 3 and app.query_status == "finished")
            assert not grid.tool_note

    asyncio.run(scenario())


def test_large_result_offers_pushdown_or_held_rows(monkeypatch):
    import trino_tui.tui.grid_tool_actions as actions

    monkeypatch.setattr(actions, "LOCAL_LIMIT", 10)

    async def scenario(app, pilot, grid, client):
        await pilot.press("s")
        await wait_until(pilot, lambda: isinstance(app.screen, ChoicePrompt))
        assert "50 rows (in place up to 10)" in str(app.screen._text)
        await pilot.press("escape")
        assert len(client.executed) == 1 and not grid.tool_note

    in_app(scenario)
    assert LOCAL_LIMIT == 200_000


def test_quick_search_next_previous():
    async def scenario(app, pilot, grid, client):
        await pilot.press("slash")
        await pilot.press(*"ROW 4", "enter")
        await wait_until(pilot, lambda: grid.cursor == (4, 1), what="first match")
        await pilot.press("n")
        await wait_until(pilot, lambda: grid.cursor == (40, 1), what="next match")
        await pilot.press("N")
        await wait_until(pilot, lambda: grid.cursor == (4, 1), what="previous match")
        await pilot.press("N")  # wraps to the last match
        await wait_until(pilot, lambda: grid.cursor == (49, 1), what="wrapped")

    in_app(scenario)


def test_row_numbers_freeze_and_resize():
    async def scenario(app, pilot, grid, client):
        await pilot.press("number_sign")
        assert _texts(grid, 2).startswith("  1 ") and _texts(grid, 3).startswith("  2 ")
        await pilot.press("z")  # freeze the first column
        assert grid.frozen == 1
        for _ in range(2):
            await pilot.press("right")
        await pilot.pause()
        assert grid.scroll_x > 0
        line = _texts(grid, 2)
        assert line.startswith("  1       0 ")  # the row number and the frozen n stay put
        assert "row 0" not in line            # the label column scrolled away
        width = grid._layout.widths[2]
        await pilot.press("greater_than_sign")
        assert grid._layout.widths[2] == width + 4
        await pilot.press("less_than_sign", "less_than_sign")
        assert grid._layout.widths[2] == width - 4
        grid.sync()  # new rows never undo the user's width
        assert grid._layout.widths[2] == width - 4

    in_app(scenario, client=_client(total=120), size=(24, 20))


def test_null_and_string_null_look_different():
    async def scenario(app, pilot, grid, client):
        strip0, strip1 = grid.render_line(2), grid.render_line(3)  # row 0: NULL, row 1: 'NULL'
        null_seg = [s for s in strip0 if s.text.strip() == "NULL"][-1]
        text_seg = [s for s in strip1 if s.text.strip() == "NULL"][-1]
        assert null_seg.style != text_seg.style
        assert null_seg.style.italic and not text_seg.style.italic

    in_app(scenario)


def test_result_tabs_keep_their_original_rows_and_no_stale_note():
    async def scenario(app, pilot, grid, client):
        original = app.store
        await pilot.press("s")
        await wait_until(pilot, lambda: app.store is not original and bool(grid.tool_note), what="sorted")
        derived = app.store
        app.query_one("#editor").focus()
        await pilot.press("ctrl+j")  # a second statement: a new result tab
        await wait_until(pilot, lambda: len(client.executed) == 2 and app.query_status == "finished")
        assert derived.closed and not original.closed and not grid.tool_note
        app.action_next_result(-1)  # back to the first tab: its original rows, unsorted
        await pilot.pause()
        assert app.store is original and not grid.tool_note and len(original) == 50
        # a pushdown's note belongs to its own result only
        app._status = "stopped"
        grid.focus()
        await pilot.press("s")
        await wait_until(pilot, lambda: isinstance(app.screen, ChoicePrompt))
        await pilot.press("enter")
        await wait_until(pilot, lambda: len(client.executed) == 3 and app.query_status == "finished")
        assert client.executed[2].startswith("SELECT * FROM (\nselect n, label, note from t\n)")
        assert "on Trino" in str(grid.tool_note)
        app.action_next_result(-1)
        await pilot.pause()
        assert not grid.tool_note

    in_app(scenario)
