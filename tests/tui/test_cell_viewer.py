"""CellViewerScreen: full values (nested as JSON with row field names, json pretty-printed, long
strings wrapped and scrollable, NULL), Escape closes."""

from __future__ import annotations

import asyncio

from textual.app import App
from textual.containers import VerticalScroll
from textual.widgets import Static

from trino_tui.client.types import Column, parse_type_text
from trino_tui.tui.screens.cell_viewer import CellViewerScreen
from trino_tui.tui.widgets.grid_cells import full_text


def col(t: str, name: str = "c") -> Column:
    return Column(name, parse_type_text(t))


def test_full_text_of_nested_values_names_row_fields() -> None:
    t = parse_type_text("array(row(id bigint, tags map(varchar, row(x double, y varchar))))")
    value = [[1, {"k": [1.5, "v"]}], [2, {}]]
    assert full_text(value, t) == (
        '[\n  {\n    "id": 1,\n    "tags": {\n      "k": {\n        "x": 1.5,\n        "y": "v"\n'
        '      }\n    }\n  },\n  {\n    "id": 2,\n    "tags": {}\n  }\n]'
    )


def test_full_text_of_scalars_json_and_null() -> None:
    assert full_text(None, parse_type_text("varchar")) == "NULL"
    assert full_text('{"a":[1,2]}', parse_type_text("json")) == '{\n  "a": [\n    1,\n    2\n  ]\n}'
    assert full_text("not json {", parse_type_text("json")) == "not json {"
    assert full_text("line1\nline2", parse_type_text("varchar")) == "line1\nline2"
    assert full_text(42, parse_type_text("bigint")) == "42"


class Host(App):
    def __init__(self, screen: CellViewerScreen) -> None:
        super().__init__()
        self.animation_level = "none"
        self.viewer = screen

    def on_mount(self) -> None:
        self.push_screen(self.viewer)


def test_long_value_wraps_scrolls_and_escape_closes() -> None:
    text = " ".join(f"word{i}" for i in range(3000))

    async def scenario() -> None:
        viewer = CellViewerScreen(col("varchar", "comment"), text, row=41)
        app = Host(viewer)
        async with app.run_test(size=(60, 20)) as pilot:
            await pilot.pause()
            assert app.screen is viewer
            dialog = viewer.query_one("#cell-dialog")
            assert dialog.border_title == "comment varchar · row 42"
            static = viewer.query_one("#cell-value", Static)
            assert static.size.width < 60 and static.size.height > 20   # wrapped, taller than the screen
            scroll = viewer.query_one("#cell-scroll", VerticalScroll)
            assert scroll.max_scroll_y > 0
            await pilot.press("end")
            await pilot.pause()
            assert scroll.scroll_y == scroll.max_scroll_y
            await pilot.press("escape")
            await pilot.pause()
            assert app.screen is not viewer

    asyncio.run(scenario())


def test_null_value_is_marked() -> None:
    async def scenario() -> None:
        viewer = CellViewerScreen(col("double", "price"), None)
        app = Host(viewer)
        async with app.run_test(size=(60, 12)) as pilot:
            await pilot.pause()
            assert viewer.text == "NULL"
            assert viewer.query_one("#cell-value", Static).has_class("null")
            await pilot.press("q")
            await pilot.pause()
            assert app.screen is not viewer

    asyncio.run(scenario())
