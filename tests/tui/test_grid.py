"""ResultGrid Pilot tests: streaming rows, titles, navigation (incl. a 1,000,000-row store),
NULL styling, alignment, selection, mouse, cell viewer, error display."""

from __future__ import annotations

import asyncio
import functools

import orjson
import pytest
from textual.app import App, ComposeResult
from textual.geometry import Region

from tests.test_rowstore import Batch, make_columns, make_rows, payload_batch
from trino_tui.core.rowstore import RowStore
from trino_tui.tui.screens.cell_viewer import CellViewerScreen
from trino_tui.tui.widgets.grid import HEADER_LINES, ResultGrid
from trino_tui.tui.widgets.grid_model import title_for


def pilot_test(fn):
    """Run an async Pilot scenario as a plain (synchronous) pytest test."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        asyncio.run(fn(*args, **kwargs))
    return wrapper


class GridApp(App):
    """A minimal host: one grid, no animations, records CursorMoved messages."""

    def __init__(self) -> None:
        super().__init__()
        self.animation_level = "none"
        self.moves: list[tuple[int, int]] = []

    def compose(self) -> ComposeResult:
        yield ResultGrid(id="grid")

    def on_mount(self) -> None:
        self.query_one(ResultGrid).focus()

    def on_result_grid_cursor_moved(self, message: ResultGrid.CursorMoved) -> None:
        self.moves.append((message.row, message.col))


def lines(grid: ResultGrid) -> list[str]:
    """The grid's lines as text, border included."""
    strips = grid.render_lines(Region(0, 0, grid.outer_size.width, grid.outer_size.height))
    return [s.text for s in strips]


def body(grid: ResultGrid) -> str:
    return "\n".join(lines(grid))


async def settle(pilot, grid: ResultGrid) -> None:
    """Process messages, draw, and let the grid's RowLoader decode what the drawing asked for,
    until a draw asks for nothing new (the loader runs on its own thread; no sleeps)."""
    loop = asyncio.get_running_loop()
    for _ in range(100):
        await pilot.pause()
        lines(grid)  # a frame: requests the visible rows that are not decoded yet
        if not grid.loader.busy:
            return
        assert await loop.run_in_executor(None, grid.loader.wait_idle, 10), "row loader stuck"
    raise AssertionError("the grid kept requesting rows")


async def show(pilot, store: RowStore | None, status: str = "finished", *, settled: bool = True,
               clock=None) -> ResultGrid:
    """The app's grid showing *store* with *status* (its clock injected; drawn and its rows
    decoded unless ``settled`` is False)."""
    grid = pilot.app.query_one(ResultGrid)
    if clock is not None:
        grid.clock = clock
    grid.show_result(store)
    grid.set_status(status)
    if settled:
        await settle(pilot, grid)
    return grid


def two_chunk_store(n: int = 5000) -> tuple[list[list], RowStore]:
    """*n* rows in two payload chunks: json+zstd rows [0, 3000), json+lz4 the rest."""
    source = make_rows(n)
    store = RowStore(make_columns())
    store.append(payload_batch(source[:3000], 0, "json+zstd"))
    store.append(payload_batch(source[3000:], 3000, "json+lz4"))
    return source, store


def data_line(grid: ResultGrid, row: int) -> str:
    """Text of the screen line that shows result row *row* (must be visible)."""
    y = HEADER_LINES + row - int(grid.scroll_y)
    assert HEADER_LINES <= y < grid.size.height, f"row {row} not visible"
    return grid.render_line(y).text


def store_with(rows: list[list], columns=None) -> RowStore:
    store = RowStore(columns or make_columns())
    store.append(Batch(0, rows))
    return store


def big_store(n: int = 1_000_000, chunk: int = 250_000) -> RowStore:
    """n rows [i, "row i"] stored as a few large json+lz4 payload chunks (built quickly)."""
    import lz4.block

    from tests.test_rowstore import make_columns as mc
    store = RowStore(mc([("n", "bigint"), ("label", "varchar")]))
    for start in range(0, n, chunk):
        raw = orjson.dumps([[i, f"row {i}"] for i in range(start, min(n, start + chunk))])
        count = min(n, start + chunk) - start
        # the store reads only len(rows) of a payload batch: avoid holding a million Python rows
        store.append(Batch(start, [None] * count, 0, lz4.block.compress(raw, store_size=False),
                           "json+lz4", len(raw)))
    return store


