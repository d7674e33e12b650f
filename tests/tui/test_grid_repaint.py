"""The result grid repaints only what changed: a cursor move on screen redraws two body lines and
the subtitle's border line, a streaming title update only the top border line (a full grid frame is
what made keypresses wait while a result streamed)."""

from __future__ import annotations

from tests.test_rowstore import Batch, make_rows
from tests.tui.test_grid import GridApp, data_line, pilot_test, show, store_with
from trino_tui.tui.widgets.grid import HEADER_LINES, ResultGrid


def spy_lines(grid: ResultGrid) -> list[int]:
    """Record the body/header lines (content y) the grid draws from now on."""
    drawn: list[int] = []
    original = grid.render_line

    def render_line(y: int):
        drawn.append(y)
        return original(y)

    grid.render_line = render_line  # type: ignore[method-assign]
    return drawn


def border_lines(grid: ResultGrid) -> tuple[str, str]:
    """The grid's top and bottom border lines as last drawn."""
    strips = grid._styles_cache._cache  # noqa: SLF001 - the lines last drawn, by widget y
    height = grid.outer_size.height
    return strips[0].text, strips[height - 1].text


@pilot_test
async def test_a_cursor_move_on_screen_repaints_two_lines_and_the_subtitle() -> None:
    """... while a scroll or a selection rectangle still repaints the whole body."""
    store = store_with(make_rows(50))
    app = GridApp()
    async with app.run_test(size=(80, 16)) as pilot:
        grid = await show(pilot, store)
        drawn = spy_lines(grid)
        await pilot.press("down")
        await pilot.pause()
        assert sorted(set(drawn)) == [HEADER_LINES, HEADER_LINES + 1]   # rows 0 and 1 only
        assert "row 2/50" in border_lines(grid)[1]
        assert "row 2/50" in grid.border_subtitle
        drawn.clear()
        await pilot.press("right")
        await pilot.pause()
        assert sorted(set(drawn)) == [HEADER_LINES + 1]
        assert "col 2/" in border_lines(grid)[1]
        await pilot.press("left", "shift+down", "shift+down")
        drawn.clear()
        await pilot.press("down")   # drops the 3-row selection: every row of it repaints
        await pilot.pause()
        assert {HEADER_LINES + 1, HEADER_LINES + 2, HEADER_LINES + 3, HEADER_LINES + 4} <= set(drawn)
        assert grid.selection == (4, 0, 4, 0)
        drawn.clear()
        await pilot.press("pagedown")   # scrolls: the whole body repaints
        await pilot.pause()
        assert len(set(drawn)) > 5
        assert data_line(grid, grid.cursor[0])
    store.close()


@pilot_test
async def test_a_streaming_title_update_repaints_only_the_top_border() -> None:
    now = [100.0]
    source = make_rows(400)
    store = store_with(source[:300])   # more than the width sample (200 rows)
    async with GridApp().run_test(size=(80, 16)) as pilot:
        grid = await show(pilot, store, "streaming", clock=lambda: now[0])
        drawn = spy_lines(grid)
        store.append(Batch(300, source[300:]))   # below the screen
        now[0] += grid.TITLE_INTERVAL
        grid.sync()
        await pilot.pause()
        assert drawn == []   # no body line redrawn
        assert "400 rows so far" in border_lines(grid)[0]
    store.close()
