"""Snapshot of the result grid: a small deterministic result with NULLs, numbers, nested values,
a truncated long value, the cursor and a selection (fixed 80×16 terminal)."""

from __future__ import annotations

from textual.app import App, ComposeResult

from tests.test_rowstore import Batch, make_columns
from trino_tui.core.rowstore import RowStore
from trino_tui.tui.widgets.grid import ResultGrid

SPEC = [("orderkey", "bigint"), ("status", "varchar(1)"), ("price", "double"),
        ("comment", "varchar"), ("tags", "array(varchar)"), ("discount", "decimal(5, 2)")]
ROWS = [
    [1, "O", 17954.55, "blithely final deposits", ["a", "b"], "0.04"],
    [2, None, 34850.16, "furiously regular accounts sleep quickly " * 3, [], "0.10"],
    [3, "F", None, "ünïcödé ✓ 東京", None, None],
    [32, "O", 7.0, "", ["x"], "1.00"],
    [100000, "P", -1.5, "ends", ["q", None], "0.00"],
]


class SnapshotApp(App):
    def __init__(self) -> None:
        super().__init__()
        self.animation_level = "none"

    def compose(self) -> ComposeResult:
        yield ResultGrid(id="grid")

    def on_mount(self) -> None:
        store = RowStore(make_columns(SPEC))
        store.append(Batch(0, ROWS))
        grid = self.query_one(ResultGrid)
        grid.show_result(store)
        grid.set_status("stopped")
        grid.focus()


def test_grid_snapshot(snap_compare) -> None:
    assert snap_compare(SnapshotApp(), terminal_size=(80, 16),
                        press=["down", "right", "shift+down", "shift+right"])