@pilot_test
async def test_empty_state_and_title() -> None:
    app = GridApp()
    async with app.run_test(size=(80, 12)) as pilot:
        grid = app.query_one(ResultGrid)
        await settle(pilot, grid)
        assert grid.border_title == "Result"
        assert "No result yet" in body(grid)
        assert grid.selection_values() == ([], [])


@pilot_test
async def test_rows_appear_while_streaming_and_the_scrollbar_grows() -> None:
    app = GridApp()
    async with app.run_test(size=(80, 16)) as pilot:
        grid = app.query_one(ResultGrid)
        source = make_rows(300)
        store = RowStore(make_columns())
        grid.show_result(store)
        grid.set_status("streaming")
        await settle(pilot, grid)
        assert grid.border_title == "0 rows so far…"
        text = body(grid)
        assert "id" in text and "varchar" in text and "waiting for rows" in text
        store.append(Batch(0, source[:5]))
        grid.sync()
        await settle(pilot, grid)
        assert grid.border_title == "5 rows so far…"
        assert grid.virtual_size.height == HEADER_LINES + 5
        assert "name-4-" in data_line(grid, 4)
        store.append(Batch(5, source[5:]))
        grid.sync()
        await settle(pilot, grid)
        assert grid.virtual_size.height == HEADER_LINES + 300
        assert grid.max_scroll_y > 0
        grid.set_status("finished")
        await settle(pilot, grid)
        assert grid.border_title == "300 rows"


@pytest.mark.parametrize("status, message, expected", [
    ("finished", None, "42 rows"),
    ("stopped", None, "stopped after 42 rows"),
    ("cancelled", None, "cancelled after 42 rows"),
    ("failed", "Query failed: boom", "failed after 42 rows · Query failed: boom"),
    ("streaming", None, "42 rows so far…"),
])
@pilot_test
async def test_title_per_status(status: str, message: str | None, expected: str) -> None:
    app = GridApp()
    async with app.run_test(size=(80, 12)) as pilot:
        grid = app.query_one(ResultGrid)
        grid.show_result(store_with(make_rows(42)))
        grid.set_status(status, message=message)
        await settle(pilot, grid)
        assert grid.border_title == expected


def test_title_wording() -> None:
    assert title_for("finished", 1, True) == "1 row"
    assert title_for("finished", 1234567, True) == "1,234,567 rows"
    assert title_for("idle", 0, False) == "Result"
    assert title_for("streaming", 0, False) == "running…"
    assert title_for("failed", 0, False) == "failed"
    assert title_for("cancelled", 0, True) == "cancelled after 0 rows"


@pilot_test
async def test_failed_without_rows_shows_the_message() -> None:
    app = GridApp()
    async with app.run_test(size=(80, 12)) as pilot:
        grid = app.query_one(ResultGrid)
        grid.show_result(RowStore(make_columns()))
        grid.set_status("failed", message="Line 1:8: Column 'x' cannot be resolved")
        await settle(pilot, grid)
        assert "Column 'x' cannot be resolved" in body(grid)
        grid.set_status("finished")
        assert "(no rows)" in body(grid)


@pilot_test
async def test_keyboard_navigation_and_horizontal_scrolling() -> None:
    app = GridApp()
    async with app.run_test(size=(40, 14)) as pilot:   # narrow: columns do not all fit
        grid = await show(pilot, store_with(make_rows(200)))
        await pilot.press("down", "down", "right")
        assert grid.cursor == (2, 1)
        await pilot.press("end")
        assert grid.cursor == (2, 4)
        x0, x1 = grid._layout.span(4)
        assert grid.scroll_x <= x0 and x1 <= grid.scroll_x + grid._view_width()
        await pilot.press("home")
        assert grid.cursor == (2, 0) and grid.scroll_x == 0
        await pilot.press("pagedown")
        page = grid._data_height()
        assert grid.cursor == (2 + page, 0)
        await pilot.press("pageup", "up", "up", "up")
        assert grid.cursor == (0, 0)
        await pilot.press("ctrl+end")
        assert grid.cursor == (199, 0)
        assert data_line(grid, 199).split()[0] == "199"
        await pilot.press("ctrl+home")
        assert grid.cursor == (0, 0) and grid.scroll_y == 0
        await pilot.press("left", "up")          # clamped at the edges
        assert grid.cursor == (0, 0)
        assert app.moves[:3] == [(1, 0), (2, 0), (2, 1)]
        assert grid.border_subtitle == "row 1/200 · col 1/5"


