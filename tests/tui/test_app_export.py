"""Export from the TUI: the dialog, result export (RowStore) and export-from-query (streamed)."""

from __future__ import annotations

import asyncio
import queue

from textual.widgets import Input, Select

from trino_tui.core.rowstore import RowStore
from trino_tui.tui.export_job import ExportJob, QuerySource, StoreSource
from trino_tui.tui.messages import ExportDone
from trino_tui.export import extension_for
from trino_tui.tui.screens.export_dialog import ExportDialog

from tests.tui.conftest import FakeBatch, FakeClient, FakeQuery, failed, int_batches
from tests.tui.test_app_pilot import make_app, wait_until


def _done(inbox: queue.Queue) -> ExportDone:
    while True:
        m = inbox.get(timeout=10)
        if isinstance(m, ExportDone):
            return m


async def run_then_open_export(app, pilot) -> ExportDialog:
    """Run the editor's query to the end, then open the export dialog (F4) on its result."""
    await pilot.press("ctrl+j")
    await wait_until(pilot, lambda: app.query_status == "finished")
    await pilot.press("f4")
    await wait_until(pilot, lambda: isinstance(app.screen, ExportDialog))
    return app.screen


def test_export_job_from_store_writes_atomically(tmp_path, fake_columns):
    store = RowStore(fake_columns)
    for b in int_batches(5, 2):
        store.append(b)
    inbox: queue.Queue = queue.Queue()
    target = tmp_path / "out.csv"
    job = ExportJob(StoreSource(store), str(target), "CSV_HEADER", inbox.put).start()
    done = _done(inbox)
    job.close()
    assert done.error is None and done.rows == 5
    assert target.read_text().splitlines() == ['"n","label"'] + [f'"{i}","row {i}"' for i in range(5)]
    store.close()


def test_failed_query_export_leaves_no_file(tmp_path, fake_columns):
    client = FakeClient(lambda sql: FakeQuery(fake_columns, int_batches(300, 100), error=failed("boom")))
    inbox: queue.Queue = queue.Queue()
    target = tmp_path / "out.tsv"
    job = ExportJob(QuerySource(lambda: client, "select"), str(target), "TSV", inbox.put).start()
    done = _done(inbox)
    job.close()
    assert done.error and "boom" in done.error and "\n" not in done.error
    assert not target.exists() and list(tmp_path.iterdir()) == []


def test_cancelled_export_leaves_no_file(tmp_path, fake_columns):
    query = FakeQuery(fake_columns, int_batches(300, 100), gate_at=1)
    client = FakeClient(lambda sql: query)
    inbox: queue.Queue = queue.Queue()
    target = tmp_path / "out.json"
    job = ExportJob(QuerySource(lambda: client, "select"), str(target), "JSON", inbox.put).start()
    assert query.reached_gate.wait(10)
    job.cancel()
    done = _done(inbox)
    job.close()
    assert done.cancelled and done.error is None
    assert list(tmp_path.iterdir()) == []


def test_extension_follows_format():
    assert extension_for("CSV_HEADER_UNQUOTED") == ".csv"
    assert extension_for("TSV_HEADER") == ".tsv"
    assert extension_for("MARKDOWN") == ".md"


def test_export_dialog_writes_the_current_result(tmp_path, fake_columns):
    client = FakeClient(lambda sql: FakeQuery(fake_columns, int_batches(2500, 1000)))
    target = tmp_path / "result.tsv"

    async def scenario():
        app = make_app(client)
        async with app.run_test(size=(120, 40)) as pilot:
            dialog = await run_then_open_export(app, pilot)
            dialog.query_one("#export-format", Select).value = "TSV_HEADER"
            await pilot.pause()
            dialog.query_one("#export-path", Input).value = str(target)
            await pilot.click("#export-go")
            await wait_until(pilot, lambda: dialog.result is not None, what="export done")
            assert dialog.result.error is None and dialog.result.rows == 2500
            status = str(dialog.query_one("#export-status").render())
            assert "Wrote 2,500 rows" in status
            await pilot.press("escape")
            await wait_until(pilot, lambda: not isinstance(app.screen, ExportDialog))

    asyncio.run(scenario())
    lines = target.read_text().splitlines()
    assert lines[0] == "n\tlabel" and lines[1] == "0\trow 0" and lines[-1] == "2499\trow 2499"
    assert len(lines) == 2501


def test_export_from_query_streams_to_file_without_touching_the_grid(tmp_path, fake_columns):
    client = FakeClient(lambda sql: FakeQuery(fake_columns, int_batches(1200, 500)))
    target = tmp_path / "q.csv"

    async def scenario():
        app = make_app(client, sql="select * from big")
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("f5")
            await wait_until(pilot, lambda: isinstance(app.screen, ExportDialog))
            dialog = app.screen
            dialog.query_one("#export-path", Input).value = str(target)
            dialog.query_one("#export-path", Input).focus()
            await pilot.press("enter")
            await wait_until(pilot, lambda: dialog.result is not None, what="export done")
            assert dialog.result.rows == 1200 and dialog.result.error is None
            assert app.store is None  # nothing was loaded into the grid
            await pilot.press("escape")

    asyncio.run(scenario())
    assert client.executed == ["select * from big"]
    assert len(target.read_text().splitlines()) == 1201


def test_export_with_no_result_says_so(fake_columns):
    client = FakeClient(lambda sql: FakeQuery(fake_columns, []))

    async def scenario():
        app = make_app(client)
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.press("f4")
            assert not isinstance(app.screen, ExportDialog)
            assert any("No result to export" in str(n.message) for n in app._notifications)

    asyncio.run(scenario())


def test_export_dialog_refuses_a_directory(tmp_path, fake_columns):
    client = FakeClient(lambda sql: FakeQuery(fake_columns, [FakeBatch(0, [[1, "a"]])]))

    async def scenario():
        app = make_app(client)
        async with app.run_test(size=(120, 40)) as pilot:
            dialog = await run_then_open_export(app, pilot)
            dialog.query_one("#export-path", Input).value = str(tmp_path)
            await pilot.click("#export-go")
            await pilot.pause()
            assert "is a directory" in str(dialog.query_one("#export-status").render())
            assert dialog.job is None

    asyncio.run(scenario())
