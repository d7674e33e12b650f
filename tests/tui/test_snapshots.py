"""SVG snapshot tests of the main screen (fixed terminal size, fake client, fake pipeline snapshots).

Regenerate after an intended visual change with: pytest tests/tui/test_snapshots.py --snapshot-update
"""

from __future__ import annotations

from trino_tui.tui.app import TrinoTuiApp
from trino_tui.tui.clipboard import MemoryClipboard
from trino_tui.tui.widgets.editor import SqlEditor
from trino_tui.tui.widgets.grid import ResultGrid
from trino_tui.tui.widgets.pipeline_panel import PipelinePanel

from tests.tui.conftest import FakeBatch, FakeClient, FakeQuery, failed, make_columns, make_settings
from tests.tui.fake_snapshots import finished_snapshot, mid_query_snapshot
from tests.tui.test_app_pilot import wait_until

SIZE = (140, 42)
CONFIG = make_settings("http://127.0.0.1:8080", catalog="tpch", schema="tiny")
NATION_SQL = "SELECT nationkey, name, regionkey, comment\nFROM tpch.tiny.nation\nORDER BY nationkey;\n"
NATIONS = [
    (0, "ALGERIA", 0, "haggle. carefully final deposits detect slyly agai"),
    (1, "ARGENTINA", 1, "al foxes promise slyly according to the regular accounts."),
    (2, "BRAZIL", 1, "y alongside of the pending deposits. carefully special packages"),
    (3, "CANADA", 1, "eas hang ironic, silent packages. slyly regular packages are"),
    (4, "EGYPT", 4, "y above the carefully unusual theodolites. final dugouts are"),
    (5, "ETHIOPIA", 0, "ven packages wake quickly. regu"),
    (6, "FRANCE", 3, "refully final requests. regular, ironi"),
    (7, "GERMANY", 3, "l platelets. regular accounts x-ray: unusual, regular acco"),
]
COLUMNS = make_columns(("nationkey", "bigint"), ("name", "varchar(25)"), ("regionkey", "bigint"),
                       ("comment", "varchar(152)"))


def _app(query_factory, sql: str = NATION_SQL) -> TrinoTuiApp:
    client = FakeClient(query_factory)
    app = TrinoTuiApp(CONFIG, initial_sql=sql, client_factory=lambda cfg: client, clipboard=MemoryClipboard(),
                      clock=lambda: 1000.0, theme="trino-dark")
    app.animation_level = "none"
    app.fake_client = client  # type: ignore[attr-defined]
    return app


async def _prepare(pilot) -> None:
    editor = pilot.app.query_one(SqlEditor)
    editor.cursor_blink = False
    editor.move_cursor((0, 0))


def _nations(**kw) -> FakeQuery:
    rows = [list(r) for r in NATIONS]
    return FakeQuery(COLUMNS, [FakeBatch(0, rows[:5]), FakeBatch(5, rows[5:])], **kw)


def test_main_screen_with_results(snap_compare):
    app = _app(lambda sql: _nations(snapshot=finished_snapshot(segments=2)))

    async def run_before(pilot) -> None:
        await _prepare(pilot)
        await pilot.press("ctrl+j")
        await wait_until(pilot, lambda: app.query_status == "finished")
        app.query_one(ResultGrid).focus()
        app.clear_notifications()
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_pipeline_panel_mid_query(snap_compare):
    app = _app(lambda sql: _nations(snapshot=mid_query_snapshot(), gate_at=1))

    async def run_before(pilot) -> None:
        await _prepare(pilot)
        await pilot.press("ctrl+j")
        query = app.fake_client.wait_query()
        assert query.reached_gate.wait(10)
        await wait_until(pilot, lambda: app.query_one(ResultGrid).row_count == 5)
        await pilot.press("f2")
        panel = app.query_one(PipelinePanel)
        await wait_until(pilot, lambda: panel.snapshot is not None)
        await pilot.pause()

    try:
        assert snap_compare(app, terminal_size=(160, 50), run_before=run_before)
    finally:
        for q in app.fake_client.queries:
            q.gate.set()


def test_error_location(snap_compare):
    error = failed("line 2:6: Table 'tpch.tiny.natoin' does not exist", 2, 6)
    app = _app(lambda sql: FakeQuery(COLUMNS, [], error=error),
               sql="SELECT nationkey, name\nFROM natoin\nORDER BY 1;\n")

    async def run_before(pilot) -> None:
        await _prepare(pilot)
        await pilot.press("ctrl+j")
        await wait_until(pilot, lambda: app.query_status == "failed")
        assert app.query_one(SqlEditor).cursor_location == (1, 5)
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_export_dialog(snap_compare):
    app = _app(lambda sql: _nations())

    async def run_before(pilot) -> None:
        await _prepare(pilot)
        await pilot.press("ctrl+j")
        await wait_until(pilot, lambda: app.query_status == "finished")
        app.clear_notifications()
        await pilot.press("f4")
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