@pilot_test
async def test_ctrl_end_on_a_million_rows_renders_the_last_row(monkeypatch) -> None:
    store = big_store()
    decoded: list[int] = []
    real = store._decode
    monkeypatch.setattr(store, "_decode", lambda chunk: decoded.append(chunk.start) or real(chunk))
    app = GridApp()
    async with app.run_test(size=(60, 20)) as pilot:
        grid = await show(pilot, store)
        assert grid.border_title == "1,000,000 rows"
        await pilot.press("ctrl+end")
        await settle(pilot, grid)
        assert grid.cursor == (999_999, 0)
        assert "row 999999" in data_line(grid, 999_999)
        assert "row 999999" in body(grid)
        # only the first chunk (width sample) and the last one were ever decoded
        assert sorted(set(decoded)) == [0, 750_000]
        await pilot.press("up")
        assert "row 999998" in data_line(grid, 999_998)
        assert sorted(set(decoded)) == [0, 750_000]
    store.close()


@pilot_test
async def test_null_is_styled_and_numbers_are_right_aligned() -> None:
    rows = [[1, None, 2.5, [], {}], [12345, "abc", None, ["x"], {"k": 1}]]
    app = GridApp()
    async with app.run_test(size=(80, 10)) as pilot:
        grid = app.query_one(ResultGrid)
        grid.show_result(store_with(rows))
        grid.set_status("finished")
        grid.cursor = (1, 4)      # keep the cursor away from the cells inspected below
        await settle(pilot, grid)
        body(grid)                # resolves styles for this frame
        strip = grid.render_line(HEADER_LINES)
        segments = list(strip)
        null_seg = next(s for s in segments if s.text.strip() == "NULL")
        assert null_seg.style.italic
        assert null_seg.style != next(s for s in segments if s.text.strip() == "2.5").style
        layout = grid._layout
        id_width = layout.widths[0]
        first, second = data_line(grid, 0), data_line(grid, 1)
        assert first[: id_width + 2] == " " + "1".rjust(id_width) + " "
        assert second[: id_width + 2] == " " + "12345".rjust(id_width) + " "
        name_x = layout.xs[1]
        assert second[name_x: name_x + 5] == " abc "   # text stays left-aligned


@pilot_test
async def test_long_values_are_truncated_with_an_ellipsis() -> None:
    rows = [[1, "y" * 300, 1.0, [], {}]]
    app = GridApp()
    async with app.run_test(size=(100, 10)) as pilot:
        grid = await show(pilot, store_with(rows))
        assert grid._layout.widths[1] == grid.max_column_width
        assert ("y" * (grid.max_column_width - 1) + "…") in data_line(grid, 0)


@pilot_test
async def test_shift_arrows_select_a_rectangle() -> None:
    source = make_rows(20)
    app = GridApp()
    async with app.run_test(size=(80, 14)) as pilot:
        grid = await show(pilot, store_with(source))
        cols, values = grid.selection_values()
        assert [c.name for c in cols] == ["id"] and values == [[0]]
        await pilot.press("down", "right", "shift+down", "shift+down", "shift+right")
        cols, values = grid.selection_values()
        assert [c.name for c in cols] == ["name", "price"]
        assert values == [row[1:3] for row in source[1:4]]
        assert grid.border_subtitle.startswith("3×2 selected")
        await pilot.press("down")                 # a plain move drops the selection
        assert grid.selection == (4, 2, 4, 2)


@pilot_test
async def test_mouse_click_moves_the_cursor() -> None:
    app = GridApp()
    async with app.run_test(size=(80, 14)) as pilot:
        grid = await show(pilot, store_with(make_rows(20)))
        layout = grid._layout
        # +1: the grid's border; click the 4th data row, 3rd column
        await pilot.click(ResultGrid, offset=(1 + layout.xs[2] + 1, 1 + HEADER_LINES + 3))
        assert grid.cursor == (3, 2)
        await pilot.click(ResultGrid, offset=(1 + layout.xs[1] + 1, 1 + HEADER_LINES + 5), shift=True)
        assert grid.selection == (3, 1, 5, 2)
        await pilot.click(ResultGrid, offset=(1 + layout.xs[0] + 1, 1))   # header: no move
        assert grid.cursor == (5, 1)
        await pilot.double_click(ResultGrid, offset=(1 + layout.xs[0] + 1, 1 + HEADER_LINES))
        await settle(pilot, grid)
        assert isinstance(app.screen, CellViewerScreen) and app.screen.text == "0"


@pilot_test
async def test_enter_opens_the_cell_viewer_and_escape_closes_it() -> None:
    rows = [[7, "short", 1.5, ["a", "b"], {"key": 42}]]
    app = GridApp()
    async with app.run_test(size=(80, 20)) as pilot:
        grid = await show(pilot, store_with(rows))
        await pilot.press("end", "enter")
        await settle(pilot, grid)
        assert isinstance(app.screen, CellViewerScreen)
        assert app.screen.text == '{\n  "key": 42\n}'
        await pilot.press("escape")
        await settle(pilot, grid)
        assert not isinstance(app.screen, CellViewerScreen)
        assert grid.has_focus


@pilot_test
async def test_unreadable_rows_show_a_one_line_error() -> None:
    rows = make_rows(10)
    raw = orjson.dumps(rows)
    store = RowStore(make_columns())
    store.append(Batch(0, rows, 0, b"\x00garbage" + raw[8:], "json", None))
    app = GridApp()
    async with app.run_test(size=(80, 10)) as pilot:
        grid = await show(pilot, store)
        text = body(grid)
        assert "cannot decode rows 0-9" in text


@pilot_test
async def test_payload_chunks_and_clear() -> None:
    source, store = two_chunk_store()
    app = GridApp()
    async with app.run_test(size=(80, 12)) as pilot:
        grid = await show(pilot, store, settled=False)
        grid.cursor = (3001, 0)
        await settle(pilot, grid)
        assert "name-3001-" in data_line(grid, 3001)
        grid.show_result(None)
        await settle(pilot, grid)
        assert grid.border_title == "Result" and grid.virtual_size.height == 0
        assert "No result yet" in body(grid)


@pilot_test
async def test_selection_is_bounded_so_a_copy_cannot_decode_millions_of_rows() -> None:
    app = GridApp()
    async with app.run_test(size=(80, 14)) as pilot:
        grid = app.query_one(ResultGrid)
        grid.max_selection_rows = 15
        grid.show_result(store_with(make_rows(100)))
        grid.set_status("finished")
        await settle(pilot, grid)
        await pilot.press("down", "shift+pagedown", "shift+pagedown", "shift+pagedown")
        r0, _, r1, _ = grid.selection
        assert (r0, r1) == (1, 15)
        assert len(grid.selection_values()[1]) == 15
        assert "15×1 selected" in grid.border_subtitle


@pilot_test
async def test_grid_renders_consistently_while_a_thread_appends_to_a_spilling_store(tmp_path) -> None:
    import threading

    source = make_rows(40 * 250)
    store = RowStore(make_columns(), memory_budget=20_000, spill_dir=str(tmp_path), cache_chunks=4)
    done = threading.Event()

    def produce() -> None:
        try:
            for i in range(0, len(source), 250):
                part = source[i:i + 250]
                store.append(Batch(i, part) if i % 500 else payload_batch(part, i, "json+zstd"))
        finally:
            done.set()

    app = GridApp()
    async with app.run_test(size=(80, 16)) as pilot:
        grid = app.query_one(ResultGrid)
        grid.show_result(store)
        grid.set_status("streaming")
        producer = threading.Thread(target=produce)
        producer.start()
        frames = 0
        while not done.is_set() or frames < 3:
            grid.sync()
            await pilot.press("pagedown")
            await settle(pilot, grid)
            top = int(grid.scroll_y)
            for row in range(top, min(grid.row_count, top + grid._data_height())):
                assert data_line(grid, row).split()[0] == str(row)
            frames += 1
        producer.join(timeout=30)
        grid.sync()
        grid.set_status("finished")
        await pilot.press("ctrl+end")
        assert grid.border_title == f"{len(source):,} rows"
        assert data_line(grid, len(source) - 1).split()[0] == str(len(source) - 1)
        assert store.nbytes_spilled > 0
    store.close()


@pilot_test
async def test_a_failed_spill_is_reported_once_and_rows_stay_readable(tmp_path) -> None:
    source = make_rows(2000)
    store = RowStore(make_columns(), memory_budget=1, spill_dir=str(tmp_path / "missing"))
    app = GridApp()
    async with app.run_test(size=(80, 12)) as pilot:
        grid = app.query_one(ResultGrid)
        grid.show_result(store)
        grid.set_status("streaming")
        for i in range(0, 2000, 500):
            store.append(payload_batch(source[i:i + 500], i, "json+zstd"))
            grid.sync()
        await settle(pilot, grid)
        assert store.spill_error and "cannot spill rows to disk" in store.spill_error
        notes = [n.message for n in app._notifications]
        assert notes.count(store.spill_error) == 1
        assert store.rows(1500, 1510) == source[1500:1510]
    store.close()


@pilot_test
async def test_scrollbar_grows_with_the_stream_and_end_reaches_the_newest_row() -> None:
    """While rows stream in, the virtual height (scrollbar) follows the store at most every
    TITLE_INTERVAL (injected clock) — on the fast path that skips the layout pass too — and
    ctrl+end, pressed before the scrollbar caught up, still lands on the newest row."""
    now = [100.0]
    source = make_rows(3_000)
    store = RowStore(make_columns())
    app = GridApp()
    async with app.run_test(size=(100, 20)) as pilot:
        grid = await show(pilot, store, "streaming", settled=False, clock=lambda: now[0])
        for start in range(0, 2_500, 500):
            store.append(Batch(start, source[start:start + 500]))
            now[0] += grid.TITLE_INTERVAL
            grid.sync()
            await settle(pilot, grid)
            assert grid.virtual_size.height == HEADER_LINES + start + 500
            assert grid.vertical_scrollbar.window_virtual_size == HEADER_LINES + start + 500
        store.append(Batch(2_500, source[2_500:]))
        grid.sync()   # within TITLE_INTERVAL of the last update: the scrollbar waits
        assert grid.row_count == len(source) and grid.virtual_size.height == HEADER_LINES + 2_500
        await pilot.press("ctrl+end")
        assert grid.cursor[0] == len(source) - 1
        assert grid.virtual_size.height == HEADER_LINES + len(source)
        await settle(pilot, grid)
        assert data_line(grid, len(source) - 1).lstrip().startswith(str(source[-1][0]))
    store.close()


@pilot_test
async def test_streaming_row_count_title_is_throttled_but_never_stale_at_the_end() -> None:
    """A new title repaints the whole grid, so while streaming it changes at most every
    TITLE_INTERVAL (injected clock); a status change always shows the exact count."""
    now = [100.0]
    source = make_rows(30)
    store = RowStore(make_columns())
    app = GridApp()
    async with app.run_test(size=(80, 16)) as pilot:
        grid = await show(pilot, store, "streaming", settled=False, clock=lambda: now[0])
        store.append(Batch(0, source[:10]))
        grid.sync()  # the first rows always show
        assert grid.border_title == "10 rows so far…"
        store.append(Batch(10, source[10:20]))
        now[0] += grid.TITLE_INTERVAL / 2
        grid.sync()
        assert grid.border_title == "10 rows so far…" and grid.row_count == 20
        assert grid.virtual_size.height == HEADER_LINES + 20  # the new rows are on screen
        now[0] += grid.TITLE_INTERVAL
        grid.sync()
        assert grid.border_title == "20 rows so far…"
        store.append(Batch(20, source[20:]))
        grid.sync()
        grid.set_status("finished")
        await settle(pilot, grid)
        assert grid.border_title == "30 rows"
    store.close()


@pilot_test
async def test_a_cache_miss_paints_a_placeholder_and_decoding_never_runs_on_the_ui_thread() -> None:
    import threading

    source, store = two_chunk_store()
    decode_threads: list[threading.Thread] = []
    release = threading.Event()
    real_decode = store._decode

    def spying_decode(chunk):
        decode_threads.append(threading.current_thread())
        assert release.wait(10), "test never released the decoder"
        return real_decode(chunk)

    store._decode = spying_decode  # every path from the store to the codecs goes through _decode
    app = GridApp()
    async with app.run_test(size=(80, 12)) as pilot:
        ui_thread = threading.current_thread()
        grid = await show(pilot, store, settled=False)
        await pilot.pause()
        lines(grid)  # a frame while the loader is held: placeholders, no decoding here
        assert data_line(grid, 0).strip() == "…"
        grid.cursor = (4500, 0)   # scrolls into the other (lz4) chunk
        lines(grid)
        release.set()
        await settle(pilot, grid)
        assert "name-4500-" in data_line(grid, 4500)
        grid.cursor = (2, 0)
        await settle(pilot, grid)
        assert data_line(grid, 2).split()[0] == "2"
        assert decode_threads and ui_thread not in decode_threads
        assert {t.name for t in decode_threads} == {"tui-row-loader"}
    store.close()


def test_row_loader_coalesces_requests_per_key_and_closes_within_its_bound() -> None:
    import threading

    from trino_tui.tui.widgets.row_loader import RowLoader

    gate = threading.Event()
    calls: list[tuple[int, int]] = []
    delivered: list[tuple[str, int, int]] = []

    class SlowStore:
        def rows(self, start, stop):
            calls.append((start, stop))
            gate.wait(10)
            return [[i] for i in range(start, stop)]

    loader = RowLoader(lambda key, store, start, rows, error: delivered.append((key, start, len(rows)))).start()
    store = SlowStore()
    loader.request("view", store, 0, 10)
    while not calls:  # the first request is being decoded (held by the gate)
        threading.Event().wait(0.001)
    for start in range(10, 100, 10):   # fast scrolling: only the newest range is kept
        loader.request("view", store, start, start + 10)
    loader.request("sample", store, 0, 5)
    gate.set()
    assert loader.wait_idle(10)
    assert calls == [(0, 10), (90, 100), (0, 5)]
    assert delivered == [("view", 90, 10), ("sample", 0, 5)]  # the superseded (0, 10) is not delivered
    gate.clear()
    loader.request("view", store, 0, 1)
    while len(calls) < 4:
        threading.Event().wait(0.001)
    assert loader.close(timeout=0.05) is False   # bounded although the decode is stuck
    gate.set()
    assert loader.close(timeout=5) is True
    assert len(delivered) == 2   # nothing is delivered once close() began


@pilot_test
async def test_copying_a_selection_of_undecoded_rows_loads_them_off_the_ui_thread() -> None:
    import threading

    source = make_rows(9000)
    store = RowStore(make_columns(), cache_chunks=2)
    for start in range(0, 9000, 3000):
        store.append(payload_batch(source[start:start + 3000], start, "json+zstd"))
    decode_threads: list[str] = []
    real_decode = store._decode
    store._decode = lambda chunk: decode_threads.append(threading.current_thread().name) or real_decode(chunk)
    loaded: list[ResultGrid.SelectionLoaded] = []

    class CopyApp(GridApp):
        def on_result_grid_selection_loaded(self, message: ResultGrid.SelectionLoaded) -> None:
            loaded.append(message)

    app = CopyApp()
    async with app.run_test(size=(80, 14)) as pilot:
        grid = await show(pilot, store)
        grid.cursor = (8990, 0)
        await settle(pilot, grid)
        grid._anchor = (100, 0)      # a selection from row 100 to 8990: most of it not decoded now
        assert grid.selection_values() is None          # never decoded here: the loader is asked
        await settle(pilot, grid)
        await pilot.pause()
        assert len(loaded) == 1
        cols, values = grid.selection_values()
        assert [c.name for c in cols] == ["id"] and [v[0] for v in values] == list(range(100, 8991))
        assert decode_threads and set(decode_threads) == {"tui-row-loader"}
    store.close()
